"""Real servers launched by ninetd: /bin/cat, a script reporting its identity, git daemon,
in.tftpd, rsync --daemon, and a wait server given the listening socket (LISTEN_FDS)."""
import os
import socket
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import (TIMEOUT, bare_repository, free_port, git, read_to_eof, tcp_exchange,
                      tftp_get, write_script)

IDENTITY_SCRIPT = r"""#!/bin/sh
echo "uid=$(id -u)"
echo "gid=$(id -g)"
echo "groups=$(id -G)"
echo "fds=$(ls /proc/self/fd | sort -n | tr '\n' ' ')"
env | sort | sed 's/^/env:/'
"""

SERVER_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def test_cat_nowait(ninetd):
    port = free_port()
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait nobody /bin/cat cat\n",
                 expect=[f"{port}/tcp: listening on 127.0.0.1:{port} (stream, nowait, /bin/cat)"])
    payload = b"line one\r\nline two\n\x00\x01\xfe\xff" + os.urandom(100000)
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        client_port = s.getsockname()[1]
        s.sendall(payload)
        s.shutdown(socket.SHUT_WR)
        assert read_to_eof(s) == payload
    started = ninetd.wait_log(
        rf"info: {port}/tcp: start pid=(\d+) peer=127\.0\.0\.1 port={client_port}\n", regex=True)
    ninetd.wait_log(rf"info: {port}/tcp: exit pid={started.group(1)} status=0 duration_ms=\d+\n",
                    regex=True)
    # A launched server's client is named once, in its start line.
    assert f"{port}/tcp: accept" not in ninetd.log()


def run_identity(ninetd, pubdir, user, preexec_fn=None, form="classic", groups=None):
    """The identity script's report, launched as `user` from an entry in `form`: classic,
    key_value or xinetd (the last two with `groups = GROUPS` when given)."""
    script = write_script(pubdir, "identity.sh", IDENTITY_SCRIPT)
    port = free_port()
    groups_key = "" if groups is None else f"groups = {groups}"
    conf = {
        "classic": f"127.0.0.1:{port} stream tcp nowait {user} /bin/sh sh {script}\n",
        "key_value": f"127.0.0.1:{port} on protocol = tcp4, wait = no, user = {user}, "
                     f"exec = /bin/sh, args = sh {script}"
                     f"{', ' + groups_key if groups_key else ''};\n",
        "xinetd": f"service identity\n{{\n  type = UNLISTED\n  port = {port}\n"
                  f"  bind = 127.0.0.1\n  flags = IPv4\n  socket_type = stream\n"
                  f"  protocol = tcp\n  wait = no\n  user = {user}\n  server = /bin/sh\n"
                  f"  server_args = {script}\n  {groups_key}\n}}\n",
    }[form]
    ninetd.start(conf, preexec_fn=preexec_fn, xinetd=form == "xinetd")
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        client_port = s.getsockname()[1]
        s.shutdown(socket.SHUT_WR)
        text = read_to_eof(s).decode()
    report = {}
    env = {}
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key.startswith("env:"):
            env[key[4:]] = value
        else:
            report[key] = value
    # dash exports PWD itself; everything else comes from ninetd.
    env.pop("PWD", None)
    assert env == {
        "PATH": SERVER_PATH.split("=", 1)[1],
        "PROTO": "TCP",
        "TCPREMOTEIP": "127.0.0.1",
        "TCPREMOTEPORT": str(client_port),
        "TCPLOCALIP": "127.0.0.1",
        "TCPLOCALPORT": str(port),
    }, text
    # 0, 1, 2 the connection, 3 the directory ls reads: nothing of the daemon's leaks.
    assert report["fds"].split() == ["0", "1", "2", "3"], text
    return report, text


def test_beside_many_services_a_server_gets_only_its_connection(ninetd, pubdir):
    """With 200 services beside it, the daemon holds more descriptors than a launch is
    worth copying: the child starts on the daemon's own descriptor table and keeps only its
    connection (CLOSE_RANGE_UNSHARE). The server still sees 0, 1 and 2 and nothing else, as
    its user; concurrent launches each get their own connection; the daemon's own 0, 1 and
    2 are back in place afterwards (its log still lands in the file)."""
    script = write_script(pubdir, "identity.sh", IDENTITY_SCRIPT)
    identity_port, cat_port = free_port(), free_port()
    lines = [f"{pubdir}/s{i} stream unix nowait root /bin/cat cat\n" for i in range(200)]
    lines.append(f"127.0.0.1:{identity_port} stream tcp nowait nobody /bin/sh sh {script}\n")
    lines.append(f"127.0.0.1:{cat_port} stream tcp nowait root /bin/cat cat\n")
    ninetd.start("".join(lines))

    report = dict(line.partition("=")[::2]
                  for line in tcp_exchange(identity_port).decode().splitlines() if "=" in line)
    assert report["fds"].split() == ["0", "1", "2", "3"], report  # 3: the directory ls reads
    assert (report["uid"], report["gid"], report["groups"]) == ("65534", "65534", "65534")

    payloads = [f"client {i}\n".encode() * 50 for i in range(24)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda p: tcp_exchange(cat_port, p), payloads))
    assert answers == payloads

    fds = {fd: os.readlink(f"/proc/{ninetd.pid}/fd/{fd}") for fd in ("0", "1", "2")}
    assert fds["0"] == "/dev/null", fds
    assert fds["1"] == fds["2"] == os.path.realpath(ninetd.logfile), fds
    ninetd.wait_log(f"{cat_port}/tcp: exit pid=")
    assert ninetd.alive()


def test_identity_nobody(ninetd, pubdir):
    report, text = run_identity(ninetd, pubdir, "nobody")
    assert (report["uid"], report["gid"], report["groups"]) == ("65534", "65534", "65534"), text


@pytest.mark.parametrize("daemon_groups", ["none", "roots"])
def test_identity_nobody_keeps_none_of_the_daemons_groups(ninetd, pubdir, daemon_groups):
    """nobody, the daemon started with no supplementary groups (the child then leaves out
    setgroups: nobody's only group is its gid) or with root's and more: either way the
    server is a member of nobody's group alone."""
    extra = [g for g in (4, 27, 100) if g not in roots_groups()]
    groups = [] if daemon_groups == "none" else roots_groups() + extra
    report, text = run_identity(ninetd, pubdir, "nobody", preexec_fn=lambda: os.setgroups(groups))
    assert (report["uid"], report["gid"], report["groups"]) == ("65534", "65534", "65534"), text


def test_identity_nobody_nogroup(ninetd, pubdir):
    report, text = run_identity(ninetd, pubdir, "nobody:nogroup")
    assert (report["uid"], report["gid"], report["groups"]) == ("65534", "65534", "65534"), text


def roots_groups():
    return sorted(set(os.getgrouplist("root", 0)))


def test_identity_root_as_the_daemon_already_is(ninetd, pubdir):
    """user root, the daemon started with root's own groups (the case where the child leaves
    out every credential call, which would change nothing): the server is root with root's
    groups."""
    report, text = run_identity(ninetd, pubdir, "root",
                                preexec_fn=lambda: os.setgroups(roots_groups()))
    assert (report["uid"], report["gid"]) == ("0", "0"), text
    assert sorted(set(int(g) for g in report["groups"].split())) == roots_groups(), text


@pytest.mark.parametrize("daemon_groups", ["none", "more"])
def test_identity_root_replaces_the_daemons_other_groups(ninetd, pubdir, daemon_groups):
    """user root, the daemon started with no supplementary groups (as systemd starts it) or
    with groups root does not have: the server is a member of root's groups, not the
    daemon's (with none, the child makes no credential call: root's only group is gid 0,
    which it has; with more, only setgroups)."""
    extra = [g for g in (4, 27, 100) if g not in roots_groups()]
    groups = [] if daemon_groups == "none" else roots_groups() + extra
    report, text = run_identity(ninetd, pubdir, "root", preexec_fn=lambda: os.setgroups(groups))
    assert (report["uid"], report["gid"]) == ("0", "0"), text
    assert sorted(set(int(g) for g in report["groups"].split())) == roots_groups(), text


def test_identity_supplementary_groups(ninetd, pubdir, test_user):
    report, text = run_identity(ninetd, pubdir, test_user["name"])
    assert report["uid"] == str(test_user["uid"]), text
    assert report["gid"] == str(test_user["gid"]), text
    groups = [int(g) for g in report["groups"].split()]
    assert groups[0] == test_user["gid"], text
    assert sorted(set(groups)) == sorted({test_user["gid"], *test_user["groups"]}), text


@pytest.mark.parametrize("form", ["key_value", "xinetd"])
def test_groups_no_leaves_only_the_primary_group(ninetd, pubdir, test_user, form):
    """xinetd's groups = no: the user's supplementary groups are not set, only its gid."""
    report, text = run_identity(ninetd, pubdir, test_user["name"], form=form, groups="no")
    assert report["uid"] == str(test_user["uid"]), text
    assert report["gid"] == str(test_user["gid"]), text
    assert report["groups"] == str(test_user["gid"]), text
    assert ": warning: " not in ninetd.log(), ninetd.log()


@pytest.mark.parametrize("form", ["classic", "key_value", "xinetd"])
def test_groups_unsaid_is_each_forms_own_default(ninetd, pubdir, test_user, form):
    """Without `groups`: the inetd.conf forms give the user's supplementary groups (initgroups,
    as every classic inetd); an xinetd file gives none of them, as xinetd does."""
    report, text = run_identity(ninetd, pubdir, test_user["name"], form=form)
    expected = {test_user["gid"]} if form == "xinetd" else {test_user["gid"], *test_user["groups"]}
    assert sorted(set(int(g) for g in report["groups"].split())) == sorted(expected), text


@pytest.mark.parametrize("form", ["key_value", "xinetd"])
def test_groups_yes_gives_the_supplementary_groups(ninetd, pubdir, test_user, form):
    report, text = run_identity(ninetd, pubdir, test_user["name"], form=form, groups="yes")
    groups = sorted(set(int(g) for g in report["groups"].split()))
    assert groups == sorted({test_user["gid"], *test_user["groups"]}), text
    assert len(test_user["groups"]) >= 2  # so that groups = no has something to leave out


def test_identity_user_with_other_group(ninetd, pubdir, test_user):
    """user:group: the group replaces the primary one; the user's groups stay."""
    report, text = run_identity(ninetd, pubdir, f"{test_user['name']}:nogroup")
    assert report["uid"] == str(test_user["uid"]), text
    assert report["gid"] == "65534", text
    groups = [int(g) for g in report["groups"].split()]
    assert groups[0] == 65534, text
    assert sorted(set(groups)) == sorted({65534, *test_user["groups"]}), text


def test_git_daemon_clone(ninetd, tmp_path):
    base, _ = bare_repository(tmp_path)
    port = free_port()
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait root /usr/bin/git git daemon --inetd "
                 f"--export-all --base-path={base} {base}\n")
    dest = tmp_path / "clone"
    git("clone", "-q", f"git://127.0.0.1:{port}/repo.git", str(dest), cwd=str(tmp_path))
    assert (dest / "hello.txt").read_bytes() == b"hello through ninetd\n"
    assert git("log", "--format=%s", cwd=str(dest)).stdout == "first\n"
    ninetd.wait_log(rf"info: {port}/tcp: exit pid=\d+ status=0 ", regex=True)


def test_tftpd_wait_service_fetches_twice(ninetd, pubdir, tmp_path):
    content = os.urandom(70000)  # > 512-byte blocks, so many round trips
    path = os.path.join(pubdir, "file.bin")
    with open(path, "wb") as f:
        f.write(content)
    os.chmod(path, 0o644)
    port = free_port()
    # -t 1: the server leaves one second after its last request, and ninetd re-arms.
    ninetd.start(f"127.0.0.1:{port} dgram udp wait root /usr/sbin/in.tftpd in.tftpd -t 1 "
                 f"-s {pubdir}\n",
                 expect=[f"{port}/udp: listening on 127.0.0.1:{port} "
                         f"(dgram, wait, /usr/sbin/in.tftpd)"])
    for attempt in (1, 2):
        since = ninetd.mark()
        dest = tmp_path / f"got{attempt}"
        tftp_get(port, "file.bin", dest)
        assert dest.read_bytes() == content
        started = ninetd.wait_log(rf"info: {port}/udp: start pid=(\d+) peer=127\.0\.0\.1 port=\d+\n",
                                  since=since, regex=True)
        # The wait server exits on its own; only then may the next request start another.
        ninetd.wait_log(f"info: {port}/udp: exit pid={started.group(1)} status=0 ", since=since)
    table, _ = ninetd.dump()
    (where, counters), = table[f"{port}/udp"]
    assert counters["connections"] == 2 and counters["children"] == 0, table


def test_rsync_daemon(ninetd, pubdir, tmp_path):
    module = os.path.join(pubdir, "module")
    os.mkdir(module, 0o755)
    content = os.urandom(50000) + b"\nend\n"
    with open(os.path.join(module, "data.bin"), "wb") as f:
        f.write(content)
    os.chmod(os.path.join(module, "data.bin"), 0o644)
    conf = os.path.join(pubdir, "rsyncd.conf")
    with open(conf, "w") as f:
        f.write(f"use chroot = no\nlog file = {pubdir}/rsyncd.log\n"
                f"[mod]\n  path = {module}\n  read only = yes\n")
    port = free_port()
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait root /usr/bin/rsync rsync --daemon "
                 f"--config={conf}\n")
    dest = tmp_path / "data.bin"
    r = subprocess.run(["rsync", f"rsync://127.0.0.1:{port}/mod/data.bin", str(dest)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert dest.read_bytes() == content
    # The module list, a second connection to a fresh server.
    r = subprocess.run(["rsync", f"rsync://127.0.0.1:{port}/"], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert r.stdout.split() == ["mod"], r.stdout


LISTEN_FDS_SERVER = r"""import os, socket, stat, sys
fd3 = os.fstat(3)
listener = socket.socket(fileno=3)
connection, peer = listener.accept()
report = "LISTEN_FDS=%s\nLISTEN_PID=%s\npid=%d\nfd3_socket=%s\nfd3_listening=%s\n" % (
    os.environ.get("LISTEN_FDS"), os.environ.get("LISTEN_PID"), os.getpid(),
    stat.S_ISSOCK(fd3.st_mode),
    listener.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) == 1)
report += "fd0_is_fd3=%s\n" % (os.fstat(0).st_ino == fd3.st_ino)
report += "peer=%s\n" % peer[0]
connection.sendall(report.encode())
connection.close()
"""


def test_wait_stream_listen_fds(ninetd, pubdir):
    server = write_script(pubdir, "listen_fds.py", LISTEN_FDS_SERVER, mode=0o644)
    port = free_port()
    ninetd.start(f"127.0.0.1:{port} stream tcp,listen_fds wait root /usr/bin/python3 python3 "
                 f"{server}\n",
                 expect=[f"{port}/tcp: listening on 127.0.0.1:{port} (stream, wait, "
                         f"/usr/bin/python3)"])
    for attempt in (1, 2):  # re-armed after the first server exits
        since = ninetd.mark()
        reply = tcp_exchange(port).decode()
        fields = dict(line.split("=", 1) for line in reply.splitlines())
        assert fields["LISTEN_FDS"] == "1", reply
        assert fields["LISTEN_PID"] == fields["pid"], reply
        assert fields["fd3_socket"] == "True", reply
        assert fields["fd3_listening"] == "True", reply
        assert fields["fd0_is_fd3"] == "True", reply
        assert fields["peer"] == "127.0.0.1", reply
        # A wait server is given the listening socket: no one client to name.
        started = ninetd.wait_log(rf"info: {port}/tcp: start pid=(\d+)\n", since=since,
                                  regex=True)
        assert started.group(1) == fields["pid"]
        ninetd.wait_log(f"{port}/tcp: exit pid={fields['pid']} status=0 ", since=since)


SIGNALS_SCRIPT = r"""#!/bin/sh
sed -n 's/^\(Sig\(Blk\|Ign\)\):\t/\1=/p' /proc/self/status
"""


def test_servers_get_default_signal_dispositions(ninetd, pubdir):
    """Started the way `nohup ninetd ... &` starts it (HUP, INT and QUIT ignored), the daemon
    still reloads on HUP and stops on INT, and its servers start with no signal ignored or
    blocked (an ignored disposition would survive execve)."""
    import signal

    def ignore_like_nohup_in_background():
        for sig in (signal.SIGHUP, signal.SIGINT, signal.SIGQUIT):
            signal.signal(sig, signal.SIG_IGN)

    script = write_script(pubdir, "signals.sh", SIGNALS_SCRIPT)
    port = free_port()
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait nobody /bin/sh sh {script}\n",
                 preexec_fn=ignore_like_nohup_in_background)
    assert tcp_exchange(port) == b"SigBlk=0000000000000000\nSigIgn=0000000000000000\n"
    log = ninetd.reload()
    assert "notice: reloaded: 0 added, 0 removed, 0 changed, 1 unchanged" in log, log
    ninetd.signal(signal.SIGINT)
    assert ninetd.proc.wait(TIMEOUT) == 0
    ninetd.wait_log("notice: stopped; 0 servers still running on their own\n")


def test_arguments_larger_than_a_launch_slot(ninetd, pubdir):
    """A server whose arguments do not fit a launch slot (16 KiB) is started the
    vfork way instead, with every argument intact, as is a small one beside it."""
    script = write_script(pubdir, "count.sh", '#!/bin/sh\necho "$# $1 ${4000}"\n')
    words = [f"w{i:05d}" for i in range(4000)]  # 28,000 bytes of arguments
    lines = [" ".join(words[i:i + 500]) for i in range(0, len(words), 500)]
    big, small = free_port(), free_port()
    entry = (f"127.0.0.1:{big} stream tcp nowait nobody /bin/sh sh {script}\n"
             + "".join(f"\t{line}\n" for line in lines))
    ninetd.start(entry + f"127.0.0.1:{small} stream tcp nowait nobody /bin/cat cat\n")
    for _ in range(3):
        assert tcp_exchange(big) == b"4000 w00000 w03999\n"
        assert tcp_exchange(small, b"small\n") == b"small\n"


LIMITS_SCRIPT = r"""#!/bin/sh
echo "nofile=$(ulimit -Sn)/$(ulimit -Hn) core=$(ulimit -Sc)"
"""


def test_login_class_limits_reach_the_server(ninetd, pubdir):
    """user/class: the server runs under the class's limits from --login-conf; services of
    one class get the same limits, and a reload picks up a changed class."""
    script = write_script(pubdir, "limits.sh", LIMITS_SCRIPT)
    login_conf = os.path.join(ninetd.workdir, "login.conf")

    def write_classes(openfiles):
        with open(login_conf, "w") as f:
            f.write(f"small:\\\n\t:openfiles={openfiles}:\\\n\t:coredumpsize=0:\n"
                    "default:\\\n\t:openfiles-max=1000:\n")

    def limits_on(port):
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
            return read_to_eof(s).decode().strip()

    write_classes(77)
    first, second, plain = free_port(), free_port(), free_port()
    conf = (f"127.0.0.1:{first} stream tcp nowait root/small /bin/sh sh {script}\n"
            f"127.0.0.1:{second} stream tcp nowait nobody/small /bin/sh sh {script}\n"
            f"127.0.0.1:{plain} stream tcp nowait root /bin/sh sh {script}\n")
    ninetd.start(conf, args=("-l", "--login-conf", login_conf))
    assert limits_on(first) == "nofile=77/77 core=0"
    assert limits_on(second) == "nofile=77/77 core=0"
    assert limits_on(plain) != "nofile=77/77 core=0"

    write_classes(55)
    log = ninetd.reload()
    assert f"{first}/tcp: changed" in log, log
    assert f"{plain}/tcp: changed" not in log, log
    assert limits_on(first) == "nofile=55/55 core=0"
    assert limits_on(second) == "nofile=55/55 core=0"
