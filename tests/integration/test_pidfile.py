"""The pid file (-p) must be a regular file of its own: a planted symlink, a FIFO or a
device is refused at start with a clear error, and left as it was."""
import os
import stat
import subprocess

from conftest import NINETD, TIMEOUT, free_port


def start_with_pidfile(tmp_path, pidfile):
    conf = tmp_path / "inetd.conf"
    conf.write_text(f"127.0.0.1:{free_port()} stream tcp nowait root /bin/cat cat\n")
    return subprocess.run([NINETD, "-d", "-p", str(pidfile), str(conf)], capture_output=True,
                          text=True, timeout=TIMEOUT)


def test_a_planted_symlink_is_refused_and_its_target_untouched(tmp_path):
    target = tmp_path / "precious"
    target.write_text("root's data\n")
    os.chmod(target, 0o600)
    pidfile = tmp_path / "ninetd.pid"
    os.symlink(target, pidfile)
    r = start_with_pidfile(tmp_path, pidfile)
    assert r.returncode == 1, r.stderr
    assert (f"error: pid file {pidfile}: a symbolic link; not following it; not starting"
            in r.stderr), r.stderr
    assert target.read_text() == "root's data\n"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert os.path.islink(pidfile)


def test_a_pidfile_path_that_is_not_a_regular_file_is_refused(tmp_path):
    fifo = tmp_path / "ninetd.pid"
    os.mkfifo(fifo)
    r = start_with_pidfile(tmp_path, fifo)
    assert r.returncode == 1, r.stderr
    assert f"error: pid file {fifo}: not a regular file; not starting" in r.stderr, r.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was removed"
