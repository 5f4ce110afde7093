"""FreeBSD's daemon-wide -c and -s with the real daemon: the default child limits hold for a
service whose entry sets none, and an entry's own limit replaces them."""
import os
import socket
import time

from conftest import TIMEOUT, free_port, lines_of, read_to_eof, wait_until, write_script


def blocking_server(pubdir):
    log = os.path.join(pubdir, "started")
    server = write_script(pubdir, "server", f"#!/bin/sh\nread n\necho $n >> {log}\n"
                                            "read done\necho bye $n\n")
    return server, log


def connect(n, port, source="127.0.0.1"):
    s = socket.socket()
    s.settimeout(TIMEOUT)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    s.sendall(f"{n}\n".encode())
    return s


def finish(s, n):
    s.sendall(b"done\n")
    s.shutdown(socket.SHUT_WR)
    assert read_to_eof(s) == f"bye {n}\n".encode()
    s.close()


def test_c_limits_children_of_a_service_without_its_own_limit(ninetd, pubdir):
    port, own = free_port(), free_port()
    server, log = blocking_server(pubdir)
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait root {server} server\n"
                 f"127.0.0.1:{own} stream tcp nowait/2 root {server} server\n",
                 args=("-l", "-c", "1"))
    first = connect(1, port)
    wait_until(lambda: lines_of(log) == ["1"], what="the first server")
    second = connect(2, port)
    time.sleep(0.5)  # with -c 1 the second waits however long: half a second shows a leak
    assert lines_of(log) == ["1"]
    # The entry's own nowait/2 replaces the default: two at once there.
    third, fourth = connect(3, own), connect(4, own)
    wait_until(lambda: sorted(lines_of(log)) == ["1", "3", "4"], what="the own-limit servers")
    finish(first, 1)
    wait_until(lambda: "2" in lines_of(log), what="the second server after the first ended")
    for s, n in ((second, 2), (third, 3), (fourth, 4)):
        finish(s, n)


def test_s_limits_children_per_address(ninetd, pubdir):
    port = free_port()
    server, log = blocking_server(pubdir)
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait root {server} server\n",
                 args=("-l", "-s", "1"))
    first = connect(1, port)
    wait_until(lambda: lines_of(log) == ["1"], what="the first server")
    second = connect(2, port)  # same address: refused, closed at once
    try:
        assert read_to_eof(second) == b""
    except ConnectionResetError:
        pass  # closed with our bytes unread: a reset, as refused
    second.close()
    other = connect(3, port, source="127.0.0.2")
    wait_until(lambda: sorted(lines_of(log)) == ["1", "3"], what="the other address's server")
    ninetd.wait_log(r": refused peer=127\.0\.0\.1 port=\d+ reason=per_source_children "
                    r"source=127\.0\.0\.1 running=1 limit=1\n", regex=True)
    finish(first, 1)
    finish(other, 3)


def test_max_children_holds_every_service_at_the_cap_and_then_serves_everyone(ninetd, pubdir):
    one, two = free_port(), free_port()
    server, log = blocking_server(pubdir)
    ninetd.start(f"127.0.0.1:{one} stream tcp nowait root {server} server\n"
                 f"127.0.0.1:{two} stream tcp nowait root {server} server\n",
                 args=("-l", "--max-children", "2"))
    a, b = connect(1, one), connect(2, two)
    wait_until(lambda: sorted(lines_of(log)) == ["1", "2"], what="two servers")
    c, d = connect(3, one), connect(4, two)
    time.sleep(0.5)  # at the cap nothing more starts, however long the clients wait
    assert sorted(lines_of(log)) == ["1", "2"]
    ninetd.wait_log("daemon: 2 servers running, the --max-children cap")
    table, _ = ninetd.dump()
    assert "at the daemon's child limit" in table[f"{one}/tcp"][0][0], table
    finish(a, 1)
    wait_until(lambda: len(lines_of(log)) == 3, what="a third server after one ended")
    time.sleep(0.2)
    assert len(lines_of(log)) == 3  # still two at once
    finish(b, 2)
    wait_until(lambda: len(lines_of(log)) == 4, what="the fourth server")
    for s, n in ((c, 3), (d, 4)):
        finish(s, n)
    # Nothing was refused: every client got its server.
    table, _ = ninetd.dump()
    assert all(rows[0][1]["refused"] == 0 for rows in table.values()), table


def test_per_source_limits_count_a_network(ninetd, pubdir):
    port = free_port()
    server, log = blocking_server(pubdir)
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait/0/0/1 root {server} server\n",
                 args=("-l", "--source-prefix-ipv4", "24"))
    first = connect(1, port)
    wait_until(lambda: lines_of(log) == ["1"], what="the first server")
    neighbour = connect(2, port, source="127.0.0.2")  # the same /24: refused
    try:
        assert read_to_eof(neighbour) == b""
    except ConnectionResetError:
        pass
    neighbour.close()
    ninetd.wait_log(r": refused peer=127\.0\.0\.2 port=\d+ reason=per_source_children "
                    r"source=127\.0\.0\.0/24 running=1 limit=1\n", regex=True)
    other = connect(3, port, source="127.0.1.2")
    wait_until(lambda: sorted(lines_of(log)) == ["1", "3"], what="another network's server")
    finish(first, 1)
    finish(other, 3)
