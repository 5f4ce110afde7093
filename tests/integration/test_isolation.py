"""No one let in (issue 11): what a launched server gets from the daemon is its connection on
0, 1 and 2, its configured user, group and supplementary groups, an empty signal mask, every
signal at its default, umask 022, the descriptor limit the daemon was started with and an
environment of PATH and the UCSPI variables; nothing of the daemon's own state. Checked on
both launch paths: a launch slot (few services) and the daemon's shared descriptor table
(beside some 150 services, spawner.cpp kShareTableFrom). A failed credential step aborts the
launch: a server meant for another user never runs as root."""
import ctypes
import os
import resource
import signal
import socket

import pytest

from conftest import TIMEOUT, free_port, read_to_eof, tcp_exchange, write_script

REPORT_SCRIPT = r"""#!/bin/sh
echo "uid=$(id -u)"
echo "gid=$(id -g)"
echo "groups=$(id -G)"
echo "fds=$(ls /proc/self/fd | sort -n | tr '\n' ' ')"
echo "umask=$(umask)"
echo "nofile=$(ulimit -Sn)/$(ulimit -Hn)"
"""

SERVER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def started_like_a_careless_shell():
    """The daemon's own state, every part of which a server must not see: signals ignored
    (as under nohup), umask 0, a descriptor limit the daemon raises (soft 1024, hard 4096),
    supplementary groups of its own. FOO_SECRET in its environment comes from the test."""
    for sig in (signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGUSR2):
        signal.signal(sig, signal.SIG_IGN)
    os.umask(0)
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 4096))
    os.setgroups([4, 27, 100])


def beside(pubdir, path):
    """Configuration lines that put the launch on `path`: none for a launch slot, 150 unix
    services for the daemon's shared descriptor table (a connection numbered 128 or more)."""
    if path == "slot":
        return []
    return [f"{pubdir}/s{i} stream unix nowait root /bin/cat cat\n" for i in range(150)]


def ask(port):
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        s.shutdown(socket.SHUT_WR)
        return s.getsockname()[1], read_to_eof(s).decode()


@pytest.mark.parametrize("path", ["slot", "shared table"])
def test_a_server_gets_nothing_of_the_daemons_own(ninetd, pubdir, test_user, monkeypatch, path):
    monkeypatch.setenv("FOO_SECRET", "1")
    script = write_script(pubdir, "report.sh", REPORT_SCRIPT)
    report_port, env_port, signals_port = free_port(), free_port(), free_port()
    user = test_user["name"]
    lines = beside(pubdir, path)
    lines.append(f"127.0.0.1:{report_port} stream tcp nowait {user} /bin/sh sh {script}\n")
    lines.append(f"127.0.0.1:{env_port} stream tcp nowait {user} /usr/bin/env env\n")
    # Read by the server's own process: a shell blocks signals around its forks.
    lines.append(f"127.0.0.1:{signals_port} stream tcp nowait {user} /bin/grep grep -E "
                 "^Sig(Blk|Ign): /proc/self/status\n")
    ninetd.start("".join(lines), preexec_fn=started_like_a_careless_shell)
    with open(f"/proc/{ninetd.pid}/status") as f:
        assert "\nSigIgn:\t0000000000000000\n" not in f.read(), "the daemon ignores nothing?"
    assert resource.prlimit(ninetd.pid, resource.RLIMIT_NOFILE) == (4096, 4096)

    _, text = ask(report_port)
    report = dict(line.partition("=")[::2] for line in text.splitlines())
    assert report["uid"] == str(test_user["uid"]), text
    assert report["gid"] == str(test_user["gid"]), text
    groups = [int(g) for g in report["groups"].split()]
    assert sorted(set(groups)) == sorted({test_user["gid"], *test_user["groups"]}), text
    assert report["fds"].split() == ["0", "1", "2", "3"], text  # 3: the directory ls reads
    assert report["umask"] == "0022", text
    assert report["nofile"] == "1024/4096", text

    _, text = ask(signals_port)
    assert text == "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n", text

    client_port, text = ask(env_port)
    env = dict(line.partition("=")[::2] for line in text.splitlines())
    assert env == {
        "PATH": SERVER_PATH,
        "PROTO": "TCP",
        "TCPREMOTEIP": "127.0.0.1",
        "TCPREMOTEPORT": str(client_port),
        "TCPLOCALIP": "127.0.0.1",
        "TCPLOCALPORT": str(env_port),
    }, text


def test_a_stricter_umask_is_kept(ninetd, pubdir):
    script = write_script(pubdir, "umask.sh", "#!/bin/sh\numask\n")
    port = free_port()
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait nobody /bin/sh sh {script}\n",
                 preexec_fn=lambda: os.umask(0o077))
    assert tcp_exchange(port) == b"0077\n"


PR_CAPBSET_DROP = 24
CAP_SETGID, CAP_SETUID = 6, 7


def without_capability(capability):
    """preexec_fn: the daemon runs as root, but without `capability` (dropped from the bounding
    set, so root's execve of the daemon does not get it), so that credential step fails."""
    def drop():
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")
    return drop


@pytest.mark.parametrize("user", ["nobody", "test user"])
@pytest.mark.parametrize("path", ["slot", "shared table"])
# Without CAP_SETGID the first group step fails: setgroups, or setgid when the daemon's
# groups already match the user's (spawn/identity.h leaves setgroups out then).
@pytest.mark.parametrize("capability,step", [(CAP_SETUID, "setuid"),
                                             (CAP_SETGID, "(setgroups|setgid)")])
def test_a_failed_credential_step_aborts_the_launch(ninetd, pubdir, test_user, capability, step,
                                                    path, user):
    """The server would write its uid to a file: with setuid, setgroups or setgid failing it
    must never run at all, as root or otherwise; the client gets no byte, the log names the
    service, the step and the error, and the daemon goes on serving other services."""
    witness = os.path.join(pubdir, "ran-as")
    script = write_script(pubdir, "witness.sh", f"#!/bin/sh\nid -u > {witness}\necho ran\n")
    os.chmod(pubdir, 0o777)  # so the server could write there as any user
    port, other = free_port(), free_port()
    lines = beside(pubdir, path)
    name = test_user["name"] if user == "test user" else user
    lines.append(f"127.0.0.1:{port} stream tcp nowait {name} /bin/sh sh {script}\n")
    lines.append(f"127.0.0.1:{other} stream tcp nowait root internal echo\n")
    ninetd.start("".join(lines), preexec_fn=without_capability(capability))
    since = ninetd.mark()
    assert tcp_exchange(port) == b""
    ninetd.wait_log(rf"error: {port}/tcp: launch_failed (?:pid=\d+ )?step={step} program=/bin/sh "
                    rf'error="Operation not permitted"\n',
                    since=since, regex=True)
    assert not os.path.exists(witness), "the server ran"
    assert tcp_exchange(other, b"still here\n") == b"still here\n"


def test_a_user_over_its_process_limit_fails_at_execve(ninetd):
    """maxproc=0 in the server's login class while nobody already runs a process (a /bin/cat
    server held open): the kernel flags the setuid and refuses the execve (EAGAIN). The
    launch failure is logged; the daemon and its other services go on."""
    login_conf = os.path.join(ninetd.workdir, "login.conf")
    with open(login_conf, "w") as f:
        f.write("noproc:\\\n\t:maxproc=0:\n")
    port, holder, other = free_port(), free_port(), free_port()
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait nobody/noproc /bin/echo echo ran\n"
                 f"127.0.0.1:{holder} stream tcp nowait nobody /bin/cat cat\n"
                 f"127.0.0.1:{other} stream tcp nowait root /bin/cat cat\n",
                 args=("-l", "--login-conf", login_conf))
    with socket.create_connection(("127.0.0.1", holder), timeout=TIMEOUT) as held:
        held.sendall(b"x")
        assert held.recv(1) == b"x"  # a process of nobody's is running now
        since = ninetd.mark()
        assert tcp_exchange(port) == b""
        ninetd.wait_log(f"error: {port}/tcp: launch_failed ", since=since)
        ninetd.wait_log('step=execve program=/bin/echo error="Resource temporarily unavailable"',
                        since=since)
        assert tcp_exchange(other, b"others answer\n") == b"others answer\n"
    assert ninetd.alive()
