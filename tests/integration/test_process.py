"""How servers sit among processes, and what the daemon itself maps and does at start:
process groups and sessions, name-service modules kept out of the daemon, seqpacket and
unix datagram services, a failed start seen by the shell that ran it, descriptors inherited
from whoever started it."""
import os
import select
import socket
import subprocess

from conftest import NINETD, TIMEOUT, free_port, read_to_eof, tcp_exchange, write_script

IDS_SCRIPT = "#!/bin/sh\nps -o pid=,pgid=,sid= -p $$\n"


def server_ids(port):
    pid, pgid, sid = (int(x) for x in tcp_exchange(port).split())
    return pid, pgid, sid


def test_server_leads_its_own_process_group_in_the_daemons_session(ninetd, pubdir):
    script = write_script(pubdir, "ids.sh", IDS_SCRIPT)
    port = free_port()
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait nobody {script} ids.sh\n")
    pid, pgid, sid = server_ids(port)
    assert pgid == pid, "the server is not the leader of a process group of its own"
    assert sid == os.getsid(ninetd.pid), "the server left the daemon's session"
    assert pgid != os.getpgid(ninetd.pid)


def test_new_session_option_gives_each_server_a_session(ninetd, pubdir):
    script = write_script(pubdir, "ids.sh", IDS_SCRIPT)
    port = free_port()
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait nobody {script} ids.sh\n",
                 args=("-l", "--new-session"))
    pid, pgid, sid = server_ids(port)
    assert sid == pid and pgid == pid


def test_name_service_modules_stay_out_of_the_daemon(ninetd, test_user):
    # Resolving users and supplementary groups loads NSS modules (libnss_*.so); the daemon
    # does it in a loader child, so its own memory map never holds them, also after a reload.
    port = free_port()
    conf = f"127.0.0.1:{port} stream tcp nowait {test_user['name']}:nogroup /bin/cat cat\n"
    ninetd.start(conf, expect=[f"{port}/tcp: listening on"])
    ninetd.reload(conf + f"127.0.0.1:{free_port()} stream tcp nowait nobody /bin/cat cat\n")
    with open(f"/proc/{ninetd.pid}/maps") as f:
        maps = f.read()
    assert "libnss_" not in maps
    assert tcp_exchange(port, b"still served\n") == b"still served\n"


def test_seqpacket_nowait_accepts_each_connection(ninetd, pubdir):
    path = os.path.join(pubdir, "seq.sock")
    ninetd.start(f"{path} seqpacket unix nowait nobody /bin/cat cat\n")
    for text in (b"first\n", b"second\n"):
        with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as s:
            s.settimeout(TIMEOUT)
            s.connect(path)
            s.sendall(text)
            s.shutdown(socket.SHUT_WR)
            assert read_to_eof(s) == text
    table, _ = ninetd.dump()
    (_, counters), = table[f"{path}/unix"]
    assert counters["connections"] == 2, counters


def test_unix_datagram_echo_is_refused_and_never_sends_to_a_client_path(ninetd, pubdir):
    """Issue 11, finding 8: the answer of a unix datagram builtin goes to the path the client
    bound, looked up at send time: swapped for a symlink, it makes root write to any socket.
    Such a builtin is refused at load (other lines still run) and nothing is ever sent."""
    path = os.path.join(pubdir, "echo.sock")
    client_path = os.path.join(pubdir, "client.sock")
    port = free_port()
    ninetd.start(f"{path} dgram unix wait root internal echo\n"
                 f"127.0.0.1:{port} stream tcp nowait root internal echo\n")
    assert (f"error: {ninetd.conf}:1:") in ninetd.log()
    assert ("internal service echo over a unix dgram socket is refused: its answers "
            "would go, as root, to a path the client chose (use a stream socket)") in ninetd.log()
    assert not os.path.exists(path)
    assert tcp_exchange(port, b"still served") == b"still served"


def test_a_start_that_fails_exits_non_zero_before_detaching(tmp_path):
    # Without -d the daemon detaches; the configuration is read first, so the shell sees
    # the failure and the message on its terminal.
    r = subprocess.run([NINETD, "-p", str(tmp_path / "x.pid"), str(tmp_path / "missing.conf")],
                       capture_output=True, text=True, timeout=TIMEOUT)
    assert r.returncode == 1
    assert "missing.conf: cannot read configuration: No such file or directory" in r.stderr
    assert not (tmp_path / "x.pid").exists()


def test_descriptors_inherited_beyond_the_standard_three_are_closed(ninetd, pubdir):
    """A pipe's write end handed to the daemon (as a shell or supervisor may leave one) is
    closed at start: its reader sees end of file while the daemon runs, and servers still
    work."""
    read_end, write_end = os.pipe()
    try:
        port = free_port()
        try:
            ninetd.start(f"127.0.0.1:{port} stream tcp nowait root /bin/echo echo served\n",
                         pass_fds=(write_end,))
        finally:
            os.close(write_end)
        ready, _, _ = select.select([read_end], [], [], TIMEOUT)
        assert ready and os.read(read_end, 1) == b"", "the daemon still holds the pipe"
        assert ninetd.alive()
        assert tcp_exchange(port) == b"served\n"
    finally:
        os.close(read_end)
