"""Limits: nowait.N (launches per minute), the per-source limits of the /a/b/c form,
and the idle timeout of in-loop builtin sessions."""
import re
import socket
import time

from conftest import (TIMEOUT, closed_unanswered, free_port, read_exactly, read_line, read_to_eof,
                      tcp_exchange, trickle_until_closed)


def test_rate_per_minute_pauses_the_service_and_queues_clients(ninetd):
    port = free_port()
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait.3 nobody /bin/echo echo served\n")
    for _ in range(3):
        assert tcp_exchange(port) == b"served\n"
    since = ninetd.mark()
    # The fourth client is accepted by the kernel and waits: the service is paused, not
    # failing, and the connection is neither refused nor served.
    late = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    try:
        line = ninetd.wait_log(f"{port}/tcp: more than 3 connections in a minute, its rate; "
                               "service paused for ", since=since)
        # The line names no setting: the rate may come from nowait.N, rate =, cps or -R.
        assert re.fullmatch(r"ninetd\[\d+\]: warning: \d+/tcp: more than 3 connections in a "
                            r"minute, its rate; service paused for \d+ s", line), line
        table, _ = ninetd.dump()
        (where, counters), = table[f"{port}/tcp"]
        assert where.endswith("paused by rate"), where
        assert counters["connections"] == 3, counters
        late.settimeout(0.5)
        try:
            data = late.recv(100)
        except socket.timeout:
            data = None
        assert data is None, f"a paused service served a client: {data!r}"
    finally:
        late.close()
    assert ninetd.alive()


def test_max_child_per_ip_refuses_the_extra_client(ninetd):
    port = free_port()
    # nowait/max-child/max-conn-per-ip-per-minute/max-child-per-ip: 1 server per client address.
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait/0/0/1 nobody /bin/cat cat\n")
    first = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    try:
        first.sendall(b"hello\n")
        assert read_line(first) == b"hello\n"
        since = ninetd.mark()
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as second:
            second.sendall(b"again\n")
            assert closed_unanswered(second), "a second server ran for the same address"
        ninetd.wait_log(rf"{port}/tcp: refused peer=127\.0\.0\.1 port=\d+ "
                        r"reason=per_source_children source=127\.0\.0\.1 running=1 limit=1\n",
                        since=since, regex=True)
        # Another source address is not held back by 127.0.0.1's server.
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT,
                                      source_address=("127.0.0.2", 0)) as other:
            other.sendall(b"other\n")
            assert read_line(other) == b"other\n"
    finally:
        first.close()


def test_max_conn_per_ip_per_minute_refuses_the_fast_client(ninetd):
    port = free_port()
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait/0/2 nobody /bin/echo echo ok\n")
    assert tcp_exchange(port) == b"ok\n"
    assert tcp_exchange(port) == b"ok\n"
    since = ninetd.mark()
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as third:
        assert closed_unanswered(third), "the third connection in a minute was served"
    ninetd.wait_log(rf"{port}/tcp: refused peer=127\.0\.0\.1 port=\d+ reason=per_source_rate "
                    r"source=127\.0\.0\.1 limit=2 seconds=60\n", since=since, regex=True)
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT,
                                  source_address=("127.0.0.3", 0)) as s:
        assert read_to_eof(s) == b"ok\n"
    table, _ = ninetd.dump()
    (_, counters), = table[f"{port}/tcp"]
    assert counters["refused"] == 1 and counters["connections"] == 4, counters


def test_idle_builtin_session_is_closed(ninetd):
    port = free_port()
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait root internal discard\n",
                 args=("-l", "--idle-timeout", "1"))
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        s.sendall(b"thrown away\n")
        started = time.monotonic()
        assert read_to_eof(s) == b"", "discard sent something"
        # Closed by the daemon, not by the guard timeout of read_to_eof.
        assert time.monotonic() - started < TIMEOUT
    ninetd.wait_log(rf"{port}/tcp: closed peer=127\.0\.0\.1 port=\d+ reason=idle min_bytes=256 "
                    r"seconds=1\n", regex=True)
    table, header = ninetd.dump()
    assert "0 builtin sessions" in header, header


def test_busy_builtin_session_is_not_closed_as_idle(ninetd):
    port = free_port()
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait root internal echo\n",
                 args=("-l", "--idle-timeout", "2"))
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        # 300-byte lines every 0.1 s for 6 s keep the session alive past three idle timeouts.
        # Each line alone is more than the 256 bytes an idle timeout asks for, so only a stall
        # of the test itself for most of a timeout (2 s) could close it.
        for i in range(60):
            line = b"%0299d\n" % i
            s.sendall(line)
            assert read_exactly(s, len(line)) == line
            time.sleep(0.1)
    assert "reason=idle" not in ninetd.log()


def test_a_client_that_trickles_bytes_is_closed_as_idle(ninetd):
    """Issue 11, finding 10: a byte now and then kept an in-loop session open for ever."""
    port = free_port()
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait root internal discard\n",
                 args=("-l", "--idle-timeout", "1"))
    assert trickle_until_closed(port) is not None, "a trickling client kept its session"
    ninetd.wait_log(rf"{port}/tcp: closed peer=127\.0\.0\.1 port=\d+ reason=idle min_bytes=256 "
                    r"seconds=1\n", regex=True)
