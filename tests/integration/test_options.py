"""Per-service options: unix sockets, socket buffer sizes, nowait/max-child."""
import os
import socket

from conftest import TIMEOUT, free_port, read_line, read_to_eof, tcp_exchange, write_script

BUFFERS_SERVER = r"""import socket, sys
s = socket.socket(fileno=0)
print("rcvbuf=%d sndbuf=%d" % (s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF),
                                s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)), flush=True)
"""


def test_unix_stream_service(ninetd, pubdir):
    path = os.path.join(pubdir, "cat.sock")
    ninetd.start(f"{path} stream unix nowait nobody /bin/cat cat\n")
    assert os.path.exists(path)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(TIMEOUT)
        s.connect(path)
        s.sendall(b"over a unix socket\n\x00")
        s.shutdown(socket.SHUT_WR)
        assert read_to_eof(s) == b"over a unix socket\n\x00"
    assert ninetd.stop() == 0
    assert not os.path.exists(path), "the daemon left its unix socket behind"


def test_rcvbuf_sndbuf_reach_the_connection(ninetd, pubdir):
    server = write_script(pubdir, "buffers.py", BUFFERS_SERVER, mode=0o644)
    port = free_port()
    ninetd.start(f"127.0.0.1:{port} stream tcp,rcvbuf=32768,sndbuf=65536 nowait nobody "
                 f"/usr/bin/python3 python3 {server}\n")
    # Linux doubles the requested size for its bookkeeping.
    assert tcp_exchange(port) == b"rcvbuf=65536 sndbuf=131072\n"


def test_max_child_holds_further_clients_in_the_queue(ninetd):
    port = free_port()
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait/2 nobody /bin/cat cat\n")
    first = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    second = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    opened = [first, second]
    try:
        for s, text in ((first, b"one\n"), (second, b"two\n")):
            s.sendall(text)
            assert read_line(s) == text
        # The third connection is accepted by the kernel but no server starts for it.
        third = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        opened.append(third)
        third.sendall(b"three\n")
        table, header = ninetd.dump()
        (where, counters), = table[f"{port}/tcp"]
        assert where.endswith("at its child limit"), where
        assert counters["children"] == 2 and counters["connections"] == 2, counters
        # One server ends: the waiting client is served.
        first.shutdown(socket.SHUT_WR)
        assert read_to_eof(first) == b""
        assert read_line(third) == b"three\n"
        third.shutdown(socket.SHUT_WR)
        assert read_to_eof(third) == b""
        second.shutdown(socket.SHUT_WR)
        assert read_to_eof(second) == b""
    finally:
        for s in opened:
            s.close()
    table, _ = ninetd.dump()
    (_, counters), = table[f"{port}/tcp"]
    assert counters["connections"] == 3 and counters["refused"] == 0, counters


def test_reload_changes_buffer_sizes_on_the_kept_socket(ninetd, pubdir):
    server = write_script(pubdir, "buffers.py", BUFFERS_SERVER, mode=0o644)
    port = free_port()
    line = (f"127.0.0.1:{port} stream tcp,rcvbuf={{}} nowait nobody /usr/bin/python3 python3 "
            f"{server}\n")
    ninetd.start(line.format(32768))
    assert tcp_exchange(port).startswith(b"rcvbuf=65536 ")
    # A client that connected before the reload is served, and the socket is not reopened.
    waiting = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    try:
        log = ninetd.reload(line.format(49152))
        assert "listening on" not in log, log
        assert f"{port}/tcp: changed" in log, log
        waiting.shutdown(socket.SHUT_WR)
        assert read_to_eof(waiting).startswith(b"rcvbuf=")
    finally:
        waiting.close()
    assert tcp_exchange(port).startswith(b"rcvbuf=98304 ")
