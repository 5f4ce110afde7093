"""Failures the daemon must log and survive: a server that cannot be exec'd, a server that
crashes, a port already taken at start."""
import socket

from conftest import free_port, tcp_exchange, write_script


def test_missing_server_program(ninetd):
    bad, good = free_port(), free_port()
    ninetd.start(f"127.0.0.1:{bad} stream tcp nowait root /nonexistent/ninetd-test-prog prog\n"
                 f"127.0.0.1:{good} stream tcp nowait nobody /bin/cat cat\n")
    # The client sees the connection closed without a byte.
    assert tcp_exchange(bad) == b""
    ninetd.wait_log(rf"error: {bad}/tcp: launch_failed (?:pid=\d+ )?step=execve "
                    rf'program=/nonexistent/ninetd-test-prog error="No such file or directory"\n',
                    regex=True)
    assert ninetd.alive()
    assert tcp_exchange(good, b"still here\n") == b"still here\n"
    # And the failing service still takes connections (and fails the same way).
    mark = ninetd.mark()
    assert tcp_exchange(bad) == b""
    # The daemon may learn of the failure only when it reaps the child.
    ninetd.wait_log(f"step=execve program=/nonexistent/ninetd-test-prog", since=mark)
    table, _ = ninetd.dump()
    (_, counters), = table[f"{bad}/tcp"]
    assert counters == {"connections": 2, "children": 0, "spawn_failures": 2, "refused": 0,
                        "by_access": 0}
    assert ninetd.log().count("step=execve program=/nonexistent/ninetd-test-prog") == 2


def test_crashing_server(ninetd, pubdir):
    script = write_script(pubdir, "crash.sh", "#!/bin/sh\nkill -SEGV $$\necho not reached\n")
    crash, good = free_port(), free_port()
    ninetd.start(f"127.0.0.1:{crash} stream tcp nowait nobody /bin/sh sh {script}\n"
                 f"127.0.0.1:{good} stream tcp nowait nobody /bin/cat cat\n")
    assert tcp_exchange(crash) == b""
    started = ninetd.wait_log(rf"info: {crash}/tcp: start pid=(\d+) peer=127\.0\.0\.1 port=\d+\n",
                              regex=True)
    ninetd.wait_log(rf"warning: {crash}/tcp: exit pid={started.group(1)} signal=SEGV( core=yes)? "
                    rf"duration_ms=\d+\n", regex=True)
    assert ninetd.alive()
    assert tcp_exchange(good, b"ok\n") == b"ok\n"
    assert tcp_exchange(crash) == b""  # the nowait service goes on
    table, _ = ninetd.dump()
    (_, counters), = table[f"{crash}/tcp"]
    assert counters["connections"] == 2 and counters["spawn_failures"] == 0


def test_port_in_use_at_start_is_retried(ninetd):
    taken, other = free_port(), free_port()
    squatter = socket.socket()
    squatter.bind(("127.0.0.1", taken))
    squatter.listen(1)
    try:
        ninetd.start(f"127.0.0.1:{taken} stream tcp nowait root internal echo\n"
                     f"127.0.0.1:{other} stream tcp nowait root internal echo\n",
                     expect=[f"error: {taken}/tcp: bind 127.0.0.1:{taken}: Address already in "
                             f"use; retrying every 10 s\n",
                             f"{other}/tcp: listening on 127.0.0.1:{other}",
                             "notice: started: 2 services on 1 socket\n"])
        assert f"{taken}/tcp: listening on" not in ninetd.log()
        assert tcp_exchange(other, b"works\n") == b"works\n"
        table, _ = ninetd.dump()
        assert "retrying bind" in table[f"{taken}/tcp"][0][0]
    finally:
        squatter.close()
    # Once the port is free, the next retry opens it.
    ninetd.wait_log(f"notice: {taken}/tcp: listening on 127.0.0.1:{taken} "
                    f"(stream, nowait, internal echo)\n")
    assert tcp_exchange(taken, b"now me\n") == b"now me\n"
