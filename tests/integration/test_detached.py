"""ninetd started without -d or -i, as an init script starts it: it detaches once its listeners
are open and the detached process has written its pid file, refuses a second start on the same pid
file, and acts on its signals: SIGHUP reloads, SIGTERM stops it and removes
the pid file."""
import os
import signal
import subprocess

from conftest import NINETD, TIMEOUT, free_port, pid_alive, refused, tcp_exchange, wait_until


def echo_line(port):
    return f"127.0.0.1:{port} stream tcp nowait nobody internal echo\n"


def pid_in(path):
    try:
        text = path.read_text()
    except FileNotFoundError:
        return None
    return int(text) if text.strip().isdigit() else None


def test_detached_daemon_reloads_on_sighup_and_stops_on_sigterm(tmp_path):
    first, second = free_port(), free_port()
    conf, pidfile = tmp_path / "inetd.conf", tmp_path / "ninetd.pid"
    conf.write_text(echo_line(first))
    r = subprocess.run([NINETD, "-p", str(pidfile), str(conf)], capture_output=True, text=True,
                       timeout=TIMEOUT)
    assert r.returncode == 0, r.stderr
    # Listening, and the pid file written by the detached process, before the command
    # returned: an init script's reload or stop right after the start finds the daemon.
    pid = pid_in(pidfile)
    assert pid is not None, "no pid in the pid file when the start returned"
    assert tcp_exchange(first, b"detached\n") == b"detached\n"
    try:
        assert pid_alive(pid)
        # A second start (an init script's, say) finds the pid file locked and says by whom.
        again = subprocess.run([NINETD, "-p", str(pidfile), str(conf)], capture_output=True,
                               text=True, timeout=TIMEOUT)
        assert again.returncode == 1
        assert f"another ninetd is running (pid {pid}, holding {pidfile}); not starting" in \
            again.stderr, again.stderr
        conf.write_text(echo_line(first) + echo_line(second))
        os.kill(pid, signal.SIGHUP)
        wait_until(lambda: not refused(second), what="the reload to open the new listener")
        assert tcp_exchange(second, b"reloaded\n") == b"reloaded\n"
        os.kill(pid, signal.SIGTERM)
        wait_until(lambda: not pid_alive(pid), what="SIGTERM to stop the daemon")
        assert not pidfile.exists()
        assert refused(first) and refused(second)
    finally:
        if pid_alive(pid):
            os.kill(pid, signal.SIGKILL)

