"""The allow and deny lists with the real daemon: a client the lists refuse is closed at once
(TCP) or dropped (UDP, builtin or server program) without anything launched or answered; the
longest matching prefix decides; IPv6 and IPv4-mapped clients are matched; the daemon-wide
--allow and --deny hold for services without lists of their own; and a flood of refused
clients leaves a short log."""
import os
import socket

import pytest

from conftest import (TIMEOUT, exchange_from, free_port, require_ipv6, udp_socket,
                      write_script)


def udp_answer_from(source, port, data=b"ping\n", dest="127.0.0.1", timeout=0.5):
    """The answer to one datagram sent from `source`, or None when none comes in `timeout`
    (a refused datagram gets none: the wait shows a missing guard, it times nothing)."""
    with udp_socket(source, timeout=timeout) as s:
        s.sendto(data, (dest, port))
        try:
            return s.recvfrom(65536)[0]
        except socket.timeout:
            return None


def echo(port, keys="", host="*"):
    return f"{host}:{port} on protocol = tcp4, user = nobody, args = echo{keys};\n"


def test_an_allow_list_serves_only_the_addresses_it_names(ninetd):
    port = free_port()
    ninetd.start(echo(port, ", allow = 127.0.0.1 10.0.0.0/8"))
    assert exchange_from("127.0.0.1", port) == b"hello\n"
    assert exchange_from("127.0.0.2", port) == b""
    line = ninetd.wait_log(r": refused peer=127\.0\.0\.2 port=\d+ reason=access list=allow$",
                           regex=True)
    assert line
    assert "refused peer=127.0.0.1 " not in ninetd.log()
    table, _ = ninetd.dump()
    [(_, counters)] = table[f"{port}/tcp4"]
    assert counters["connections"] == 2 and counters["refused"] == 1, counters
    assert counters["by_access"] == 1, counters


def test_a_deny_list_refuses_only_what_it_names_and_the_longest_prefix_decides(ninetd):
    port = free_port()
    ninetd.start(echo(port, ", allow = 127.0.0.0/8, deny = 127.0.0.2 127.0.1.0/24"))
    assert exchange_from("127.0.0.1", port) == b"hello\n"
    assert exchange_from("127.0.0.3", port) == b"hello\n"
    assert exchange_from("127.0.0.2", port) == b""
    assert exchange_from("127.0.1.9", port) == b""
    ninetd.wait_log(r": refused peer=127\.0\.1\.9 port=\d+ reason=access list=deny$", regex=True)


def test_a_refused_client_launches_nothing(ninetd, pubdir):
    port = free_port()
    log = os.path.join(pubdir, "launched")
    server = write_script(pubdir, "server", f"#!/bin/sh\necho x >> {log}\ncat\n")
    ninetd.start(f"127.0.0.1:{port} on protocol = tcp, wait = no, user = root,"
                 f" exec = {server}, deny = 127.0.0.2;\n")
    assert exchange_from("127.0.0.2", port) == b""
    assert exchange_from("127.0.0.1", port) == b"hello\n"
    with open(log) as f:
        assert f.read() == "x\n"


def test_ipv6_and_mapped_clients(ninetd):
    require_ipv6()
    v6, dual = free_port(), free_port()
    ninetd.start(f"[::1]:{v6} on protocol = tcp6, user = nobody, args = echo, deny = ::1;\n"
                 f"{dual} on protocol = tcp46, user = nobody, args = echo, allow = 127.0.0.1;\n")
    assert exchange_from("::1", v6, dest="::1") == b""
    ninetd.wait_log(r": refused peer=::1 port=\d+ reason=access list=deny$", regex=True)
    # On a dual-stack socket an IPv4 client arrives as ::ffff:127.0.0.1: matched as IPv4.
    assert exchange_from("127.0.0.1", dual) == b"hello\n"
    assert exchange_from("127.0.0.2", dual) == b""
    assert exchange_from("::1", dual, dest="::1") == b""


def test_udp_builtin_answers_only_allowed_sources(ninetd):
    port = free_port()
    ninetd.start(f"127.0.0.1:{port} on protocol = udp4, user = nobody, args = echo,"
                 " deny = 127.0.0.2;\n")
    assert udp_answer_from("127.0.0.1", port, timeout=TIMEOUT) == b"ping\n"
    assert udp_answer_from("127.0.0.2", port) is None
    ninetd.wait_log(f"{port}/udp4: dropped reason=access count=1\n")
    assert udp_answer_from("127.0.0.1", port, timeout=TIMEOUT) == b"ping\n"


def test_udp_server_is_not_launched_for_a_refused_datagram(ninetd, pubdir):
    port = free_port()
    log = os.path.join(pubdir, "launched")
    # A dgram nowait server: answers the one datagram waiting on the socket it is given.
    server = write_script(pubdir, "udp-echo", f"""#!/usr/bin/python3
import socket, sys
s = socket.socket(fileno=0)
data, peer = s.recvfrom(65536)
open({log!r}, "a").write("launched\\n")
s.sendto(b"got " + data, peer)
""")
    ninetd.start(f"127.0.0.1:{port} on protocol = udp4, wait = no, user = root,"
                 f" exec = {server}, allow = 127.0.0.1;\n")
    assert udp_answer_from("127.0.0.2", port) is None
    ninetd.wait_log(f"{port}/udp4: dropped reason=access count=1\n")
    assert not os.path.exists(log)
    assert udp_answer_from("127.0.0.1", port, timeout=TIMEOUT) == b"got ping\n"
    with open(log) as f:
        assert f.read() == "launched\n"


def test_daemon_wide_lists_hold_where_a_service_has_none(ninetd):
    plain, own = free_port(), free_port()
    ninetd.start(echo(plain) + echo(own, ", deny = 127.0.0.3"),
                 args=("-l", "--deny", "127.0.0.2,10.0.0.0/8"))
    assert exchange_from("127.0.0.2", plain) == b""
    assert exchange_from("127.0.0.3", plain) == b"hello\n"
    # The service's own deny list replaces the daemon-wide one.
    assert exchange_from("127.0.0.2", own) == b"hello\n"
    assert exchange_from("127.0.0.3", own) == b""


def test_a_bad_daemon_wide_prefix_stops_the_daemon_at_its_start(ninetd):
    ninetd.start(echo(free_port()), args=("--allow", "127.0.0.1,nonsense"), wait_started=False)
    assert ninetd.proc.wait(timeout=TIMEOUT) == 2
    assert 'option --allow: "nonsense" is not an IPv4 or IPv6 address' in ninetd.log()


def test_a_flood_of_refused_clients_leaves_a_short_log(ninetd):
    port = free_port()
    ninetd.start(echo(port, ", allow = 127.0.0.1"))
    before = len(ninetd.log().splitlines())
    for _ in range(300):
        assert exchange_from("127.0.0.2", port) == b""
    assert exchange_from("127.0.0.1", port) == b"hello\n"
    lines = ninetd.log().splitlines()[before:]
    refused = [l for l in lines if "refused peer=127.0.0.2 " in l]
    assert 1 <= len(refused) <= 10, "\n".join(lines)
    assert len(lines) <= 20, "\n".join(lines)
