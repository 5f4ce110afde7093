"""Start and stop: pid file, SIGTERM, a second instance; IPv6; the shipped demo config."""
import os
import socket
import subprocess

from conftest import (NINETD, REPO_ROOT, TIMEOUT, Daemon, free_port, ipv6_available, read_to_eof,
                      tcp_exchange, write_script)


def test_sigterm_exits_0_and_removes_pidfile(ninetd):
    port = free_port()
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait root internal echo\n")
    with open(ninetd.pidfile) as f:
        assert f.read().strip() == str(ninetd.pid)
    assert tcp_exchange(port, b"x") == b"x"
    assert ninetd.stop() == 0
    assert not os.path.exists(ninetd.pidfile)
    assert ninetd.log().endswith(
        f"ninetd[{ninetd.pid}]: notice: stopped; 0 servers still running on their own\n")
    # The port is closed with it.
    try:
        tcp_exchange(port)
        raise AssertionError("the port still answers after the daemon stopped")
    except ConnectionRefusedError:
        pass


def test_second_instance_with_same_pidfile_refuses(ninetd):
    first_port, second_port = free_port(), free_port()
    ninetd.start(f"127.0.0.1:{first_port} stream tcp nowait root internal echo\n")
    conf = os.path.join(ninetd.workdir, "second.conf")
    with open(conf, "w") as f:
        f.write(f"127.0.0.1:{second_port} stream tcp nowait root internal echo\n")
    r = subprocess.run([NINETD, "-d", "-p", ninetd.pidfile, conf], capture_output=True,
                       text=True, timeout=TIMEOUT)
    assert r.returncode == 1, r.stderr
    assert r.stderr.endswith(
        f"error: another ninetd is running (pid {ninetd.pid}, holding {ninetd.pidfile}); "
        f"not starting\n"), r.stderr
    assert "listening" not in r.stderr
    # The first one is untouched: same pid file content, still serving.
    with open(ninetd.pidfile) as f:
        assert f.read().strip() == str(ninetd.pid)
    assert tcp_exchange(first_port, b"still me") == b"still me"
    try:
        tcp_exchange(second_port)
        raise AssertionError("the refused instance opened its port")
    except ConnectionRefusedError:
        pass
    assert ninetd.stop() == 0
    assert not os.path.exists(ninetd.pidfile)


def test_ipv6_service_sees_tcp6_variables(ninetd, pubdir):
    script = write_script(pubdir, "env6.sh",
                          "#!/bin/sh\necho \"PROTO=$PROTO\"\necho \"IP=$TCP6REMOTEIP\"\n"
                          "echo \"LOCAL=$TCP6LOCALIP $TCP6LOCALPORT\"\n"
                          "echo \"PLAIN=${TCPREMOTEIP-unset} ${TCPLOCALIP-unset} "
                          "${TCPLOCALPORT-unset}\"\n")
    if ipv6_available():
        port = free_port("::1")
        ninetd.start(f"[::1]:{port} stream tcp6 nowait nobody /bin/sh sh {script}\n",
                     expect=[f"notice: {port}/tcp6: listening on [::1]:{port} "
                             f"(stream, nowait, /bin/sh)\n"])
        reply = tcp_exchange(port, host="::1")
        # The plain names too, as s6-tcpserverd gives them: tcpserver-style servers read them.
        assert reply == (f"PROTO=TCP6\nIP=::1\nLOCAL=::1 {port}\n"
                         f"PLAIN=::1 ::1 {port}\n").encode()
        # tcp6 is IPv6 only: nothing on 127.0.0.1 at that port.
        try:
            tcp_exchange(port)
            raise AssertionError("a tcp6 service answered over IPv4")
        except ConnectionRefusedError:
            pass
    else:
        # No IPv6 on this host: a plain "tcp" service opens its IPv4 socket and says why
        # there is no IPv6 one.
        port = free_port()
        ninetd.start(f"{port} stream tcp nowait nobody /bin/sh sh {script}\n")
        ninetd.wait_log(f"notice: {port}/tcp: no IPv6 on this host (")
        assert f"{port}/tcp: listening on 0.0.0.0:{port}" in ninetd.log()
        assert tcp_exchange(port).startswith(b"PROTO=TCP\n")


def test_demo_config(tmp_path):
    ports = [2100, 2101, 2007, 2009, 2019, 2013, 2037, 2001]
    busy = []
    for port in ports:
        for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            with socket.socket(socket.AF_INET, kind) as s:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    s.bind(("127.0.0.1", port))
                except OSError as e:
                    busy.append(f"{port}/{'tcp' if kind == socket.SOCK_STREAM else 'udp'}: {e}")
    assert not busy, ("examples/demo.conf needs these ports on 127.0.0.1, which are taken "
                      f"(another demo or test run?): {busy}")
    d = Daemon(tmp_path)
    try:
        d.start(conf=os.path.join("examples", "demo.conf"), cwd=REPO_ROOT,
                expect=["notice: 2101/tcp4: listening on 127.0.0.1:2101 (stream, nowait, /bin/sh)",
                        "notice: started: 11 services on 10 sockets\n"])
        with socket.create_connection(("127.0.0.1", 2101), timeout=TIMEOUT) as s:
            s.shutdown(socket.SHUT_WR)
            greeting = read_to_eof(s)
        assert b"Hello 127.0.0.1" in greeting, greeting
        assert tcp_exchange(2100, b"demo cat\n") == b"demo cat\n"
        assert tcp_exchange(2001, b"greet\r\n").startswith(b"+Go\r\n")
        assert d.stop() == 0
    finally:
        if d.alive():
            d.stop()
        d.kill_leftovers()


def test_tcp46_and_tcp_give_each_family_its_variables(ninetd, pubdir):
    """tcp46: one socket, IPv4 clients arrive v4-mapped and are shown unmapped (PROTO=TCP);
    tcp: two sockets; IPv6 clients get the TCP6 forms."""
    script = write_script(pubdir, "env46.sh",
                          "#!/bin/sh\necho \"$PROTO ${TCPREMOTEIP:-$TCP6REMOTEIP} "
                          "${TCPLOCALIP:-$TCP6LOCALIP} ${TCPLOCALPORT:-$TCP6LOCALPORT}\"\n")
    if not ipv6_available():
        port = free_port()
        ninetd.start(f"{port} stream tcp46 nowait nobody /bin/sh sh {script}\n")
        ninetd.wait_log(f"notice: {port}/tcp46: no IPv6 on this host (")
        return
    p46, pdual = free_port("::"), free_port("::")
    ninetd.start(f"[::]:{p46} stream tcp46 nowait nobody /bin/sh sh {script}\n"
                 f"{pdual} stream tcp nowait nobody /bin/sh sh {script}\n",
                 expect=[f"notice: {p46}/tcp46: listening on [::]:{p46} (stream, nowait, /bin/sh)",
                         f"notice: {pdual}/tcp: listening on 0.0.0.0:{pdual}",
                         f"notice: {pdual}/tcp: listening on [::]:{pdual}",
                         "notice: started: 3 services on 3 sockets\n"])
    assert tcp_exchange(p46) == f"TCP 127.0.0.1 127.0.0.1 {p46}\n".encode()
    assert tcp_exchange(p46, host="::1") == f"TCP6 ::1 ::1 {p46}\n".encode()
    assert tcp_exchange(pdual) == f"TCP 127.0.0.1 127.0.0.1 {pdual}\n".encode()
    assert tcp_exchange(pdual, host="::1") == f"TCP6 ::1 ::1 {pdual}\n".encode()
    ninetd.wait_log(f"info: {p46}/tcp46: start pid=", what="a start line")
    ninetd.wait_log(rf"info: {p46}/tcp46: start pid=\d+ peer=127\.0\.0\.1 port=\d+\n", regex=True)
    ninetd.wait_log(rf"info: {p46}/tcp46: start pid=\d+ peer=::1 port=\d+\n", regex=True)
