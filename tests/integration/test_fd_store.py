"""A restart that resets no queued connection: with --fd-store the daemon hands its listeners to
systemd's file descriptor store as it stops (FDSTORE=1 with FDNAME, the socket passed along),
and the next daemon takes them back through sd_listen_fds' protocol (LISTEN_FDS, LISTEN_PID,
LISTEN_FDNAMES). The test plays systemd on both sides: it keeps the sockets while no daemon
runs, and clients that connect then are served by the next one."""
import array
import os
import signal
import socket

from conftest import TIMEOUT, Daemon, free_port, read_to_eof, tcp_exchange, udp_socket


class FdStore:
    """A notify socket that keeps what FDSTORE=1 messages carry, by name."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.settimeout(TIMEOUT)
        self.sock.bind(path)
        self.address = path
        self.stored = []  # (name, fd) in arrival order
        self.removed = []

    def read_until(self, message):
        """Reads messages, keeping stored sockets, until one that starts with `message`."""
        while True:
            data, ancdata, _, _ = self.sock.recvmsg(4096, socket.CMSG_SPACE(16 * 4))
            text = data.decode()
            fds = array.array("i")
            for level, kind, payload in ancdata:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    fds.frombytes(payload[:len(payload) - len(payload) % fds.itemsize])
            fields = dict(line.split("=", 1) for line in text.split("\n") if "=" in line)
            if fields.get("FDSTORE") == "1":
                assert len(fds) == 1, text
                self.stored.append((fields["FDNAME"], fds[0]))
            elif fields.get("FDSTOREREMOVE") == "1":
                self.removed.append(fields["FDNAME"])
            else:
                assert len(fds) == 0, text
            if text.startswith(message):
                return text

    def close(self):
        for _, fd in self.stored:
            os.close(fd)
        self.sock.close()


def start_with(daemon, conf, store, sockets=()):
    """Starts `daemon` under `store`'s NOTIFY_SOCKET with --fd-store, given `sockets` (name,
    fd) as systemd gives them: on descriptors 3 and up, named in LISTEN_FDNAMES."""
    names = ":".join(name for name, _ in sockets)
    fds = [fd for _, fd in sockets]
    targets = tuple(range(3, 3 + len(fds)))

    def place():
        # Up high first, so that moving one onto 3.. never overwrites another.
        high = [os.dup(fd) for fd in fds]
        high = [os.dup2(fd, 100 + i) for i, fd in enumerate(high)] if high else []
        for i in range(len(fds)):
            os.dup2(100 + i, 3 + i)

    shell = ('export LISTEN_PID=$$ LISTEN_FDS="$1" LISTEN_FDNAMES="$2" NOTIFY_SOCKET="$3"; '
             'shift 3; exec "$@"')
    wrapper = ("/bin/sh", "-c", shell, "sh", str(len(fds)), names, store.address)
    return daemon.start(conf, args=("-l", "--fd-store"), wrapper=wrapper, pass_fds=targets,
                        preexec_fn=place)


def test_a_restart_keeps_the_queue_and_drops_gone_services(ninetd, tmp_path, request):
    store = FdStore(str(tmp_path / "notify"))
    request.addfinalizer(store.close)
    cat, echo, udp, gone = free_port(), free_port(), free_port(), free_port()
    conf = (f"127.0.0.1:{cat} stream tcp nowait nobody /bin/cat cat\n"
            f"127.0.0.1:{echo} stream tcp nowait root internal echo\n"
            f"127.0.0.1:{udp} dgram udp wait root internal echo\n"
            f"127.0.0.1:{gone} stream tcp nowait root internal echo\n")
    start_with(ninetd, conf, store)
    store.read_until("READY=1\nSTATUS=4 services, 0 running, 0 connections served")
    assert tcp_exchange(cat, b"before\n") == b"before\n"
    first_pid = ninetd.pid
    ninetd.signal(signal.SIGTERM)
    store.read_until("STOPPING=1")
    ninetd.proc.wait(TIMEOUT)
    ninetd.wait_log("notice: 4 sockets handed to systemd for the next start\n")
    # The daemon has exited: every datagram it sent is in the queue already.
    store.sock.setblocking(False)
    try:
        store.read_until("(nothing more)")
    except BlockingIOError:
        pass
    store.sock.settimeout(TIMEOUT)
    names = sorted(name for name, _ in store.stored)
    assert names == sorted([f"stream%20tcp%20127.0.0.1%3A{p}" for p in (cat, echo, gone)] +
                           [f"dgram%20udp%20127.0.0.1%3A{udp}"]), names

    # No daemon runs: the kernel queues these on the sockets the store holds.
    waiting = socket.create_connection(("127.0.0.1", cat), timeout=TIMEOUT)
    waiting.sendall(b"queued while stopped\n")
    waiting.shutdown(socket.SHUT_WR)
    datagram = udp_socket()
    datagram.sendto(b"ping", ("127.0.0.1", udp))

    # The next start, where a reload of the configuration dropped one service.
    second = Daemon(tmp_path / "second")
    os.mkdir(second.workdir)
    request.addfinalizer(lambda: second.alive() and second.stop())
    conf_after = "".join(line for line in conf.splitlines(True) if str(gone) not in line)
    start_with(second, conf_after, store, store.stored)
    assert second.pid != first_pid
    for port in (cat, echo):
        second.wait_log(f"{port}/tcp: listening on 127.0.0.1:{port} (")
    assert f"{cat}/tcp: listening on 127.0.0.1:{cat} (stream, nowait, /bin/cat), the socket " \
           f"kept across the restart" in second.log()
    second.wait_log("notice: 1 socket kept across the restart closed: no service has it now\n")
    assert read_to_eof(waiting) == b"queued while stopped\n"
    waiting.close()
    assert datagram.recvfrom(100)[0] == b"ping"
    assert tcp_exchange(echo, b"again\n") == b"again\n"
    # The store is emptied while the daemon runs: the stop fills it again.
    store.read_until("READY=1\nSTATUS=3 services, ")
    assert sorted(store.removed) == names
    for _, fd in store.stored:
        os.close(fd)
    store.stored.clear()
    # The dropped service's socket is closed for good: no one queues there.
    try:
        socket.create_connection(("127.0.0.1", gone), timeout=TIMEOUT).close()
        assert False, "the dropped service's port still takes connections"
    except ConnectionRefusedError:
        pass
    second.signal(signal.SIGTERM)
    store.read_until("STOPPING=1")
    second.proc.wait(TIMEOUT)
    assert second.proc.returncode == 0


def test_without_fd_store_the_stop_closes_its_sockets(ninetd, tmp_path, request):
    """Without --fd-store nothing is sent, and stray descriptors that are not sockets named by
    the protocol are closed, not adopted."""
    store = FdStore(str(tmp_path / "notify"))
    request.addfinalizer(store.close)
    port = free_port()
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait root internal echo\n",
                 wrapper=("env", f"NOTIFY_SOCKET={store.address}"))
    store.read_until("READY=1\nSTATUS=1 service, 0 running, 0 connections served")
    ninetd.signal(signal.SIGTERM)
    store.read_until("STOPPING=1")
    ninetd.proc.wait(TIMEOUT)
    assert store.stored == [] and "handed to systemd" not in ninetd.log()
