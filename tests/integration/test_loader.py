"""The configuration loader child (daemon/loader_process.h): it holds nothing of the daemon's
but its pipe, it never outlives the daemon, and every load, the first one too, has a time
limit (--load-timeout). A loader is made to hang with a FIFO as --login-conf: a service
whose user names a login class makes the loader open that file, and the open waits for a
writer that never comes."""
import os
import signal
import socket

import pytest

from conftest import TIMEOUT, children_of, fd_table, free_port, pid_alive, tcp_exchange, wait_until


def loader_of(daemon_pid):
    """The pid of the daemon's child named ninetd-loader, or None."""
    for pid in children_of(daemon_pid):
        try:
            with open(f"/proc/{pid}/comm") as f:
                if f.read().strip() == "ninetd-loader":
                    return pid
        except OSError:
            pass
    return None


@pytest.fixture
def stuck(tmp_path):
    """(path of a FIFO to pass as --login-conf, list to append loader pids to). A loader the
    daemon failed to end is killed by its pid at teardown, so a failing test leaves none."""
    fifo = str(tmp_path / "login.conf")
    os.mkfifo(fifo)
    loaders = []
    yield fifo, loaders
    for pid in loaders:
        if pid_alive(pid):
            os.kill(pid, signal.SIGKILL)


def hanging_entry(port):
    return f"127.0.0.1:{port} stream tcp nowait nobody/stuck /bin/cat cat\n"


def restart(ninetd, conf):
    """Starts the daemon again in the same directory (same log, same pid file)."""
    since = ninetd.mark()
    ninetd.start(conf, args=("-l",), wait_started=False)
    ninetd.wait_log("notice: started: ", since=since, what="the next daemon to start")


def start_hanging_reload(ninetd, conf, loaders):
    """Reloads onto `conf` plus an entry whose load hangs; returns the stuck loader's pid."""
    ninetd.write_conf(conf + hanging_entry(free_port()))
    ninetd.signal(signal.SIGHUP)
    loader = wait_until(lambda: loader_of(ninetd.pid), what="the loader to start")
    loaders.append(loader)
    return loader


def test_a_first_load_that_hangs_fails_after_the_timeout(ninetd, stuck):
    fifo, loaders = stuck
    ninetd.start(hanging_entry(free_port()), wait_started=False,
                 args=("-l", "--login-conf", fifo, "--load-timeout", "1"))
    loaders.append(wait_until(lambda: loader_of(ninetd.pid), what="the loader to start"))
    assert ninetd.proc.wait(TIMEOUT) == 1, ninetd.log()
    log = ninetd.log()
    assert f"error: the configuration loader (pid {loaders[0]}) ran for 1 s; killing it" in log
    assert f"error: cannot load {ninetd.conf}: the configuration loader failed" in log
    assert not pid_alive(loaders[0]), "the loader outlived the daemon"


def test_a_reload_that_hangs_is_killed_and_the_old_configuration_serves(ninetd, stuck):
    fifo, loaders = stuck
    port = free_port()
    conf = f"127.0.0.1:{port} stream tcp nowait root /bin/cat cat\n"
    ninetd.start(conf, args=("-l", "--login-conf", fifo, "--load-timeout", "1"))
    since = ninetd.mark()
    loader = start_hanging_reload(ninetd, conf, loaders)
    ninetd.wait_log("error: reload failed", since=since)
    assert (f"error: the configuration loader (pid {loader}) ran for 1 s; killing it"
            in ninetd.log()[since:])
    wait_until(lambda: not pid_alive(loader), what="the killed loader to be gone")
    assert tcp_exchange(port, b"old configuration\n") == b"old configuration\n"
    # The next reload runs as usual.
    log = ninetd.reload(conf)
    assert "notice: reloaded: 0 added, 0 removed, 0 changed, 1 unchanged" in log, log


def test_a_stuck_loader_holds_only_its_pipe_and_ends_with_the_daemon(ninetd, stuck):
    """While it hangs, the loader has /dev/null on 0 and 1, the daemon's stderr on 2, its pipe
    on 3 and nothing else: not the listener, nor the pid file. SIGTERM kills and reaps it;
    the port can be bound at once by the next daemon."""
    fifo, loaders = stuck
    port = free_port()
    conf = f"127.0.0.1:{port} stream tcp nowait root /bin/cat cat\n"
    ninetd.start(conf, args=("-l", "--login-conf", fifo))
    loader = start_hanging_reload(ninetd, conf, loaders)
    table = fd_table(loader)
    assert sorted(table) == [0, 1, 2, 3], table
    assert table[0] == table[1] == "/dev/null", table
    assert table[2] == fd_table(ninetd.pid)[2], table
    assert table[3].startswith("pipe:"), table

    assert ninetd.stop() == 0
    assert not pid_alive(loader), "the loader outlived the daemon"
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))  # EADDRINUSE while anyone holds the old listener
    restart(ninetd, conf)
    assert tcp_exchange(port, b"next daemon\n") == b"next daemon\n"


def test_a_killed_daemon_takes_its_stuck_loader_along(ninetd, stuck):
    """SIGKILL leaves the daemon no chance to clean up: the loader dies with it (its parent
    death signal), so it keeps neither the pid file's lock nor the port, and the next daemon
    starts on the same pid file."""
    fifo, loaders = stuck
    port = free_port()
    conf = f"127.0.0.1:{port} stream tcp nowait root /bin/cat cat\n"
    ninetd.start(conf, args=("-l", "--login-conf", fifo))
    loader = start_hanging_reload(ninetd, conf, loaders)
    ninetd.signal(signal.SIGKILL)
    ninetd.proc.wait(TIMEOUT)
    ninetd.stop()
    wait_until(lambda: not pid_alive(loader), what="the loader to die with the daemon")
    restart(ninetd, conf)
    assert tcp_exchange(port, b"restarted\n") == b"restarted\n"


def test_a_loader_killed_before_it_wrote_fails_the_reload_cleanly(ninetd, stuck):
    fifo, loaders = stuck
    port = free_port()
    conf = f"127.0.0.1:{port} stream tcp nowait root /bin/cat cat\n"
    ninetd.start(conf, args=("-l", "--login-conf", fifo))
    since = ninetd.mark()
    loader = start_hanging_reload(ninetd, conf, loaders)
    os.kill(loader, signal.SIGKILL)
    ninetd.wait_log("error: reload failed: the configuration loader failed or ran out of time; the running "
                    "configuration is kept", since=since)
    assert tcp_exchange(port, b"still the old one\n") == b"still the old one\n"
    log = ninetd.reload(conf)
    assert "notice: reloaded: 0 added, 0 removed, 0 changed, 1 unchanged" in log, log
