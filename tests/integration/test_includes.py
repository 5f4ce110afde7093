"""`.include FILE`, `.include DIR/*.conf` and the drop-in directory, with the real daemon:
included services are served, a mistake in an included file is named by that file and line,
an include loop is an error that leaves the other services running, and a reload reads every
included file again (a drop-in file added or removed brings its service up or down)."""
import os
import re
import subprocess

from conftest import NINETD, TIMEOUT, free_port, refused, tcp_exchange


def echo_line(port):
    return f"127.0.0.1:{port} stream tcp nowait root internal echo\n"


def serves(port):
    return tcp_exchange(port, b"hello\n") == b"hello\n"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp~"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def check(*args):
    return subprocess.run([NINETD, "-t", *args], capture_output=True, text=True,
                          timeout=TIMEOUT)


def test_a_file_and_a_glob_are_included(ninetd, tmp_path):
    p = {name: free_port() for name in ("main", "file", "a", "b", "skipped")}
    conf = tmp_path / "inetd.conf"
    write(str(tmp_path / "extra.conf"), echo_line(p["file"]))
    write(str(tmp_path / "conf.d" / "a.conf"), echo_line(p["a"]))
    write(str(tmp_path / "conf.d" / "b.conf"), "# b\n" + echo_line(p["b"]))
    write(str(tmp_path / "conf.d" / "c.conf.bak"), echo_line(p["skipped"]))
    ninetd.start(echo_line(p["main"]) + ".include extra.conf\n" +
                 f".include {tmp_path}/conf.d/*.conf\n", conf=str(conf))
    for name in ("main", "file", "a", "b"):
        assert serves(p[name]), name
    assert refused(p["skipped"])
    assert "error:" not in ninetd.log() and "warning:" not in ninetd.log(), ninetd.log()


def test_an_error_in_an_included_file_names_that_file_and_line(tmp_path):
    conf = tmp_path / "inetd.conf"
    included = tmp_path / "inetd.d" / "ftp.conf"
    write(str(conf), echo_line(free_port()) + ".include inetd.d/*.conf\n"
          ".include missing.conf\n")
    write(str(included), "\n\nftp stream tpc nowait root /usr/sbin/in.ftpd in.ftpd\n")
    r = check(str(conf))
    assert r.returncode == 1
    assert f'{included}:3:12: error: unknown protocol "tpc"' in r.stderr, r.stderr
    assert (f"{conf}:3:10: error: cannot include {tmp_path}/missing.conf: No such file or "
            "directory") in r.stderr, r.stderr
    # A file that cannot be read leaves the configuration incomplete: nothing is served
    # from it (a running daemon keeps its configuration instead).
    assert "0 services on 0 sockets" in r.stdout, r.stdout


def test_the_checker_reads_the_drop_in_directory_it_is_given(tmp_path):
    conf = tmp_path / "inetd.conf"
    write(str(conf), echo_line(free_port()))
    write(str(tmp_path / "d" / "x"), "ftp stream tpc nowait root /usr/sbin/in.ftpd in.ftpd\n")
    r = check(str(conf))
    assert r.returncode == 0, r.stderr  # no drop-in directory for a file of one's own
    r = check("--include-dir", str(tmp_path / "d"), str(conf))
    assert r.returncode == 1
    assert f"{tmp_path}/d/x:1:12: error: unknown protocol" in r.stderr, r.stderr
    r = check("--include-dir", str(tmp_path / "none"), str(conf))
    assert r.returncode == 0, r.stderr  # a missing drop-in directory is no error


def test_an_include_loop_is_an_error_and_the_other_services_run(ninetd, tmp_path):
    p = {name: free_port() for name in ("main", "a")}
    conf = tmp_path / "inetd.conf"
    write(str(tmp_path / "a.conf"), ".include inetd.conf\n" + echo_line(p["a"]))
    ninetd.start(echo_line(p["main"]) + ".include a.conf\n", conf=str(conf))
    assert re.search(rf"error: {re.escape(str(tmp_path))}/a.conf:1:10: include loop: "
                     rf"{re.escape(str(conf))} is already being read", ninetd.log()), ninetd.log()
    assert serves(p["main"])
    assert serves(p["a"])


def test_a_drop_in_file_comes_and_goes_with_a_reload(ninetd, tmp_path):
    p = {name: free_port() for name in ("main", "dropped", "changed")}
    drop_in = tmp_path / "inetd.d"
    os.mkdir(drop_in)
    ninetd.start(echo_line(p["main"]), args=("-l", "--include-dir", str(drop_in)))
    assert refused(p["dropped"])

    write(str(drop_in / "50-echo"), echo_line(p["dropped"]))
    log = ninetd.reload()
    assert "reloaded: 1 added, 0 removed" in log, log
    assert serves(p["dropped"])

    # The file is read again at each reload: its service moves with it.
    write(str(drop_in / "50-echo"), echo_line(p["changed"]))
    log = ninetd.reload()
    assert "reloaded: 1 added, 1 removed" in log, log
    assert serves(p["changed"])
    assert refused(p["dropped"])

    os.unlink(drop_in / "50-echo")
    log = ninetd.reload()
    assert "reloaded: 0 added, 1 removed" in log, log
    assert refused(p["changed"])
    assert serves(p["main"])


def test_a_reload_that_cannot_read_an_included_file_keeps_the_running_configuration(
        ninetd, tmp_path):
    """An included file that cannot be read leaves the configuration incomplete: as with an
    unreadable main file, the reload is refused and nothing running is lost."""
    main, included = free_port(), free_port()
    part = tmp_path / "part.conf"
    write(str(part), echo_line(included))
    ninetd.start(echo_line(main) + f".include {part}\n")
    assert serves(main) and serves(included)
    os.unlink(part)
    log = ninetd.reload()
    assert f"cannot include {part}: No such file or directory" in log, log
    assert "reload failed: configuration unreadable; the running configuration is kept" in log, log
    assert serves(main) and serves(included)
