"""ninetd --convert: an xinetd configuration (Debian's stock files, a /bin/cat service with
only_from, instances and per_source) written as ninetd configuration, which plain ninetd (no -x)
loads and serves with the same bytes as ninetd -x serves from the original."""
import os
import re
import socket
import struct
import subprocess
import time

from conftest import (DAYTIME_RE, NINETD, exchange_from, free_port, nothing_pending,
                      read_exactly, tcp_exchange, udp_exchange, udp_socket)

DATA = os.path.join(os.path.dirname(__file__), "../data/xinetd")
BUILTINS = ("chargen", "daytime", "discard", "echo", "time")
RFC868_OFFSET = 2208988800  # seconds from 1900 to 1970


def run(*args):
    return subprocess.run([NINETD, *args], capture_output=True, text=True, timeout=30)


def stock(name):
    with open(os.path.join(DATA, "xinetd.d", name)) as f:
        return f.read()


def write_tree(tmp_path, ports=None, cat_port=None):
    """Debian's main file and drop-in files under tmp_path. With `ports`, each builtin's two
    blocks switched on at its port, and a /bin/cat service at cat_port, all on 127.0.0.1."""
    drop = tmp_path / "xinetd.d"
    drop.mkdir()
    for name in BUILTINS:
        text = stock(name)
        if ports:
            text = text.replace("disable\t\t= yes", f"disable\t\t= no\n\tport\t\t= {ports[name]}")
        (drop / name).write_text(text)
    if cat_port:
        (drop / "cat").write_text(
            "service cat\n{\n\ttype\t\t= UNLISTED\n\tport\t\t= %d\n\tsocket_type\t= stream\n"
            "\twait\t\t= no\n\tuser\t\t= nobody\n\tserver\t\t= /bin/cat\n"
            "\tonly_from\t= 127.0.0.1\n\tinstances\t= 5\n\tper_source\t= 2\n}\n" % cat_port)
    with open(os.path.join(DATA, "xinetd.conf")) as f:
        main = f.read().replace("/etc/xinetd.d", str(drop))
    if ports:
        main = main.replace("defaults\n{\n", "defaults\n{\n\tbind = 127.0.0.1\n")
    conf = tmp_path / "xinetd.conf"
    conf.write_text(main)
    return conf


def convert(conf, tmp_path):
    r = run("--convert", "-x", str(conf))
    assert r.returncode == 0, r.stderr
    converted = tmp_path / "inetd.conf"
    converted.write_text(r.stdout)
    return converted, r


def listing(r):
    """The -t listing without the from= field (the place differs between the two files)."""
    return [re.sub(r" from=\S+", "", line) for line in r.stdout.splitlines()
            if line.startswith("service=")]


def test_stock_files_convert_to_a_file_that_checks_clean(tmp_path):
    conf = write_tree(tmp_path)
    converted, r = convert(conf, tmp_path)
    assert r.stderr == ""
    # Each stock block is disabled: written "off", so it is checked and kept, not served.
    assert r.stdout.count(" off\n") == 10, r.stdout
    for name in BUILTINS:
        assert f"# {tmp_path}/xinetd.d/{name}:6: {name}/tcp (switched off" in r.stdout, r.stdout
    check = run("-t", str(converted))
    assert check.returncode == 0, check.stderr
    assert check.stderr == ""
    assert "0 services on 0 sockets" in check.stdout and "0 errors, 0 warnings" in check.stdout
    assert listing(check) == listing(run("-t", "-x", str(conf)))
    assert len(listing(check)) == 10 and all(" status=off " in l for l in listing(check))


def builtin_answers(ports):
    """What each builtin answers over TCP and UDP, checked against its RFC; the bytes that do
    not depend on the time of day are returned for comparison between two daemons."""
    got = {}
    # A TCP client of daytime and time sends nothing (unread bytes would reset the close).
    for proto, exchange, request in (("tcp", tcp_exchange, b""), ("udp", udp_exchange, b"\n")):
        got[f"echo/{proto}"] = exchange(ports["echo"], b"hello\n")
        before = int(time.time())
        daytime = exchange(ports["daytime"], request)
        clock = exchange(ports["time"], request)
        after = int(time.time())
        assert DAYTIME_RE.match(daytime), daytime
        assert len(clock) == 4, clock
        assert before <= struct.unpack("!I", clock)[0] - RFC868_OFFSET <= after
        got[f"daytime/{proto}"] = len(daytime)
    with socket.create_connection(("127.0.0.1", ports["chargen"])) as s:
        got["chargen/tcp"] = read_exactly(s, 300)
    got["chargen/udp"] = udp_exchange(ports["chargen"], b"\n")
    got["discard/tcp"] = tcp_exchange(ports["discard"], b"thrown away\n")
    with udp_socket() as s:
        s.sendto(b"thrown away", ("127.0.0.1", ports["discard"]))
        s.sendto(b"after", ("127.0.0.1", ports["echo"]))
        got["discard/udp"] = s.recvfrom(100)[0]  # echo's answer: discard sent none first
        got["discard/udp nothing more"] = nothing_pending(s)
    return got


def cat_answers(cat):
    return {"cat": tcp_exchange(cat, b"through cat\n"),
            "cat from 127.0.0.2": exchange_from("127.0.0.2", cat, b"refused?\n")}


def test_converted_configuration_serves_the_same_bytes(ninetd, tmp_path):
    ports = {name: free_port() for name in BUILTINS}
    cat = free_port()
    conf = write_tree(tmp_path, ports, cat)
    converted, r = convert(conf, tmp_path)
    assert r.stderr == ""
    # Services given by port keep their xinetd names (or ids): key=value entries with port.
    assert (f"echo-stream on\n\tprotocol = tcp,\n\tbind = 127.0.0.1,\n\tport = {ports['echo']},\n"
            "\tsocktype = stream,\n\twait = no,\n\tuser = root,\n\texec = internal,\n"
            "\targs = echo;\n") in r.stdout, r.stdout
    assert f"cat on\n\tprotocol = tcp,\n\tbind = 127.0.0.1,\n\tport = {cat},\n" in r.stdout
    assert "\tmax_child = 5,\n\tmax_child_per_ip = 2,\n\tallow = 127.0.0.1,\n" in r.stdout

    check = run("-t", str(converted))
    assert check.returncode == 0 and check.stderr == "", check.stderr
    original_check = run("-t", "-x", str(conf))
    # Named as under -x: a service on a given port keeps its xinetd name (port = N).
    assert listing(check) == listing(original_check)
    assert any("max_child=5 max_child_per_ip=2 allow=127.0.0.1" in l for l in listing(check))

    ninetd.start(conf=str(conf), xinetd=True)
    from_xinetd = {**builtin_answers(ports), **cat_answers(cat)}
    assert ninetd.stop() == 0
    since = ninetd.mark()  # the log is appended to: wait for this run's start
    ninetd.start(conf=str(converted), wait_started=False)
    ninetd.wait_log("notice: started: ", since=since)
    from_converted = {**builtin_answers(ports), **cat_answers(cat)}
    assert from_converted == from_xinetd
    assert from_converted["echo/tcp"] == b"hello\n" and from_converted["cat"] == b"through cat\n"
    assert from_converted["cat from 127.0.0.2"] == b""
    assert from_converted["discard/tcp"] == b"" and from_converted["discard/udp"] == b"after"
    log = ninetd.log()
    warnings = [l for l in log.splitlines() if ": warning: " in l]
    assert ": error: " not in log and len(warnings) == 2, log
    assert all("refused peer=127.0.0.2 " in l and l.endswith(" reason=access list=allow")
               for l in warnings), log


def test_launch_policy_and_log_settings_convert_and_serve_the_same_bytes(ninetd, tmp_path):
    """env, umask, banner, access_times, max_load and log_on_success: key=value keys of the
    same names, which plain ninetd applies as ninetd -x does."""
    port = free_port()
    banner = tmp_path / "banner.txt"
    banner.write_bytes(b"welcome\r\n")
    script = tmp_path / "greet.sh"
    script.write_text('#!/bin/sh\nprintf \'%s\\n\' "$GREETING"\numask\nexec cat\n')
    script.chmod(0o755)
    conf = tmp_path / "xinetd.conf"
    conf.write_text(
        f"service greet\n{{\n  type = UNLISTED\n  port = {port}\n  bind = 127.0.0.1\n"
        f"  socket_type = stream\n  wait = no\n  user = root\n  server = {script}\n"
        "  env = GREETING=hello,world\n  umask = 027\n"
        f"  banner = {banner}\n  access_times = 0:00-23:59\n  max_load = 10000\n"
        "  log_on_success = PID HOST\n}\n")
    converted, r = convert(conf, tmp_path)
    assert r.stderr == ""
    for text in (f"\tbanner = {banner},\n", "\taccess_times = 0:00-23:59,\n",
                 "\tmax_load = 10000.00,\n", "\tenv = \"GREETING=hello,world\",\n",
                 "\tumask = 027,\n", "\tlog_on_success = PID HOST;\n"):
        assert text in r.stdout, r.stdout
    check = run("-t", str(converted))
    assert check.returncode == 0 and check.stderr == "", check.stderr
    assert listing(check) == listing(run("-t", "-x", str(conf)))

    ninetd.start(conf=str(conf), xinetd=True)
    from_xinetd = tcp_exchange(port, b"through cat\n")
    assert ninetd.stop() == 0
    since = ninetd.mark()
    ninetd.start(conf=str(converted), wait_started=False)
    ninetd.wait_log("notice: started: ", since=since)
    from_converted = tcp_exchange(port, b"through cat\n")
    assert from_converted == from_xinetd == b"welcome\r\nhello,world\n0027\nthrough cat\n"
    log = ninetd.log()
    assert ": error: " not in log and ": warning: " not in log, log


def test_what_ninetd_does_not_carry_is_a_comment_and_a_warning(tmp_path):
    conf = tmp_path / "xinetd.conf"
    conf.write_text("service cat\n{\n  type = UNLISTED\n  port = 4000\n  socket_type = stream\n"
                    "  wait = no\n  user = nobody\n  server = /bin/cat\n  mdns = yes\n"
                    "  cps = 10 30\n}\n")
    r = run("--convert", "-x", str(conf))
    assert r.returncode == 0, r.stderr
    assert r.stderr == f"{conf}:9:3: warning: mdns is not supported by ninetd yet; it is ignored\n"
    assert (f"# {conf}:1: cat/tcp\n"
            f"# {conf}:10: cps = 10 30 became rate = 600 (launches a minute); ninetd holds the "
            "clients over it in the backlog instead of refusing them for 30 s\n"
            f"# {conf}:9: mdns = yes is not supported by ninetd yet; not applied\n"
            "cat on\n\tprotocol = tcp,\n\tport = 4000,\n") in r.stdout, r.stdout


def test_a_file_with_errors_is_not_converted(tmp_path):
    conf = tmp_path / "xinetd.conf"
    conf.write_text("service cat\n{\n  sever = /bin/cat\n}\n")
    r = run("--convert", "-x", str(conf))
    assert r.returncode == 1
    assert r.stdout == ""
    assert f'{conf}:3:3: error: unknown attribute "sever"' in r.stderr
    assert f"ninetd: {conf}: not converted: the configuration has errors" in r.stderr


def test_convert_without_x_takes_a_plain_xinetd_file_and_refuses_an_inetd_conf(tmp_path):
    path = os.path.join(DATA, "xinetd.d", "echo")
    r = run("--convert", path)
    assert r.returncode == 0, r.stderr
    assert "echo off\n" in r.stdout
    assert "reads as xinetd.conf" in r.stderr
    inetd = tmp_path / "inetd.conf"
    inetd.write_text("echo stream tcp nowait root internal\n")
    r = run("--convert", str(inetd))
    assert r.returncode == 1 and r.stdout == ""
    assert "not an xinetd.conf (no defaults or service block): nothing to convert" in r.stderr
