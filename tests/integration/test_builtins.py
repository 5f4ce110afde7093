"""The builtins (RFC 862-868, RFC 1078 tcpmux) over TCP and UDP, byte for byte."""
import os
import socket
import struct
import threading
import time

import pytest

from conftest import (DAYTIME_RE, TIMEOUT, free_port, nothing_pending, read_exactly, read_line,
                      read_to_eof, tcp_exchange, udp_exchange, udp_socket, wait_until,
                      write_script)

RFC868_OFFSET = 2208988800


def chargen_line(n):
    start = n % 95
    return bytes(0x20 + (start + i) % 95 for i in range(72)) + b"\r\n"


@pytest.fixture
def builtins_daemon(ninetd):
    """Every builtin over TCP and UDP, each on its own port."""
    ports = {name: free_port() for name in ("echo", "discard", "chargen", "daytime", "time")}
    lines = []
    for name, port in ports.items():
        lines.append(f"127.0.0.1:{port} stream tcp nowait root internal {name}")
        lines.append(f"127.0.0.1:{port} dgram udp wait root internal {name}")
    # A TCP-only builtin: its port number is guarded for UDP sources too.
    ports["tcponly"] = free_port()
    lines.append(f"127.0.0.1:{ports['tcponly']} stream tcp nowait root internal discard")
    ninetd.start("\n".join(lines) + "\n",
                 expect=[f"{ports['echo']}/tcp: listening on 127.0.0.1:{ports['echo']} "
                         f"(stream, nowait, internal echo)",
                         f"{ports['chargen']}/udp: listening on 127.0.0.1:{ports['chargen']} "
                         f"(dgram, wait, internal chargen)",
                         "notice: started: 11 services on 11 sockets"])
    ninetd.ports = ports
    return ninetd


def test_echo_tcp_returns_every_byte(builtins_daemon):
    port = builtins_daemon.ports["echo"]
    assert tcp_exchange(port, b"hello\r\n\x00\xff\x7f") == b"hello\r\n\x00\xff\x7f"
    blob = os.urandom(200 * 1024)
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        # The client sends everything and closes its side before it reads a byte: the echo
        # must still deliver all it received before it closes.
        sender = threading.Thread(target=lambda: (s.sendall(blob), s.shutdown(socket.SHUT_WR)))
        sender.start()
        received = []
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            received.append(chunk)
        sender.join(TIMEOUT)
    got = b"".join(received)
    assert len(got) == len(blob)
    assert got == blob


def test_echo_tcp_after_client_finished_sending(builtins_daemon):
    """The client writes 200 KB and half-closes before reading anything; every byte still
    comes back (the echo may not drop what it holds when it sees the end of input)."""
    port = builtins_daemon.ports["echo"]
    blob = os.urandom(200 * 1024)
    with socket.socket() as s:
        # A small receive buffer, so the daemon holds unsent bytes when it sees the end.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(TIMEOUT)
        s.connect(("127.0.0.1", port))
        done = threading.Event()
        sender = threading.Thread(
            target=lambda: (s.sendall(blob), s.shutdown(socket.SHUT_WR), done.set()))
        sender.start()
        # Read only once the whole blob is written (or when the buffers are full, so the
        # test cannot deadlock: then the reader starts after a moment).
        done.wait(10)
        got = read_to_eof(s)
        sender.join(TIMEOUT)
    assert len(got) == len(blob)
    assert got == blob


def test_echo_udp(builtins_daemon):
    port = builtins_daemon.ports["echo"]
    assert udp_exchange(port, b"ping\x00\xff\r\n") == b"ping\x00\xff\r\n"
    big = os.urandom(8000)
    assert udp_exchange(port, big) == big


def test_discard_tcp_stays_open_and_returns_nothing(builtins_daemon):
    d = builtins_daemon
    with socket.create_connection(("127.0.0.1", d.ports["discard"]), timeout=TIMEOUT) as s:
        s.sendall(b"x" * 100000)
        s.sendall(b"more\r\n")
        # The session is still there while the client keeps the connection open.
        # The session is there while the client keeps the connection open (polled: the
        # daemon may see the signal before the connection).
        wait_until(lambda: ", 1 builtin session;" in d.dump()[1], what="the discard session")
        assert nothing_pending(s)
        s.sendall(b"still open\r\n")
        s.shutdown(socket.SHUT_WR)
        assert read_to_eof(s) == b""
    table, header = d.dump()
    assert table[f"{d.ports['discard']}/tcp"][0][1]["connections"] == 1


def test_discard_udp_gets_no_reply(builtins_daemon):
    d = builtins_daemon
    with udp_socket() as s:
        s.sendto(b"into the void", ("127.0.0.1", d.ports["discard"]))
        s.settimeout(1.0)
        with pytest.raises(socket.timeout):
            s.recvfrom(65536)
    # The daemon is still answering on the other UDP builtins.
    assert udp_exchange(d.ports["echo"], b"alive") == b"alive"
    table, header = d.dump()
    assert "udp builtins answered 1, refused 0" in header


def test_chargen_tcp_pattern(builtins_daemon):
    with socket.create_connection(("127.0.0.1", builtins_daemon.ports["chargen"]),
                                  timeout=TIMEOUT) as s:
        data = read_exactly(s, 74 * 300)
    for n in range(300):
        assert data[n * 74:(n + 1) * 74] == chargen_line(n), f"line {n}"
    assert chargen_line(0)[:72] == bytes(range(0x20, 0x20 + 72))
    assert chargen_line(94)[:2] == b"~ "


def test_chargen_udp_one_line(builtins_daemon):
    port = builtins_daemon.ports["chargen"]
    valid = {chargen_line(n) for n in range(95)}
    first = udp_exchange(port, b"x")
    second = udp_exchange(port, b"")
    assert len(first) == 74 and len(second) == 74
    assert first in valid, first
    assert second in valid, second


def check_daytime(reply):
    assert DAYTIME_RE.match(reply), reply
    when = time.mktime(time.strptime(reply.decode().strip(), "%a %b %d %H:%M:%S %Y"))
    assert abs(when - time.time()) < 120, (reply, time.ctime())


def test_daytime_tcp(builtins_daemon):
    check_daytime(tcp_exchange(builtins_daemon.ports["daytime"]))


def test_daytime_udp(builtins_daemon):
    check_daytime(udp_exchange(builtins_daemon.ports["daytime"], b"\n"))


def check_time(reply):
    assert len(reply) == 4, reply
    (value,) = struct.unpack(">I", reply)
    assert abs(value - RFC868_OFFSET - time.time()) < 60, value


def test_time_tcp(builtins_daemon):
    check_time(tcp_exchange(builtins_daemon.ports["time"]))


def test_time_udp(builtins_daemon):
    check_time(udp_exchange(builtins_daemon.ports["time"], b""))


def test_udp_builtin_ignores_guarded_source_ports(builtins_daemon):
    """A datagram from a builtin port (7, 19, or the port of a configured builtin) is the
    start of a ping-pong loop: no answer."""
    d = builtins_daemon
    echo = d.ports["echo"]
    guarded = []
    for source in (7, 19, d.ports["tcponly"]):
        try:
            guarded.append(udp_socket(bind_port=source))
        except OSError as e:  # the standard port is taken on this host: use the others
            assert source in (7, 19), e
    assert len(guarded) >= 1
    try:
        for s in guarded:
            s.sendto(b"loop?", ("127.0.0.1", echo))
        # Datagrams on one socket are read in order: once this one is answered, the
        # guarded ones have been read and dropped.
        assert udp_exchange(echo, b"sync") == b"sync"
        for s in guarded:
            assert nothing_pending(s), s.getsockname()
    finally:
        for s in guarded:
            s.close()
    table, header = d.dump()
    assert f"udp builtins answered 1, refused {len(guarded)}" in header


# ---------------------------------------------------------------- tcpmux

@pytest.fixture
def tcpmux_daemon(ninetd, pubdir):
    port = free_port()
    selfreply = write_script(pubdir, "selfreply.sh",
                             "#!/bin/sh\nprintf '+OK from the server itself\\r\\n'\n"
                             "read line\nprintf 'got %s\\n' \"$line\"\n")
    # A tcpmux service has no address of its own: its local address is the tcpmux socket's.
    greet = write_script(pubdir, "greet.sh", "#!/bin/sh\nprintf 'hello %s at %s:%s\\n' "
                         "\"$TCPREMOTEIP\" \"$TCPLOCALIP\" \"$TCPLOCALPORT\"\n")
    conf = (f"127.0.0.1:{port} stream tcp nowait root internal tcpmux\n"
            f"tcpmux/+cat stream tcp nowait nobody /bin/cat cat\n"
            f"tcpmux/+greet stream tcp nowait nobody {greet} greet.sh\n"
            f"tcpmux/selfreply stream tcp nowait nobody {selfreply} selfreply.sh\n")
    ninetd.start(conf, expect=['tcpmux/+cat/tcp: reachable through tcpmux as "cat"',
                               'tcpmux/selfreply/tcp: reachable through tcpmux as "selfreply"'])
    ninetd.port = port
    return ninetd


def test_tcpmux_help_lists_names(tcpmux_daemon):
    reply = tcp_exchange(tcpmux_daemon.port, b"help\r\n")
    assert sorted(reply.split(b"\r\n")[:-1]) == [b"cat", b"greet", b"selfreply"], reply
    assert reply.endswith(b"\r\n")


def test_tcpmux_plus_service_gets_go_then_server_output(tcpmux_daemon):
    assert (tcp_exchange(tcpmux_daemon.port, b"greet\r\n") ==
            f"+Go\r\nhello 127.0.0.1 at 127.0.0.1:{tcpmux_daemon.port}\n".encode())


def test_tcpmux_server_answers_for_itself(tcpmux_daemon):
    reply = tcp_exchange(tcpmux_daemon.port, b"selfreply\r\nmy line\n")
    assert reply == b"+OK from the server itself\r\ngot my line\n"


def test_tcpmux_unknown_service(tcpmux_daemon):
    reply = tcp_exchange(tcpmux_daemon.port, b"nosuchthing\r\n")
    assert reply.startswith(b"-"), reply
    assert reply.endswith(b"\r\n") and reply.count(b"\n") == 1, reply
    tcpmux_daemon.wait_log(f'{tcpmux_daemon.port}/tcp: refused reason=tcpmux_unknown '
                           'name=nosuchthing\n')


def test_tcpmux_name_is_case_insensitive(tcpmux_daemon):
    assert (tcp_exchange(tcpmux_daemon.port, b"GrEeT\r\n") ==
            f"+Go\r\nhello 127.0.0.1 at 127.0.0.1:{tcpmux_daemon.port}\n".encode())
    assert tcp_exchange(tcpmux_daemon.port, b"HELP\r\n").count(b"\r\n") == 3


def test_tcpmux_bytes_after_request_reach_server(tcpmux_daemon):
    payload = b"first line\nsecond\x00\xff line\n" + os.urandom(5000)
    # Name and data in a single write: nothing past the CRLF may be eaten by the daemon.
    assert tcp_exchange(tcpmux_daemon.port, b"cat\r\n" + payload) == b"+Go\r\n" + payload
    # And data sent later on the same connection.
    with socket.create_connection(("127.0.0.1", tcpmux_daemon.port), timeout=TIMEOUT) as s:
        s.sendall(b"CAT\r\n")
        assert read_line(s) == b"+Go\r\n"
        s.sendall(b"later\n")
        assert read_line(s) == b"later\n"
        s.shutdown(socket.SHUT_WR)
        assert read_to_eof(s) == b""


def test_tcpmux_request_in_pieces_and_too_long(tcpmux_daemon):
    port = tcpmux_daemon.port
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        for piece in (b"gr", b"ee", b"t\r", b"\n"):
            s.sendall(piece)
            time.sleep(0.05)  # only spreads the pieces out; the result does not depend on it
        s.shutdown(socket.SHUT_WR)
        assert read_to_eof(s) == f"+Go\r\nhello 127.0.0.1 at 127.0.0.1:{port}\n".encode()
    # 256 bytes without a line end: all read (no reset), then refused.
    reply = tcp_exchange(port, b"x" * 256, shutdown=False)
    assert reply.startswith(b"-") and reply.endswith(b"\r\n"), reply


def test_echo_client_that_waits_before_speaking_is_served(ninetd):
    # echo listens with TCP_DEFER_ACCEPT: a client that connects and only speaks later must
    # still be served, from the loop, once its bytes come.
    port = free_port()
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait root internal echo\n")
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        time.sleep(1.5)
        s.sendall(b"late words\n")
        s.shutdown(socket.SHUT_WR)
        assert read_to_eof(s) == b"late words\n"
