"""A service's launch settings, end to end: env, passenv, nice, umask and rlimit_* given as
ninetd's key=value keys and as xinetd attributes (-x) reach a real server, which reports its
environment, umask, nice value and resource limits; a reload that changes the umask shows on
the next connection; a bad value is an error naming its file and line, and the other services
run."""
import os
import socket

from conftest import NINETD, TIMEOUT, free_port, read_to_eof, tcp_exchange, write_script

# A server without a nice setting runs at the daemon's, which is the test run's own (a run
# under `nice -n 10` starts everything at 10).
INHERITED_NICE = str(os.getpriority(os.PRIO_PROCESS, 0))

# bash for its ulimit: -v, -s, -d and -m in KiB, -t in seconds, -n a count.
REPORT_SCRIPT = r"""#!/bin/bash
env | sort | sed 's/^/env /'
echo "umask=$(umask)"
echo "nice=$(nice)"
echo "files=$(ulimit -Sn)/$(ulimit -Hn)"
echo "as=$(ulimit -v) stack=$(ulimit -s) cpu=$(ulimit -t) data=$(ulimit -d) rss=$(ulimit -m)"
"""

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def report(port):
    """The server's report: its environment and its other values."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        s.shutdown(socket.SHUT_WR)
        text = read_to_eof(s).decode()
    env, values = {}, {}
    for line in text.splitlines():
        if line.startswith("env "):
            name, _, value = line[4:].partition("=")
            env[name] = value
        else:
            for part in line.split():
                name, _, value = part.partition("=")
                values[name] = value
    return env, values


def key_value_conf(port, script, umask="027"):
    return (f'{port} on protocol = tcp4, bind = 127.0.0.1, wait = no, user = root,\n'
            f'  exec = {script}, args = report,\n'
            f'  env = "GREETING=hello world" LANG=C.UTF-8 PATH=/opt/ninetd:/usr/bin:/bin,\n'
            f'  passenv = NINETD_TEST_PASSED NINETD_TEST_MISSING,\n'
            f'  nice = 7, umask = {umask}, rlimit_files = 64, rlimit_as = 512M,\n'
            f'  rlimit_stack = 1M, rlimit_cpu = 30, rlimit_data = 256M, rlimit_rss = UNLIMITED;\n')


def test_key_value_settings_reach_the_server(ninetd, pubdir, monkeypatch):
    monkeypatch.setenv("NINETD_TEST_PASSED", "from the daemon")
    monkeypatch.setenv("NINETD_TEST_SECRET", "never passed")
    monkeypatch.delenv("NINETD_TEST_MISSING", raising=False)
    script = write_script(pubdir, "report.sh", REPORT_SCRIPT)
    port, plain = free_port(), free_port()
    conf = key_value_conf(port, script) + f"127.0.0.1:{plain} stream tcp nowait root {script} r\n"
    ninetd.start(conf)
    assert (f"warning: {ninetd.conf}:1: {port}/tcp4: passenv: NINETD_TEST_MISSING is not in "
            "ninetd's environment; not passed\n") in ninetd.log()
    env, values = report(port)
    assert env["GREETING"] == "hello world"
    assert env["LANG"] == "C.UTF-8"
    assert env["PATH"] == "/opt/ninetd:/usr/bin:/bin"
    assert env["NINETD_TEST_PASSED"] == "from the daemon"
    assert "NINETD_TEST_SECRET" not in env
    assert env["PROTO"] == "TCP" and env["TCPREMOTEIP"] == "127.0.0.1"
    assert values["umask"] == "0027"
    assert values["nice"] == "7"
    assert values["files"] == "64/64"
    assert values["as"] == str(512 * 1024)
    assert values["stack"] == "1024"
    assert values["cpu"] == "30"
    assert values["data"] == str(256 * 1024)
    assert values["rss"] == "unlimited"
    # A service without settings: the default PATH, the daemon's umask and priority.
    env, values = report(plain)
    assert env["PATH"] == DEFAULT_PATH
    assert "GREETING" not in env and "NINETD_TEST_PASSED" not in env
    assert values["umask"] == "0022"
    assert values["nice"] == INHERITED_NICE


def test_xinetd_attributes_reach_the_server(ninetd, pubdir, monkeypatch):
    monkeypatch.setenv("NINETD_TEST_PASSED", "through passenv")
    script = write_script(pubdir, "report.sh", REPORT_SCRIPT)
    port = free_port()
    conf = ("defaults\n{\n  umask = 077\n  passenv = NINETD_TEST_PASSED\n}\n"
            "service report\n{\n  type = UNLISTED\n  port = %d\n  bind = 127.0.0.1\n"
            "  socket_type = stream\n  protocol = tcp\n  wait = no\n  user = nobody\n"
            "  server = %s\n  env = A=1\n  env += B=two\n  nice = -3\n  rlimit_as = 256M\n"
            "  rlimit_stack = 2048K\n  rlimit_files = 100\n  rlimit_cpu = UNLIMITED\n"
            "  rlimit_data = 128M\n  rlimit_rss = 64M\n}\n" % (port, script))
    ninetd.start(conf, xinetd=True)
    assert "warning" not in ninetd.log(), ninetd.log()
    env, values = report(port)
    assert env["A"] == "1" and env["B"] == "two"
    assert env["NINETD_TEST_PASSED"] == "through passenv"
    assert env["PATH"] == DEFAULT_PATH
    assert values["umask"] == "0077"
    # Set before the server becomes nobody, so it may be below the daemon's own.
    assert values["nice"] == "-3"
    assert values["files"] == "100/100"
    assert values["as"] == str(256 * 1024)
    assert values["stack"] == "2048"
    assert values["cpu"] == "unlimited"
    assert values["data"] == str(128 * 1024)
    assert values["rss"] == str(64 * 1024)


def test_a_reload_changes_the_umask_of_the_next_server(ninetd, pubdir, monkeypatch):
    monkeypatch.setenv("NINETD_TEST_PASSED", "x")
    script = write_script(pubdir, "report.sh", REPORT_SCRIPT)
    port = free_port()
    ninetd.start(key_value_conf(port, script, umask="027"))
    assert report(port)[1]["umask"] == "0027"
    log = ninetd.reload(key_value_conf(port, script, umask="077"))
    assert "1 changed" in log, log
    env, values = report(port)
    assert values["umask"] == "0077"
    assert values["nice"] == "7"  # the rest as it was
    assert env["GREETING"] == "hello world"


def test_bad_values_are_errors_and_the_other_services_run(ninetd, pubdir):
    script = write_script(pubdir, "report.sh", REPORT_SCRIPT)
    good, bad, worse = free_port(), free_port(), free_port()
    conf = (f"127.0.0.1:{good} stream tcp nowait root /bin/cat cat\n"
            f"{bad} on protocol = tcp4, wait = no, user = root, exec = {script}, nice = 99;\n"
            f"{worse} on protocol = tcp4, wait = no, user = root, exec = {script},\n"
            f"  env = TCPREMOTEIP=10.0.0.1, rlimit_as = 99999999999999999999M;\n")
    ninetd.start(conf)
    log = ninetd.log()
    nice_column = conf.splitlines()[1].index("nice = 99") + len("nice = ") + 1
    assert (f"error: {ninetd.conf}:2:{nice_column}: nice takes a number from -20 to 19, got \"99\""
            in log), log
    assert (f"error: {ninetd.conf}:4:9: env: \"TCPREMOTEIP=10.0.0.1\": TCPREMOTEIP is set by "
            "ninetd for every connection") in log, log
    assert (f"error: {ninetd.conf}:4:43: rlimit_as = \"99999999999999999999M\" is too large "
            "(UNLIMITED has no limit)") in log, log
    assert tcp_exchange(good, b"still here\n") == b"still here\n"


def test_bad_xinetd_value_is_an_error_with_its_line(ninetd, tmp_path):
    port = free_port()
    conf = ("service cat\n{\n  type = UNLISTED\n  port = %d\n  bind = 127.0.0.1\n"
            "  socket_type = stream\n  wait = no\n  user = root\n  server = /bin/cat\n}\n"
            "service broken\n{\n  type = UNLISTED\n  port = %d\n  socket_type = stream\n"
            "  wait = no\n  user = root\n  server = /bin/cat\n  umask = 0800\n}\n"
            % (port, free_port()))
    ninetd.start(conf, xinetd=True)
    log = ninetd.log()
    assert (f"error: {ninetd.conf}:19:11: umask takes an octal mask from 0 to 0777, got "
            "\"0800\"") in log, log
    assert tcp_exchange(port, b"cat\n") == b"cat\n"


def test_check_mode_reports_the_same_errors(tmp_path):
    import subprocess
    conf = tmp_path / "inetd.conf"
    conf.write_text("8000 on protocol = tcp4, wait = no, user = root, exec = /bin/cat,\n"
                    "  env = NOEQUALS, rlimit_cpu = 5M;\n")
    r = subprocess.run([NINETD, "-t", str(conf)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 1
    assert f"{conf}:2:9: error: env: \"NOEQUALS\": expected NAME=VALUE (no '=')" in r.stderr
    assert (f"{conf}:2:32: error: rlimit_cpu takes seconds or UNLIMITED, got \"5M\""
            in r.stderr), r.stderr


def test_settings_stay_in_the_child_on_the_shared_table_path(ninetd, pubdir):
    """Beside some 150 services a launch shares the daemon's descriptor table (and waits for
    the exec): the umask and nice value are the child's own there too, never the daemon's."""
    script = write_script(pubdir, "report.sh", REPORT_SCRIPT)
    port, plain = free_port(), free_port()
    lines = [f"{pubdir}/s{i} stream unix nowait root /bin/cat cat\n" for i in range(150)]
    lines.append(f"{port} on protocol = tcp4, bind = 127.0.0.1, wait = no, user = root, "
                 f"exec = {script}, nice = 5, umask = 077, env = SHARED=yes, "
                 "rlimit_files = 200;\n")
    lines.append(f"127.0.0.1:{plain} stream tcp nowait root {script} r\n")
    ninetd.start("".join(lines))
    for _ in range(3):
        env, values = report(port)
        assert (env["SHARED"], values["umask"], values["nice"], values["files"]) == \
            ("yes", "0077", "5", "200/200")
        env, values = report(plain)
        assert "SHARED" not in env
        assert (values["umask"], values["nice"]) == ("0022", INHERITED_NICE)
