"""redirect = HOST PORT: each connection forwarded, in the daemon's loop, to a target server
written here (an echo server on 127.0.0.1), in xinetd's syntax (-x) and in ninetd's key=value
form; many clients at once, large payloads, half-close, a dead target, the idle timeout, the
--max-sessions bound, and --max-children, which forwarded connections neither count toward nor
wait for."""
import contextlib
import os
import select
import socket
import socketserver
import threading

import pytest

from conftest import (TIMEOUT, closed_unanswered, free_port, lines_of, read_exactly,
                      read_to_eof, tcp_exchange, wait_until, write_script)


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


@contextlib.contextmanager
def held_forwarded(port, count):
    """`count` connections through the forwarder on `port`, each with a line echoed back (so
    each is a forwarded session), held open for the block; yields their list, to which the
    block may add connections of its own: all are closed at the end."""
    held = []
    try:
        for i in range(count):
            s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
            held.append(s)
            s.sendall(b"held %d\n" % i)
            assert read_exactly(s, 7) == b"held %d\n" % i
        yield held
    finally:
        for s in held:
            s.close()


def queue_behind(held, port):
    """One more client, left in the queue: the caller checks it is taken in later."""
    waiting = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    held.append(waiting)
    waiting.sendall(b"queued\n")
    return waiting


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
    with held_forwarded(port, 3) as held:
        waiting = queue_behind(held, port)
        ninetd.wait_log(f"{port}/tcp4: 3 in-loop sessions open, the most the daemon holds")
        assert target.accepted == 3
        held.pop(0).close()
        # The queued client is taken in once a held one goes.
        assert read_exactly(waiting, 7) == b"queued\n"
        assert target.accepted == 4


def test_instances_count_forwarded_connections(ninetd, target):
    port = free_port()
    ninetd.start(xinetd_conf(port, target.port, "  instances = 2\n"), xinetd=True)
    with held_forwarded(port, 2) as held:
        table, _ = ninetd.dump()
        (where, counters), = table["fwd/tcp4"]
        assert counters["children"] == 2, counters
        assert where.endswith("(stream, nowait, redirect to 127.0.0.1:%d) at its child limit"
                              % target.port), where
        waiting = queue_behind(held, port)
        held.pop(0).close()
        # The queued client is taken in once a held one goes.
        assert read_exactly(waiting, 7) == b"queued\n"


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


def held_server(pubdir):
    """A launched server that announces itself in `log` and holds its client until told to
    end: a child the daemon counts for --max-children for as long as the test wants."""
    log = os.path.join(pubdir, "started")
    server = write_script(pubdir, "server", f"#!/bin/sh\nread n\necho $n >> {log}\n"
                                            "read done\necho bye $n\n")
    return server, log


def start_held(port, n):
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    s.sendall(b"%d\n" % n)
    return s


def end_held(s, n):
    s.sendall(b"done\n")
    s.shutdown(socket.SHUT_WR)
    assert read_to_eof(s) == b"bye %d\n" % n
    s.close()


def start_beside_a_launched_server(ninetd, target, pubdir):
    """A forwarder to `target` and a service launching held_server, under --max-children 1;
    returns the forwarder's port, the launched service's, and the servers' log."""
    port, launched = free_port(), free_port()
    server, log = held_server(pubdir)
    ninetd.start(key_value_conf(port, target.port) +
                 f"127.0.0.1:{launched} stream tcp nowait root {server} server\n",
                 args=("-l", "--max-children", "1"))
    return port, launched, log


def test_a_launched_server_at_max_children_does_not_stop_forwarding(ninetd, target, pubdir):
    """Forwarded connections run in the loop: the cap on launched servers does not hold them."""
    port, launched, log = start_beside_a_launched_server(ninetd, target, pubdir)
    first = start_held(launched, 1)
    wait_until(lambda: lines_of(log) == ["1"], what="the server holding the cap")
    waiting = start_held(launched, 2)
    ninetd.wait_log("daemon: 1 servers running, the --max-children cap")
    assert echo_through(port, b"forwarded past the cap\n") == b"forwarded past the cap\n"
    assert target.accepted == 1
    assert lines_of(log) == ["1"]  # the cap still holds the launched service
    end_held(first, 1)
    wait_until(lambda: lines_of(log) == ["1", "2"], what="the second server after the first")
    end_held(waiting, 2)


def test_open_forwarded_connections_do_not_stop_a_launch(ninetd, target, pubdir):
    """The cap is reached and left again while forwards are open: once its server exits, the
    launched service serves again, however many forwarded connections stay open."""
    port, launched, log = start_beside_a_launched_server(ninetd, target, pubdir)
    first = start_held(launched, 1)
    wait_until(lambda: lines_of(log) == ["1"], what="the server holding the cap")
    with held_forwarded(port, 2):  # two: counting them would keep a cap of 1 reached
        end_held(first, 1)
        client = start_held(launched, 2)
        wait_until(lambda: lines_of(log) == ["1", "2"], what="a server beside the forwards")
        end_held(client, 2)
