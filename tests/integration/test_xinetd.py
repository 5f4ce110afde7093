"""ninetd -x: an xinetd configuration (defaults, includedir, service blocks) checked and run."""
import os
import subprocess

from conftest import NINETD, free_port, tcp_exchange, udp_exchange

DATA = os.path.join(os.path.dirname(__file__), "../data/xinetd")


def check_xinetd(path):
    return subprocess.run([NINETD, "-t", "-x", path], capture_output=True, text=True, timeout=30)


def test_debian_stock_files_check_clean():
    for name in ("echo", "daytime", "chargen", "time", "discard"):
        r = check_xinetd(os.path.join(DATA, "xinetd.d", name))
        assert r.returncode == 0, r.stderr
        assert r.stderr == ""
        assert "0 errors, 0 warnings" in r.stdout


def test_a_file_that_is_plainly_xinetd_reads_as_such_without_x(tmp_path):
    path = os.path.join(DATA, "xinetd.d", "echo")
    r = subprocess.run([NINETD, "-t", path], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert (f"{path}: warning: {path} reads as xinetd.conf (it has a defaults or service "
            "block): read as such; give -x to say so") in r.stderr
    assert "0 errors, 1 warning" in r.stdout, r.stdout


def test_unknown_attribute_is_an_error_and_unsupported_a_warning(tmp_path):
    conf = tmp_path / "xinetd.conf"
    conf.write_text("service finger\n{\n  sever = /usr/sbin/in.fingerd\n}\n"
                    "service echo\n{\n  type = INTERNAL\n  socket_type = stream\n  wait = no\n"
                    "  mdns = yes\n}\n")
    r = check_xinetd(str(conf))
    assert r.returncode == 1
    assert f'{conf}:3:3: error: unknown attribute "sever"' in r.stderr
    assert f"{conf}:10:3: warning: mdns is not supported by ninetd yet; it is ignored" in r.stderr


def test_a_disabled_block_checks_clean_but_its_errors_count(tmp_path):
    """As xinetd, which drops a disabled service before checking what it leaves out: a
    disabled block says nothing about what it would not use (a SENSOR flag, deny_time, a
    missing server), and -t exits 0; a mistake written in it is still an error."""
    conf = tmp_path / "xinetd.conf"
    conf.write_text("service ftp-sensor\n{\n  disable = yes\n  flags = SENSOR\n"
                    "  deny_time = 120\n  socket_type = stream\n}\n"
                    "service finger\n{\n  disable = yes\n  socket_type = stream\n  wait = no\n"
                    "  user = nobody\n  server = /usr/sbin/in.fingerd\n  mdns = yes\n}\n")
    r = check_xinetd(str(conf))
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert r.stdout.splitlines()[-1] == (f"{conf}: 0 services on 0 sockets (0 internal, 0 "
                                         "through tcpmux); 0 errors, 0 warnings"), r.stdout
    assert "service=finger/tcp from=" in r.stdout and " status=off " in r.stdout, r.stdout
    conf.write_text("service finger\n{\n  disable = yes\n  instances = lots\n  mdns = yes\n}\n")
    r = check_xinetd(str(conf))
    assert r.returncode == 1
    assert r.stderr == (f"{conf}:4:15: error: instances must be a number from 1 to 1000000000 "
                        'or UNLIMITED, got "lots"\n'), r.stderr


def test_includedir_services_run_with_the_defaults(ninetd, tmp_path):
    echo, cat = free_port(), free_port()
    drop = tmp_path / "xinetd.d"
    drop.mkdir()
    (drop / "echo").write_text(
        "service echo\n{\n  type = INTERNAL UNLISTED\n  port = %d\n  bind = 127.0.0.1\n"
        "  socket_type = stream\n  protocol = tcp\n  wait = no\n}\n"
        "service echo\n{\n  type = INTERNAL UNLISTED\n  id = echo-dgram\n  port = %d\n"
        "  bind = 127.0.0.1\n  socket_type = dgram\n  wait = yes\n}\n" % (echo, echo))
    (drop / "cat").write_text(
        "service cat\n{\n  type = UNLISTED\n  port = %d\n  socket_type = stream\n"
        "  wait = no\n  user = nobody\n  server = /bin/cat\n}\n" % cat)
    (drop / "cat~").write_text("service broken\n{\n")  # an editor's leftover: not read
    conf = "defaults\n{\n  only_from = 127.0.0.0\n  bind = 127.0.0.1\n}\nincludedir %s\n" % drop
    ninetd.start(conf, xinetd=True)
    assert tcp_exchange(echo, b"hello\n") == b"hello\n"
    assert udp_exchange(echo, b"ping") == b"ping"
    assert tcp_exchange(cat, b"through cat\n") == b"through cat\n"
    assert ": error: " not in ninetd.log()
