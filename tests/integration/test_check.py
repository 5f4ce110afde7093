"""ninetd -t: the checker's output and exit status, run as a real process."""
import os
import subprocess

NINETD = os.environ.get("NINETD_BIN", os.path.join(os.path.dirname(__file__), "../../build/ninetd"))
EXAMPLES = os.path.join(os.path.dirname(__file__), "../../examples")


def check(path):
    return subprocess.run([NINETD, "-t", path], capture_output=True, text=True, timeout=30)


def test_demo_config_is_clean():
    r = check(os.path.join(EXAMPLES, "demo.conf"))
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert "0 errors, 0 warnings" in r.stdout


def test_bad_line_is_named_and_exit_status_is_1(tmp_path):
    conf = tmp_path / "inetd.conf"
    conf.write_text("echo stream tcp nowait root internal\n"
                    "ftp stream tpc nowait root /usr/sbin/in.ftpd in.ftpd\n")
    r = check(str(conf))
    assert r.returncode == 1
    assert f'{conf}:2:12: error: unknown protocol "tpc"' in r.stderr
    assert "1 service on 2 sockets" in r.stdout


def test_unreadable_file(tmp_path):
    r = check(str(tmp_path / "missing.conf"))
    assert r.returncode == 1
    assert "cannot read configuration: No such file or directory" in r.stderr
