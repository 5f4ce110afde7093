"""libwrap with the real daemon (-w for launched servers, -W for builtins), in a private mount
namespace whose /etc/hosts.allow and /etc/hosts.deny are the test's own: rules by address and
by name (localhost) are honoured, a refused client is closed before any server starts, lines
already wrapped with /usr/sbin/tcpd work unchanged (and are not checked twice), and without
-w and -W the files are not read."""
import os
import signal

import pytest

from conftest import (NO_PRIVATE_MOUNTS, exchange_from, free_port, private_mounts_available,
                      processes_named, wait_until, write_script)

pytestmark = pytest.mark.skipif(not private_mounts_available(), reason=NO_PRIVATE_MOUNTS)

TCPD = "/usr/sbin/tcpd"  # scripts/deps installs it (Debian's tcpd)


def start_with_hosts_files(ninetd, tmp_path, conf, allow, deny, options, xinetd=False):
    """Starts the daemon with its own hosts.allow and hosts.deny mounted over the system's."""
    for name in ("hosts.allow", "hosts.deny"):
        if not os.path.exists(f"/etc/{name}"):
            open(f"/etc/{name}", "a").close()  # empty: libwrap's "allow everyone"
    allow_file, deny_file = tmp_path / "hosts.allow", tmp_path / "hosts.deny"
    allow_file.write_text(allow)
    deny_file.write_text(deny)
    os.chmod(allow_file, 0o644)
    os.chmod(deny_file, 0o644)
    wrapper = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
               'a=$1 d=$2; shift 2; mount --bind "$a" /etc/hosts.allow && '
               'mount --bind "$d" /etc/hosts.deny && exec "$@"', "sh",
               str(allow_file), str(deny_file)]
    return ninetd.start(conf, args=("-l", *options), wrapper=wrapper, xinetd=xinetd)


def test_builtins_are_checked_by_address_with_capital_w(ninetd, tmp_path):
    port = free_port()
    start_with_hosts_files(ninetd, tmp_path,
                           f"127.0.0.1:{port} stream tcp nowait nobody internal echo\n",
                           "echo: 127.0.0.1\n", "ALL: ALL\n", ("-W",))
    assert exchange_from("127.0.0.1", port) == b"hello\n"
    assert exchange_from("127.0.0.2", port) == b""
    ninetd.wait_log(rf"{port}/tcp: refused peer=127\.0\.0\.2 port=\d+ reason=libwrap daemon=echo\n",
                    regex=True)


def test_servers_are_checked_by_name_with_w_and_refused_ones_never_start(ninetd, tmp_path,
                                                                         pubdir):
    port = free_port()
    log = os.path.join(pubdir, "launched")
    server = write_script(pubdir, "greet", f"#!/bin/sh\necho x >> {log}\nexec cat\n")
    start_with_hosts_files(ninetd, tmp_path,
                           f"127.0.0.1:{port} stream tcp nowait root {server} greet\n",
                           "greet: localhost\n", "ALL: ALL\n", ("-w",))
    assert exchange_from("127.0.0.1", port) == b"hello\n"  # 127.0.0.1 is localhost
    assert exchange_from("127.0.0.2", port) == b""
    ninetd.wait_log(r"refused peer=127\.0\.0\.2 port=\d+ reason=libwrap daemon=greet\n", regex=True)
    with open(log) as f:
        assert f.read() == "x\n"
    table, _ = ninetd.dump()
    [(_, counters)] = table[f"{port}/tcp"]
    assert counters["by_access"] == 1, counters


@pytest.mark.parametrize("form", ["key_value", "xinetd"])
def test_the_libwrap_key_names_the_daemon_the_rules_are_checked_under(ninetd, tmp_path, pubdir,
                                                                      form):
    """libwrap = fingerd: the rules for fingerd apply, not those for the program's basename
    (greet), which here would let every client in."""
    port = free_port()
    server = write_script(pubdir, "greet", "#!/bin/sh\nexec cat\n")
    if form == "key_value":
        conf = (f"127.0.0.1:{port} on protocol = tcp4, wait = no, user = root, exec = {server},"
                f" args = greet, libwrap = fingerd;\n")
    else:
        conf = (f"service finger\n{{\n  type = UNLISTED\n  port = {port}\n  bind = 127.0.0.1\n"
                f"  flags = IPv4\n  socket_type = stream\n  protocol = tcp\n  wait = no\n"
                f"  user = root\n  server = {server}\n  libwrap = fingerd\n}}\n")
    start_with_hosts_files(ninetd, tmp_path, conf, "greet: ALL\nfingerd: 127.0.0.1\n",
                           "ALL: ALL\n", ("-w",), xinetd=form == "xinetd")
    assert exchange_from("127.0.0.1", port) == b"hello\n"
    assert exchange_from("127.0.0.2", port) == b""
    ninetd.wait_log(r"refused peer=127\.0\.0\.2 port=\d+ reason=libwrap daemon=fingerd\n",
                    regex=True)


def test_the_libwrap_key_names_a_builtins_daemon_too(ninetd, tmp_path):
    port = free_port()
    start_with_hosts_files(ninetd, tmp_path,
                           f"127.0.0.1:{port} on protocol = tcp4, user = nobody, args = echo,"
                           " libwrap = in.echo;\n",
                           "echo: ALL\nin.echo: 127.0.0.1\n", "ALL: ALL\n", ("-W",))
    assert exchange_from("127.0.0.1", port) == b"hello\n"
    assert exchange_from("127.0.0.2", port) == b""
    ninetd.wait_log(rf"{port}/tcp4: refused peer=127\.0\.0\.2 port=\d+ reason=libwrap "
                    r"daemon=in\.echo\n", regex=True)


def two_services():
    echo, cat = free_port(), free_port()
    return echo, cat, (f"127.0.0.1:{echo} stream tcp nowait nobody internal echo\n"
                       f"127.0.0.1:{cat} stream tcp nowait nobody /bin/cat cat\n")


def test_lowercase_w_leaves_builtins_alone(ninetd, tmp_path):
    echo, cat, conf = two_services()
    start_with_hosts_files(ninetd, tmp_path, conf, "", "ALL: ALL\n", ("-w",))
    assert exchange_from("127.0.0.2", echo) == b"hello\n"
    assert exchange_from("127.0.0.2", cat) == b""


def test_without_w_or_capital_w_the_files_are_not_read(ninetd, tmp_path):
    echo, cat, conf = two_services()
    start_with_hosts_files(ninetd, tmp_path, conf, "", "ALL: ALL\n", ())
    assert exchange_from("127.0.0.2", echo) == b"hello\n"
    assert exchange_from("127.0.0.2", cat) == b"hello\n"


def test_lines_wrapped_with_tcpd_work_unchanged(ninetd, tmp_path):
    port = free_port()
    # tcpd runs /bin/cat and checks the rules for its basename, "cat", by itself.
    start_with_hosts_files(ninetd, tmp_path,
                           f"127.0.0.1:{port} stream tcp nowait nobody {TCPD} /bin/cat\n",
                           "", "cat: 127.0.0.2\n", ("-w",))
    assert exchange_from("127.0.0.1", port) == b"hello\n"
    assert exchange_from("127.0.0.2", port) == b""
    assert "reason=libwrap" not in ninetd.log()  # tcpd refused it, once


def test_a_checker_that_dies_is_started_again(ninetd, tmp_path):
    port = free_port()
    start_with_hosts_files(ninetd, tmp_path,
                           f"127.0.0.1:{port} stream tcp nowait nobody internal echo\n",
                           "echo: 127.0.0.1\n", "ALL: ALL\n", ("-W",))
    assert exchange_from("127.0.0.1", port) == b"hello\n"

    pids = wait_until(lambda: processes_named(ninetd.pid, "ninetd-wrap"),
                      what="a libwrap checker")
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    ninetd.wait_log(f"libwrap checker pid {pids[0]} stopped")
    assert exchange_from("127.0.0.1", port) == b"hello\n"
    assert exchange_from("127.0.0.2", port) == b""
    assert ninetd.alive()


def test_a_redirect_is_checked_as_a_server_under_its_service_name(ninetd, tmp_path):
    """-w covers a forwarder as it covers a server; the daemon name is the service's (here a
    port number, which hosts.allow's daemon field matches with ALL only)."""
    from test_redirect import EchoTarget, key_value_conf
    target = EchoTarget()
    port = free_port()
    try:
        start_with_hosts_files(ninetd, tmp_path, key_value_conf(port, target.port).replace(
                                   "127.0.0.1:", "", 1),
                               "ALL: 127.0.0.1\n", "ALL: ALL\n", ("-w",))
        assert exchange_from("127.0.0.1", port) == b"hello\n"
        assert exchange_from("127.0.0.2", port) == b""
        ninetd.wait_log(rf"refused peer=127\.0\.0\.2 port=\d+ reason=libwrap daemon={port}\n",
                        regex=True)
        assert target.accepted == 1
    finally:
        target.close()
