"""Real servers and xinetd's access and limit attributes, run by `ninetd -x` from service blocks
written as an xinetd user writes them: in.tftpd (tftpd-hpa) and `git daemon --inetd` fetched
from by their own clients, only_from and no_access (addresses, prefixes, trailing-zero
wildcards, over TCP and UDP), instances, per_source and cps with servers that hold their
connection, disable and id. Where ninetd does otherwise than xinetd on purpose, the test says
so and names the documentation of the difference."""
import os
import re
import socket

import pytest

from conftest import (TIMEOUT, bare_repository, closed_unanswered, exchange_from, free_port,
                      git, lines_of, nothing_pending, read_line, read_to_eof, refused,
                      require_ipv6, tcp_exchange,
                      tftp_get, udp_socket, write_script)


def service(name, **attributes):
    """A service block, one attribute a line, in the order given (xinetd's own layout)."""
    body = "".join(f"\t{key:<12}= {value}\n" for key, value in attributes.items())
    return f"service {name}\n{{\n{body}}}\n"


def program(name, port, server, server_args="", **more):
    """A nowait stream service running `server`, UNLISTED on `port` of 127.0.0.1 (an
    attribute given as None is left out)."""
    attributes = dict(type="UNLISTED", port=port, bind="127.0.0.1", socket_type="stream",
                      protocol="tcp", wait="no", user="root", server=server)
    if server_args:
        attributes["server_args"] = server_args
    attributes.update(more)
    return service(name, **{k: v for k, v in attributes.items() if v is not None})


def cat(name, port, **more):
    return program(name, port, "/bin/cat", **more)


def tftp_service(port, directory, **more):
    return service("tftp", type="UNLISTED", port=port, socket_type="dgram", protocol="udp",
                   wait="yes", user="root", server="/usr/sbin/in.tftpd",
                   server_args=f"-t 1 -s {directory}", **more)


def git_service(port, base, **more):
    return program("git", port, "/usr/bin/git",
                   f"daemon --inetd --export-all --base-path={base} {base}", **more)


def clone_and_check(port, tmp_path, head, name="clone"):
    dest = tmp_path / name
    git("clone", "-q", f"git://127.0.0.1:{port}/repo.git", str(dest), cwd=str(tmp_path))
    assert git("rev-parse", "HEAD", cwd=str(dest)).stdout.strip() == head
    assert (dest / "hello.txt").read_bytes() == b"hello through ninetd\n"


def public_file(pubdir, name="file.bin", size=70000):
    content = os.urandom(size)  # more than one 512-byte block: many round trips
    path = os.path.join(pubdir, name)
    with open(path, "wb") as f:
        f.write(content)
    os.chmod(path, 0o644)
    return content


def fetch_and_compare(port, name, content, dest):
    tftp_get(port, name, dest)
    assert dest.read_bytes() == content


def rrq(name):
    """A TFTP read request (RFC 1350) for `name` in octet mode."""
    return b"\x00\x01" + name.encode() + b"\x00octet\x00"


def tftp_answer_from(source, port, name, timeout=0.5):
    """The first packet in.tftpd sends back to a read request from `source` (from a port of
    its own), or None when none comes in `timeout`: the wait shows a missing refusal, it
    times nothing."""
    with udp_socket(source, timeout=timeout) as s:
        s.sendto(rrq(name), ("127.0.0.1", port))
        try:
            return s.recvfrom(65536)[0]
        except socket.timeout:
            return None


def not_served_yet(s):
    """True while nothing comes back on a connection that a held service keeps waiting.
    Half a second shows a missing limit; the limit itself is a correctness property."""
    s.settimeout(0.5)
    try:
        data = s.recv(100)
    except socket.timeout:
        return True
    finally:
        s.settimeout(TIMEOUT)
    raise AssertionError(f"a held-back client was answered: {data!r}")


def table_row(ninetd, name):
    table, _ = ninetd.dump()
    [(where, counters)] = table[name]
    return where, counters


# ---------------------------------------------------------------- real servers


def test_tftpd_and_git_daemon_from_service_blocks(ninetd, pubdir, tmp_path):
    content = public_file(pubdir)
    base, head = bare_repository(tmp_path)
    tftp, git_port = free_port(), free_port()
    conf = ("# as in /etc/xinetd.d/tftp and /etc/xinetd.d/git\n"
            + tftp_service(tftp, pubdir, bind="127.0.0.1")
            + git_service(git_port, base))
    ninetd.start(conf, xinetd=True,
                 expect=[f"tftp/udp: listening on 127.0.0.1:{tftp} "
                         "(dgram, wait, /usr/sbin/in.tftpd)",
                         f"git/tcp: listening on 127.0.0.1:{git_port} "
                         "(stream, nowait, /usr/bin/git)"])
    for attempt in (1, 2):
        since = ninetd.mark()
        fetch_and_compare(tftp, "file.bin", content, tmp_path / f"got{attempt}")
        # The wait server leaves one second after its last request (-t 1); only then may
        # the next request start another.
        started = ninetd.wait_log(rf"info: tftp/udp: start pid=(\d+) peer=127\.0\.0\.1 port=\d+\n",
                                  since=since, regex=True)
        ninetd.wait_log(f"info: tftp/udp: exit pid={started.group(1)} status=0 ", since=since)
    clone_and_check(git_port, tmp_path, head)
    ninetd.wait_log(rf"info: git/tcp: exit pid=\d+ status=0 ", regex=True)
    assert ": warning: " not in ninetd.log() and ": error: " not in ninetd.log()


def test_servers_through_includedir_take_the_defaults(ninetd, pubdir, tmp_path):
    content = public_file(pubdir)
    base, head = bare_repository(tmp_path)
    tftp, git_port = free_port(), free_port()
    drop = tmp_path / "xinetd.d"
    drop.mkdir()
    (drop / "tftp").write_text(tftp_service(tftp, pubdir))
    (drop / "git").write_text(git_service(git_port, base, bind=None))
    (drop / "git.rpmsave").write_text("service broken\n{\n")  # a dot in the name: not read
    # The defaults give both their address and their access list (and a limit, as stock
    # files often do: the limits are tested one by one below).
    conf = ("defaults\n{\n\tbind\t\t= 127.0.0.1\n\tonly_from\t= 127.0.0.1\n"
            "\tinstances\t= 10\n}\n\nincludedir %s\n" % drop)
    ninetd.start(conf, xinetd=True,
                 expect=[f"listening on 127.0.0.1:{tftp} ", f"listening on 127.0.0.1:{git_port} "])
    fetch_and_compare(tftp, "file.bin", content, tmp_path / "got")
    clone_and_check(git_port, tmp_path, head)
    # A wait server reads its socket itself, refused clients' requests too, as under xinetd:
    # the daemon checks only what comes while no server runs.
    ninetd.wait_log(rf"tftp/udp: exit pid=\d+ status=0 ", regex=True)
    # only_from from the defaults holds for the included services.
    assert exchange_from("127.0.0.2", git_port, b"") == b""
    ninetd.wait_log(f"git/tcp: refused peer=127.0.0.2 port=")
    assert tftp_answer_from("127.0.0.2", tftp, "file.bin") is None
    ninetd.wait_log("tftp/udp: dropped reason=access count=1\n")
    assert ": error: " not in ninetd.log()


# ---------------------------------------------------------------- access


def test_only_from_serves_the_address_it_names_and_logs_the_refusal(ninetd):
    port = free_port()
    ninetd.start(cat("relay", port, only_from="127.0.0.1"), xinetd=True)
    assert exchange_from("127.0.0.1", port) == b"hello\n"
    since = ninetd.mark()
    assert exchange_from("127.0.0.2", port) == b""
    ninetd.wait_log(f"relay/tcp: refused peer=127.0.0.2 port=", since=since)
    assert "start pid=" not in ninetd.log()[since:]
    where, counters = table_row(ninetd, f"relay/tcp")
    assert counters["connections"] == 2 and counters["by_access"] == 1, counters


def test_no_access_refuses_the_address_it_names_and_serves_the_others(ninetd):
    port = free_port()
    ninetd.start(cat("relay", port, no_access="127.0.0.2"), xinetd=True)
    assert exchange_from("127.0.0.1", port) == b"hello\n"
    assert exchange_from("127.0.0.3", port) == b"hello\n"
    since = ninetd.mark()
    assert exchange_from("127.0.0.2", port) == b""
    ninetd.wait_log(f"relay/tcp: refused peer=127.0.0.2 port=", since=since)
    assert "start pid=" not in ninetd.log()[since:]


def test_only_from_with_a_prefix(ninetd):
    port = free_port()
    ninetd.start(cat("relay", port, only_from="127.0.0.0/30"), xinetd=True)
    assert exchange_from("127.0.0.1", port) == b"hello\n"
    assert exchange_from("127.0.0.3", port) == b"hello\n"
    assert exchange_from("127.0.0.4", port) == b""
    ninetd.wait_log(f"relay/tcp: refused peer=127.0.0.4 port=")


def test_only_from_trailing_zeros_are_wildcards(ninetd):
    """xinetd.conf(5): the rightmost components of an address that are 0 are wildcards, so
    127.0.1.0 is the 127.0.1 network and 127.0.0.0 the whole 127 one."""
    net24, net8 = free_port(), free_port()
    ninetd.start(cat("relay24", net24, only_from="127.0.1.0")
                 + cat("relay8", net8, only_from="127.0.0.0"), xinetd=True)
    assert exchange_from("127.0.1.7", net24) == b"hello\n"
    assert exchange_from("127.0.1.254", net24) == b"hello\n"
    assert exchange_from("127.0.0.1", net24) == b""
    ninetd.wait_log(f"relay24/tcp: refused peer=127.0.0.1 port=")
    assert exchange_from("127.0.0.1", net8) == b"hello\n"
    assert exchange_from("127.1.2.3", net8) == b"hello\n"
    assert exchange_from("127.255.0.9", net8) == b"hello\n"


def test_only_from_on_an_ipv6_socket_matches_ipv4_clients_as_ipv4(ninetd):
    """flags = IPv6 without v6only: one socket for both families, as xinetd opens it; an
    IPv4 client arrives as ::ffff:127.0.0.1 and is matched against the IPv4 entries."""
    require_ipv6()
    port = free_port()
    ninetd.start(cat("relay", port, bind=None, flags="IPv6", only_from="127.0.0.1"),
                 xinetd=True, expect=[f"listening on [::]:{port} "])
    assert exchange_from("127.0.0.1", port) == b"hello\n"
    assert exchange_from("127.0.0.2", port) == b""
    ninetd.wait_log(f"relay/tcp46: refused peer=127.0.0.2 port=")
    assert exchange_from("::1", port, dest="::1") == b""
    ninetd.wait_log(f"relay/tcp46: refused peer=::1 port=")


def test_only_from_on_a_dgram_wait_service(ninetd, pubdir, tmp_path):
    """A refused request is dropped before in.tftpd is started for it; the allowed client
    fetches its file as usual."""
    content = public_file(pubdir, size=2000)
    port = free_port()
    ninetd.start(tftp_service(port, pubdir, bind="127.0.0.1", only_from="127.0.0.1"),
                 xinetd=True)
    since = ninetd.mark()
    assert tftp_answer_from("127.0.0.2", port, "file.bin") is None
    ninetd.wait_log("tftp/udp: dropped reason=access count=1\n", since=since)
    assert "start pid=" not in ninetd.log()[since:]
    fetch_and_compare(port, "file.bin", content, tmp_path / "got")


def test_no_access_on_a_dgram_wait_service(ninetd, pubdir, tmp_path):
    content = public_file(pubdir, size=2000)
    port = free_port()
    ninetd.start(tftp_service(port, pubdir, bind="127.0.0.1", no_access="127.0.0.2"),
                 xinetd=True)
    assert tftp_answer_from("127.0.0.2", port, "file.bin") is None
    ninetd.wait_log("tftp/udp: dropped reason=access count=1\n")
    fetch_and_compare(port, "file.bin", content, tmp_path / "got")


# ---------------------------------------------------------------- limits


def holding_server(pubdir):
    """A server that says it started (in a file and to the client), then holds its connection
    until the client sends a line, and answers that line."""
    log = os.path.join(pubdir, "started")
    server = write_script(pubdir, "hold", f"#!/bin/sh\necho $$ >> {log}\necho started\n"
                                          "read line\necho \"bye $line\"\n")
    return server, log


def open_held(port, source="127.0.0.1"):
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT,
                                 source_address=(source, 0))
    return s


def release(s, word):
    s.sendall(f"{word}\n".encode())
    s.shutdown(socket.SHUT_WR)
    assert read_to_eof(s) == f"bye {word}\n".encode()
    s.close()


def test_instances_holds_the_third_client_until_a_server_exits(ninetd, pubdir):
    """xinetd closes a client over `instances` (FAIL: service_limit); ninetd stops accepting
    on the socket instead and the client waits in the listen queue, on purpose: ninetd(8),
    -x ("where xinetd closes the connection of a client over it, ninetd stops accepting until
    one of the service's servers exits") and LIMITS, nowait/N; docs/compatibility.md,
    "children per service". The table dump shows the state, and the log says it once as the
    service reaches its limit."""
    port = free_port()
    server, log = holding_server(pubdir)
    ninetd.start(program("hold", port, server, instances=2), xinetd=True)
    held = []
    try:
        for n in (1, 2):
            held.append(open_held(port))
            assert read_line(held[-1]) == b"started\n"
        third = open_held(port)
        held.append(third)
        assert not_served_yet(third)
        assert len(lines_of(log)) == 2
        where, counters = table_row(ninetd, f"hold/tcp")
        assert where.endswith("at its child limit"), where
        assert counters["children"] == 2 and counters["refused"] == 0, counters
        assert ninetd.log().count("hold/tcp: 2 servers running, its limit; new clients wait "
                                  "in the listen queue until one ends\n") == 1, ninetd.log()
        release(held[0], "one")
        assert read_line(third) == b"started\n"
        assert len(lines_of(log)) == 3
        release(held[1], "two")
        release(third, "three")
    finally:
        for s in held:
            s.close()
    assert ": refused " not in ninetd.log()


def test_instances_1_logs_the_limit_once_and_serves_the_queued_client(ninetd, pubdir):
    """instances = 1 and a server that holds its connection: the service stops accepting as
    its one server starts, and says so once (where xinetd logs a FAIL service_limit line for
    each client it closes, ninetd closes none: docs/compatibility.md). The second client
    waits in the queue, unanswered and unrefused, and is served when the first server exits;
    the service then reaches its limit again and says so again."""
    port = free_port()
    server, log = holding_server(pubdir)
    ninetd.start(program("single", port, server, instances=1), xinetd=True)
    line = ("warning: single/tcp: 1 servers running, its limit; new clients wait in the listen "
            "queue until one ends\n")
    first, second = open_held(port), None
    try:
        assert read_line(first) == b"started\n"
        ninetd.wait_log(line)
        second = open_held(port)
        assert not_served_yet(second)
        assert ninetd.log().count(line) == 1, ninetd.log()
        assert len(lines_of(log)) == 1
        since = ninetd.mark()
        release(first, "one")
        assert read_line(second) == b"started\n"
        ninetd.wait_log(line, since=since)
        release(second, "two")
    finally:
        first.close()
        if second is not None:
            second.close()
    assert ": refused " not in ninetd.log()
    assert len(lines_of(log)) == 2


def test_per_source_limits_each_client_address_apart(ninetd, pubdir):
    """per_source = 1: a second connection from an address that has a server running is
    closed at once and logged, as xinetd does (FAIL: per_source_limit); another address
    gets its own server."""
    port = free_port()
    server, log = holding_server(pubdir)
    ninetd.start(program("hold", port, server, per_source=1), xinetd=True)
    first = open_held(port, "127.0.0.1")
    other = open_held(port, "127.0.0.2")
    try:
        assert read_line(first) == b"started\n"
        assert read_line(other) == b"started\n"
        since = ninetd.mark()
        for source in ("127.0.0.1", "127.0.0.2"):
            with open_held(port, source) as again:
                again.sendall(b"again\n")
                assert closed_unanswered(again), f"a second server ran for {source}"
            ninetd.wait_log(f"hold/tcp: refused peer={source} port=", since=since)
            assert f"reason=per_source_children source={source} running=1 limit=1\n" in \
                ninetd.log()[since:]
        assert len(lines_of(log)) == 2
        release(first, "one")
        ninetd.wait_log(rf"hold/tcp: exit pid=\d+ status=0 ", since=since,
                        regex=True)
        # Its server gone, the address is served again.
        with open_held(port, "127.0.0.1") as back:
            assert read_line(back) == b"started\n"
            release(back, "back")
        release(other, "other")
    finally:
        first.close()
        other.close()
    where, counters = table_row(ninetd, f"hold/tcp")
    assert counters["refused"] == 2, counters


def test_cps_pauses_the_listener_and_serves_the_queued_client_later(ninetd):
    """xinetd turns a service off for the given seconds past cps connections in one second
    and refuses the clients meanwhile; ninetd keeps a launch rate of cps * 60 a minute and,
    past it, pauses the listener until the minute ends, the clients waiting in the queue
    (ninetd(8), -x: "ninetd pauses the listener until the minute allows more, and the
    clients wait in the queue instead of being refused"; docs/compatibility.md, "launches
    per minute"). The pause and its end are logged."""
    port = free_port()
    ninetd.start(program("burst", port, "/bin/echo", "served", cps="2 5", user="nobody"),
                 xinetd=True)
    for _ in range(120):
        assert tcp_exchange(port) == b"served\n"
    since = ninetd.mark()
    late = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    try:
        ninetd.wait_log(f"burst/tcp: more than 120 connections in a minute, its rate; service "
                        "paused for ", since=since)
        where, counters = table_row(ninetd, f"burst/tcp")
        assert where.endswith("paused by rate"), where
        assert counters["connections"] == 120 and counters["refused"] == 0, counters
        # The minute ends within 60 s of the first connection: a generous failure guard.
        late.settimeout(120)
        assert read_to_eof(late) == b"served\n"
        ninetd.wait_log(f"burst/tcp: its rate's minute is over; accepting again", since=since)
    finally:
        late.close()
    assert ": refused " not in ninetd.log()


def test_dgram_with_wait_no_starts_a_server_per_datagram_as_xinetd_does(ninetd, pubdir):
    """xinetd takes socket_type = dgram with wait = no (its sources have no check against the
    pair; its man page says dgram services "normally" want yes) and so does ninetd, under -x
    as in the classic form: each datagram gets a server of its own, which reads it from the
    socket it is given. No warning, no error."""
    port = free_port()
    reply = write_script(pubdir, "reply", """#!/usr/bin/python3
import os, socket
s = socket.socket(fileno=0)
data, peer = s.recvfrom(65536)
s.sendto(b"%d " % os.getpid() + data, peer)
""")
    ninetd.start(service("reply", type="UNLISTED", port=port, bind="127.0.0.1",
                         socket_type="dgram", protocol="udp", wait="no", user="root",
                         server=reply), xinetd=True,
                 expect=[f"reply/udp: listening on 127.0.0.1:{port} (dgram, nowait, {reply})"])
    pids = set()
    with udp_socket() as s:
        for word in (b"one", b"two"):
            s.sendto(word, ("127.0.0.1", port))
            pid, echoed = s.recvfrom(100)[0].split(b" ")
            assert echoed == word
            pids.add(pid)
    assert len(pids) == 2, pids
    assert ": warning: " not in ninetd.log() and ": error: " not in ninetd.log(), ninetd.log()


def test_a_dgram_server_is_not_started_for_a_source_a_sensor_saw(ninetd, pubdir):
    """A wait = yes datagram service: the daemon sees the first waiting datagram's source
    before it starts the server, and drops that datagram when a sensor listed the source."""
    sensor, port = free_port(), free_port()
    reply = write_script(pubdir, "reply", """#!/usr/bin/python3
import socket
s = socket.socket(fileno=0)
data, peer = s.recvfrom(65536)
s.sendto(b"served " + data, peer)
""")
    conf = (service("ftp-sensor", type="UNLISTED", port=sensor, bind="127.0.0.1",
                    socket_type="stream", wait="no", flags="SENSOR", deny_time="FOREVER")
            + service("reply", type="UNLISTED", port=port, bind="127.0.0.1", socket_type="dgram",
                      protocol="udp", wait="yes", user="root", server=reply))
    ninetd.start(conf, xinetd=True)
    assert exchange_from("127.0.0.2", sensor) == b""
    ninetd.wait_log(r"ftp-sensor/tcp: sensor peer=127\.0\.0\.2 port=\d+ deny_time=FOREVER "
                    r"listed=1\n", regex=True)
    with udp_socket("127.0.0.2") as listed, udp_socket("127.0.0.1") as other:
        listed.sendto(b"ping", ("127.0.0.1", port))
        other.sendto(b"pong", ("127.0.0.1", port))
        assert other.recvfrom(100)[0] == b"served pong"
        assert nothing_pending(listed)
    ninetd.wait_log("reply/udp: dropped reason=access count=1\n")


def test_a_sensor_has_every_service_refuse_its_clients(ninetd):
    """flags = SENSOR (xinetd's): the sensor serves nobody, and a client that touches it is
    refused by every service for deny_time minutes, other addresses still served. A sensor
    without deny_time (xinetd's 0) only logs."""
    sensor, quiet, served, echo = free_port(), free_port(), free_port(), free_port()
    conf = (service("ftp-sensor", type="UNLISTED", port=sensor, bind="127.0.0.1",
                    socket_type="stream", wait="no", flags="SENSOR", deny_time=10)
            + service("log-only", type="UNLISTED", port=quiet, bind="127.0.0.1",
                      socket_type="stream", wait="no", flags="SENSOR")
            + cat("served", served)
            + service("echo", id="echo-dgram", type="INTERNAL UNLISTED", port=echo,
                      bind="127.0.0.1", socket_type="dgram", wait="yes"))
    ninetd.start(conf, xinetd=True,
                 expect=[f"ftp-sensor/tcp: listening on 127.0.0.1:{sensor} "
                         "(stream, nowait, internal sensor)"])
    assert exchange_from("127.0.0.3", quiet) == b""
    ninetd.wait_log(r"warning: log-only/tcp: sensor peer=127\.0\.0\.3 port=\d+ deny_time=NEVER\n",
                    regex=True)
    assert exchange_from("127.0.0.3", served) == b"hello\n"
    assert exchange_from("127.0.0.2", served) == b"hello\n"
    assert exchange_from("127.0.0.2", sensor) == b""
    ninetd.wait_log(r"warning: ftp-sensor/tcp: sensor peer=127\.0\.0\.2 port=\d+ deny_time=10 "
                    r"listed=1\n", regex=True)
    assert exchange_from("127.0.0.2", served) == b""
    ninetd.wait_log(r"warning: served/tcp: refused peer=127\.0\.0\.2 port=\d+ reason=deny_list\n",
                    regex=True)
    assert exchange_from("127.0.0.1", served) == b"hello\n"
    # A datagram builtin answers no listed source either; the socket's queue is in order, so
    # once the other source's answer is in, the listed one's datagram was dropped.
    with udp_socket("127.0.0.2") as listed, udp_socket("127.0.0.1") as other:
        listed.sendto(b"ping", ("127.0.0.1", echo))
        other.sendto(b"pong", ("127.0.0.1", echo))
        assert other.recvfrom(100)[0] == b"pong"
        assert nothing_pending(listed)
    where, counters = table_row(ninetd, "ftp-sensor/tcp")
    assert counters["connections"] == 1 and counters["refused"] == 1, counters
    where, counters = table_row(ninetd, "served/tcp")
    assert counters["refused"] == 1, counters


def test_a_udp_sensor_lists_each_datagrams_source(ninetd):
    """flags = SENSOR over udp (xinetd has it too): every datagram's source is listed and
    answered nothing; the load warns that a spoofed source can list anyone."""
    sensor, served = free_port(), free_port()
    conf = (service("ftp-sensor", type="UNLISTED", port=sensor, bind="127.0.0.1",
                    socket_type="dgram", protocol="udp", wait="yes", flags="SENSOR",
                    deny_time="FOREVER")
            + cat("served", served))
    ninetd.start(conf, xinetd=True,
                 expect=[f"ftp-sensor/udp: listening on 127.0.0.1:{sensor} "
                         "(dgram, wait, internal sensor)"])
    assert re.search(r"warning: \S+inetd\.conf:\d+:\d+: a sensor over udp lists the source "
                     r"address each datagram claims", ninetd.log()), ninetd.log()
    with udp_socket("127.0.0.4") as listed:
        listed.sendto(b"x" * 2000, ("127.0.0.1", sensor))
        ninetd.wait_log(r"warning: ftp-sensor/udp: sensor peer=127\.0\.0\.4 port=\d+ "
                        r"deny_time=FOREVER listed=1\n", regex=True)
        assert nothing_pending(listed)
    assert exchange_from("127.0.0.4", served) == b""
    ninetd.wait_log(r"warning: served/tcp: refused peer=127\.0\.0\.4 port=\d+ reason=deny_list\n",
                    regex=True)
    assert exchange_from("127.0.0.1", served) == b"hello\n"
    where, counters = table_row(ninetd, "ftp-sensor/udp")
    assert counters["refused"] == 1, counters
    assert ninetd.alive()


# ---------------------------------------------------------------- disable and id


def test_a_disabled_service_is_not_served(ninetd):
    on, off = free_port(), free_port()
    ninetd.start(cat("on", on) + cat("off", off, disable="yes"), xinetd=True)
    assert tcp_exchange(on, b"on\n") == b"on\n"
    assert refused(off), "the disabled service's port is open"
    assert f"{off}/" not in ninetd.log()


def test_two_services_of_one_name_with_their_own_ids_are_both_served(ninetd, pubdir):
    """xinetd's way to serve one name over two protocols (Debian's /etc/xinetd.d/echo):
    the same service name, a different id each."""
    port = free_port()
    udp_echo = write_script(pubdir, "udp-echo", """#!/usr/bin/python3
import socket
s = socket.socket(fileno=0)
data, peer = s.recvfrom(65536)
s.sendto(b"dgram " + data, peer)
""")
    conf = (program("relay", port, "/bin/cat", id="relay-stream")
            + service("relay", id="relay-dgram", type="UNLISTED", port=port, bind="127.0.0.1",
                      socket_type="dgram", protocol="udp", wait="yes", user="root",
                      server=udp_echo))
    ninetd.start(conf, xinetd=True)
    assert tcp_exchange(port, b"stream\n") == b"stream\n"
    with udp_socket() as s:
        s.sendto(b"ping", ("127.0.0.1", port))
        assert s.recvfrom(100)[0] == b"dgram ping"
    ninetd.wait_log(rf"relay-dgram/udp: exit pid=\d+ status=0 ", regex=True)


def test_defaults_disabled_switches_off_the_service_of_that_id_only(ninetd, pubdir):
    """disabled in defaults names ids: of two services named echo, only the one whose id is
    listed is off (Debian's stock files: echo-stream and echo-dgram)."""
    port = free_port()
    conf = ("defaults\n{\n\tdisabled\t= echo-dgram\n}\n"
            + service("echo", id="echo-stream", type="INTERNAL UNLISTED", port=port,
                      bind="127.0.0.1", socket_type="stream", wait="no")
            + service("echo", id="echo-dgram", type="INTERNAL UNLISTED", port=port,
                      bind="127.0.0.1", socket_type="dgram", wait="yes"))
    ninetd.start(conf, xinetd=True, expect=[f"echo-stream/tcp: listening on 127.0.0.1:{port} "])
    assert tcp_exchange(port, b"stream\n") == b"stream\n"
    assert "echo-dgram/udp" not in ninetd.log()
    with udp_socket(timeout=0.5) as s:
        s.sendto(b"ping", ("127.0.0.1", port))
        try:
            answer = s.recvfrom(100)[0]
        except (socket.timeout, ConnectionRefusedError):
            answer = None
    assert answer is None, answer


def test_a_reload_reads_the_xinetd_files_again(ninetd, tmp_path):
    """SIGHUP reads the file given with -x as xinetd.conf again: a changed only_from holds for
    the next client, a file added to the includedir directory starts its service, and a
    service switched off with disable = yes stops listening."""
    relay, added = free_port(), free_port()
    drop = tmp_path / "xinetd.d"
    drop.mkdir()
    (drop / "relay").write_text(cat("relay", relay, only_from="127.0.0.1"))
    conf = "includedir %s\n" % drop
    ninetd.start(conf, xinetd=True)
    assert exchange_from("127.0.0.2", relay) == b""
    (drop / "relay").write_text(cat("relay", relay, only_from="127.0.0.0/30"))
    (drop / "added").write_text(cat("added", added))
    log = ninetd.reload()
    assert "notice: reloaded: " in log, log
    assert exchange_from("127.0.0.2", relay) == b"hello\n"
    assert tcp_exchange(added, b"added\n") == b"added\n"
    (drop / "added").write_text(cat("added", added, disable="yes"))
    log = ninetd.reload()
    assert "notice: reloaded: " in log, log
    assert refused(added), "the service switched off still listens"
    assert ": error: " not in ninetd.log()


def test_nodelay_and_keepalive_flags_reach_the_accepted_socket(ninetd, pubdir):
    """flags = NODELAY KEEPALIVE: set on the listener, so every accepted connection (the
    server's descriptor 0) has TCP_NODELAY and SO_KEEPALIVE; a service without them has
    neither."""
    report = write_script(pubdir, "sockopts", """#!/usr/bin/python3
import socket
s = socket.socket(fileno=0)
nodelay = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
keepalive = s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE)
s.sendall(b"nodelay=%d keepalive=%d\\n" % (nodelay != 0, keepalive != 0))
""")
    flagged, plain = free_port(), free_port()
    ninetd.start(program("flagged", flagged, report, flags="NODELAY KEEPALIVE")
                 + program("plain", plain, report), xinetd=True)
    assert ": warning: " not in ninetd.log(), ninetd.log()
    assert tcp_exchange(flagged) == b"nodelay=1 keepalive=1\n"
    assert tcp_exchange(plain) == b"nodelay=0 keepalive=0\n"
