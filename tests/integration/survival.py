"""Helpers for the survival tests: clients that exchange a payload in both directions at once
(so a payload larger than the socket buffers never deadlocks against echo's back-pressure),
a load of many such clients, and readings of the daemon's descriptors, memory and CPU time."""
import os
import selectors
import socket
import threading

from conftest import TIMEOUT


def full_duplex_exchange(port, payload, host="127.0.0.1", timeout=TIMEOUT):
    """Connect, send `payload` while reading, half-close, read to end of file; returns the bytes
    read. Raises OSError on a refused or reset connection and TimeoutError on a stall."""
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.setblocking(False)
        received = []
        sent = 0
        view = memoryview(payload)
        with selectors.DefaultSelector() as selector:
            selector.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
            writing = True
            if not payload:
                s.shutdown(socket.SHUT_WR)
                writing = False
                selector.modify(s, selectors.EVENT_READ)
            while True:
                events = selector.select(timeout)
                if not events:
                    raise TimeoutError(f"stalled after sending {sent} and receiving "
                                       f"{sum(map(len, received))} bytes")
                _, mask = events[0]
                if mask & selectors.EVENT_WRITE and writing:
                    try:
                        sent += s.send(view[sent:sent + 65536])
                    except BlockingIOError:
                        pass
                    if sent == len(payload):
                        s.shutdown(socket.SHUT_WR)
                        writing = False
                        selector.modify(s, selectors.EVENT_READ)
                if mask & selectors.EVENT_READ:
                    try:
                        chunk = s.recv(65536)
                    except BlockingIOError:
                        continue
                    if not chunk:
                        return b"".join(received)
                    received.append(chunk)


class Load:
    """`clients` threads making `total` connections between them, round robin over `ports`;
    payload(i) gives the i-th connection's distinct bytes. Every reply must equal its payload."""

    def __init__(self, ports, total, clients, payload):
        self.ports = ports
        self.total = total
        self.payload = payload
        self.next = 0
        self.lock = threading.Lock()
        self.ok = 0
        self.failures = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(clients)]

    def _take(self):
        with self.lock:
            if self.next >= self.total or self.stop.is_set():
                return None
            self.next += 1
            return self.next - 1

    def _run(self):
        while True:
            i = self._take()
            if i is None:
                return
            port = self.ports[i % len(self.ports)]
            data = self.payload(i)
            try:
                reply = full_duplex_exchange(port, data)
                error = None if reply == data else (
                    f"port {port}: {len(reply)} bytes back for {len(data)}, "
                    f"first difference at {next((k for k in range(min(len(reply), len(data))) if reply[k] != data[k]), min(len(reply), len(data)))}")
            except (OSError, TimeoutError) as e:
                error = f"port {port}: {e!r}"
            with self.lock:
                if error:
                    self.failures.append((i, error))
                else:
                    self.ok += 1

    def start(self):
        for t in self.threads:
            t.start()
        return self

    def done(self):
        with self.lock:
            return self.next >= self.total and all(not t.is_alive() for t in self.threads)

    def join(self, timeout=None):
        for t in self.threads:
            t.join(timeout)
        return self

    def completed(self):
        with self.lock:
            return self.ok + len(self.failures)


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS line")


def cpu_seconds(pid):
    """User plus system CPU time of a process so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
