"""redirect = HOST PORT: each connection forwarded, in the daemon's loop, to a target server
written here (an echo server on 127.0.0.1), in xinetd's syntax (-x) and in ninetd's key=value
form; many clients at once, large payloads, half-close, a dead target, the idle timeout and the
--max-sessions bound."""
import os
import select
import socket
import socketserver
import threading

import pytest

from conftest import (TIMEOUT, closed_unanswered, free_port, read_exactly, read_to_eof,
                      tcp_exchange, wait_until)


class EchoTarget:
    """A threaded echo server on 127.0.0.1: sends back every byte, closes after the client's
    end of file. `accepted` counts its connections; `silent` makes it read without echoing."""

    def __init__(self, silent=False):
        target = self
        self.accepted = 0
        self.lock = threading.Lock()
        self.release = threading.Event()

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                with target.lock:
                    target.accepted += 1
                if silent:
                    target.release.wait(TIMEOUT * 4)
                    return
                self.request.settimeout(TIMEOUT)
                try:
                    while True:
                        data = self.request.recv(65536)
                        if not data:
                            break
                        self.request.sendall(data)
                except OSError:
                    pass

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True
            request_queue_size = 256

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def target():
    t = EchoTarget()
    yield t
    t.close()


def xinetd_conf(port, target_port, extra=""):
    return ("service fwd\n{\n  type = UNLISTED\n  port = %d\n  bind = 127.0.0.1\n"
            "  flags = IPv4\n  socket_type = stream\n  protocol = tcp\n"
            "  redirect = 127.0.0.1 %d\n%s}\n" % (port, target_port, extra))


def key_value_conf(port, target_port):
    return f"127.0.0.1:{port} on protocol = tcp4, redirect = 127.0.0.1 {target_port};\n"


def echo_through(port, payload):
    """Sends `payload` from a thread of its own while reading the echo (a large payload would
    otherwise fill both ways' buffers), half-closes, returns all that came back before EOF."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        def send():
            s.sendall(payload)
            s.shutdown(socket.SHUT_WR)

        sender = threading.Thread(target=send)
        sender.start()
        try:
            return read_to_eof(s)
        finally:
            sender.join(TIMEOUT)


@pytest.mark.parametrize("form", ["xinetd", "key_value"])
def test_100_concurrent_clients_get_their_bytes_back(ninetd, target, form):
    port = free_port()
    if form == "xinetd":
        ninetd.start(xinetd_conf(port, target.port), xinetd=True)
    else:
        ninetd.start(key_value_conf(port, target.port))
    assert ": warning: " not in ninetd.log() and ": error: " not in ninetd.log(), ninetd.log()
    name = "fwd/tcp4" if form == "xinetd" else f"{port}/tcp4"
    sizes = [1, 100, 4096, 16384, 16385, 65536, 200000] * 13 + [1 << 20, 3 << 19, 2 << 20] * 3
    sizes = sizes[:100]
    assert sum(1 for n in sizes if n > 1 << 20) >= 3
    payloads = [os.urandom(n) for n in sizes]
    results = [None] * len(payloads)

    def client(i):
        try:
            results[i] = echo_through(port, payloads[i])
        except OSError as e:
            results[i] = e

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(payloads))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT * 4)
    for i, (sent, got) in enumerate(zip(payloads, results)):
        assert isinstance(got, bytes), f"client {i}: {got!r}"
        assert len(got) == len(sent), f"client {i}: {len(got)} of {len(sent)} bytes"
        assert got == sent, f"client {i}: the bytes differ"
    assert target.accepted == len(payloads)
    # Every forwarded connection is over: none is left counted as a child.
    table, _ = ninetd.dump()
    (_, counters), = table[name]
    assert counters["children"] == 0 and counters["connections"] == len(payloads), counters


def test_a_half_closed_client_still_gets_the_whole_answer(ninetd, target):
    port = free_port()
    ninetd.start(key_value_conf(port, target.port))
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        s.sendall(b"first line\n")
        assert read_exactly(s, 11) == b"first line\n"
        s.sendall(b"after that, the end of my side\n")
        s.shutdown(socket.SHUT_WR)
        # The target sees the end of file only once the daemon passes it on; it echoes what
        # it had, closes, and that end of file reaches the client in turn.
        assert read_to_eof(s) == b"after that, the end of my side\n"


def test_a_dead_target_closes_the_client_and_is_logged_once(ninetd):
    port, echo, dead = free_port(), free_port(), free_port()
    ninetd.start(key_value_conf(port, dead) +
                 f"127.0.0.1:{echo} stream tcp nowait root internal echo\n")
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        s.sendall(b"anyone there?\n")
        assert closed_unanswered(s)
    line = ninetd.wait_log(f"{port}/tcp4: redirect_failed target=127.0.0.1:{dead} ")
    assert line.endswith(' error="Connection refused"'), line
    assert ninetd.log().count("redirect_failed") == 1, ninetd.log()
    assert tcp_exchange(echo, b"still here\n") == b"still here\n"
    # A flood of clients for a dead target: the repeat limiter holds the lines back.
    for _ in range(20):
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
            assert closed_unanswered(s)
    assert ninetd.log().count("; client closed") <= 3, ninetd.log()
    assert tcp_exchange(echo, b"and still\n") == b"and still\n"
    table, _ = ninetd.dump()
    (_, counters), = table[f"{port}/tcp4"]
    assert counters["children"] == 0, counters


def test_a_silent_forwarded_connection_is_closed_at_the_idle_timeout(ninetd, target):
    port = free_port()
    ninetd.start(xinetd_conf(port, target.port), xinetd=True,
                 args=("-l", "--idle-timeout", "1"))
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        wait_until(lambda: target.accepted == 1, what="the target's connection")
        assert read_to_eof(s) == b""
    ninetd.wait_log(r"fwd/tcp4: closed peer=127\.0\.0\.1 port=\d+ reason=idle min_bytes=256 "
                    r"seconds=1\n", regex=True)
    table, _ = ninetd.dump()
    (_, counters), = table["fwd/tcp4"]
    assert counters["children"] == 0, counters


def test_max_sessions_caps_forwarded_connections(ninetd, target):
    port = free_port()
    ninetd.start(key_value_conf(port, target.port), args=("--max-sessions", "3"))
    held = []
    try:
        for i in range(3):
            s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
            held.append(s)
            s.sendall(b"held %d\n" % i)
            assert read_exactly(s, 7) == b"held %d\n" % i
        waiting = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        held.append(waiting)
        waiting.sendall(b"queued\n")
        ninetd.wait_log(f"{port}/tcp4: 3 in-loop sessions open, the most the daemon holds")
        assert target.accepted == 3
        held.pop(0).close()
        # The queued client is taken in once a held one goes.
        assert read_exactly(waiting, 7) == b"queued\n"
        assert target.accepted == 4
    finally:
        for s in held:
            s.close()


def test_instances_count_forwarded_connections(ninetd, target):
    port = free_port()
    ninetd.start(xinetd_conf(port, target.port, "  instances = 2\n"), xinetd=True)
    held = []
    try:
        for i in range(2):
            s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
            held.append(s)
            s.sendall(b"held %d\n" % i)
            assert read_exactly(s, 7) == b"held %d\n" % i
        table, _ = ninetd.dump()
        (where, counters), = table["fwd/tcp4"]
        assert counters["children"] == 2, counters
        assert where.endswith("(stream, nowait, redirect to 127.0.0.1:%d) at its child limit"
                              % target.port), where
        waiting = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        held.append(waiting)
        waiting.sendall(b"queued\n")
        held.pop(0).close()
        # The queued client is taken in once a held one goes.
        assert read_exactly(waiting, 7) == b"queued\n"
    finally:
        for s in held:
            s.close()


def test_a_target_that_does_not_read_holds_the_client_back(ninetd):
    """Backpressure: the daemon stops reading a client whose target takes nothing, so what the
    client can push is bounded by the kernel's buffers and the forwarder's 16 KiB, never by
    the daemon's memory."""
    target = EchoTarget(silent=True)
    port, echo = free_port(), free_port()
    limit = 64 << 20
    try:
        ninetd.start(key_value_conf(port, target.port) +
                     f"127.0.0.1:{echo} stream tcp nowait root internal echo\n")
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
            s.setblocking(False)
            block = os.urandom(65536)
            sent = 0
            while sent < limit:
                # Blocked for 2 s: the pair is full and nothing drains it (a daemon that took
                # everything would keep the client writable and reach the limit).
                if not select.select([], [s], [], 2)[1]:
                    break
                try:
                    sent += s.send(block)
                except BlockingIOError:
                    pass
            assert sent < limit, "the daemon took everything the client sent"
            assert tcp_exchange(echo, b"the loop still turns\n") == b"the loop still turns\n"
    finally:
        target.close()


def test_a_reload_moves_new_connections_and_keeps_forwarded_ones(ninetd, target):
    other = EchoTarget()
    port = free_port()
    try:
        ninetd.start(key_value_conf(port, target.port))
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
            s.sendall(b"before\n")
            assert read_exactly(s, 7) == b"before\n"
            log = ninetd.reload(key_value_conf(port, other.port))
            assert f"{port}/tcp4: changed; new connections get the new definition" in log, log
            # The forwarded connection goes on to the old target.
            s.sendall(b"during\n")
            assert read_exactly(s, 7) == b"during\n"
            assert echo_through(port, b"after\n") == b"after\n"
            assert (target.accepted, other.accepted) == (1, 1)
    finally:
        other.close()


def test_a_target_that_never_answers_closes_the_client_at_the_idle_timeout(ninetd):
    """A target whose accept queue is full drops the SYNs: the connect hangs, and the idle
    timeout ends it as if refused."""
    full = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    full.bind(("127.0.0.1", 0))
    full.listen(0)
    fillers = []
    try:
        for _ in range(3):  # a backlog of 0 takes one; the rest wait in SYN retries
            f = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            f.setblocking(False)
            f.connect_ex(full.getsockname())
            fillers.append(f)
        port = free_port()
        ninetd.start(key_value_conf(port, full.getsockname()[1]),
                     args=("-l", "--idle-timeout", "1"))
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
            assert closed_unanswered(s)
        ninetd.wait_log(f"{port}/tcp4: redirect_failed target=127.0.0.1:{full.getsockname()[1]} "
                        'error="no answer" seconds=1\n')
    finally:
        for f in fillers:
            f.close()
        full.close()
