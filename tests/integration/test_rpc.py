"""RPC services end to end with the real thing: Debian's own rusersd line, a private rpcbind,
rpc.rusersd behind tcpd, and the rusers and rpcinfo clients.

rpcbind listens on port 111 and on /run/rpcbind.sock, so each test runs in namespaces of its
own: a network namespace with its loopback up, and a mount namespace with a fresh /run. The
daemon, rpcbind and the clients all run in them (nsenter); nothing of the host's is touched. No
timing thresholds: every wait polls with a generous deadline. The daemon looks at rpcbind's
socket every 10 s, so a restarted rpcbind gets the registrations back within that, and a
missing one is tried again at growing intervals.
"""
import os
import re
import shutil
import signal
import subprocess

import pytest

from conftest import (NO_PRIVATE_MOUNTS, TIMEOUT, children_of, private_mounts_available,
                      processes_named, wait_until)

RUSERSD_LINE = ("rusersd/2-3\tdgram\trpc/udp\twait\tnobody\t/usr/sbin/tcpd\t"
                "/usr/sbin/rpc.rusersd\n")
RUSERSD_PROGRAM = 100002
# Failure guard for what waits on the daemon's 10 s look at rpcbind or its back-off.
RPC_TIMEOUT = 90.0

TOOLS = ["unshare", "nsenter", "ip", "rpcbind", "rpcinfo", "rusers", "/usr/sbin/rpc.rusersd",
         "/usr/sbin/tcpd"]
missing = [t for t in TOOLS if shutil.which(t) is None]
pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="namespaces and rpcbind need root"),
    pytest.mark.skipif(bool(missing), reason=f"missing {', '.join(missing)} (scripts/deps)"),
    pytest.mark.skipif(not private_mounts_available(), reason=NO_PRIVATE_MOUNTS),
]


class Namespaces:
    """A network and a mount namespace held open by a sleeping process of their own."""

    def __init__(self):
        script = "mount -t tmpfs tmpfs /run && ip link set lo up && echo ready && exec sleep 3600"
        self.holder = subprocess.Popen(
            ["unshare", "--net", "--mount", "--propagation", "private", "sh", "-c", script],
            stdout=subprocess.PIPE, text=True)
        line = self.holder.stdout.readline()
        assert line.strip() == "ready", f"namespaces not set up: {line!r}"
        self.rpcbind = None

    def command(self, *argv):
        return ["nsenter", f"--target={self.holder.pid}", "--net", "--mount", *argv]

    def run(self, *argv, input=None):
        return subprocess.run(self.command(*argv), capture_output=True, text=True,
                              timeout=TIMEOUT, input=input)

    def start_rpcbind(self):
        assert self.rpcbind is None
        self.rpcbind = subprocess.Popen(self.command("rpcbind", "-f"), stdin=subprocess.DEVNULL)
        wait_until(lambda: self.run("rpcinfo", "-p").returncode == 0, what="rpcbind to answer")

    def stop_rpcbind(self):
        if self.rpcbind is None:
            return
        # nsenter execs rpcbind: this pid is rpcbind's own.
        self.rpcbind.send_signal(signal.SIGTERM)
        self.rpcbind.wait(TIMEOUT)
        self.rpcbind = None

    def close(self):
        try:
            self.stop_rpcbind()
        finally:
            self.holder.kill()
            self.holder.wait()

    def mappings(self, program=RUSERSD_PROGRAM):
        """(version, proto, port) of `program` as `rpcinfo -p` (portmapper's dump) lists them."""
        r = self.run("rpcinfo", "-p")
        if r.returncode != 0:
            return None
        found = set()
        for line in r.stdout.splitlines():
            fields = line.split()
            if len(fields) >= 4 and fields[0] == str(program):
                found.add((int(fields[1]), fields[2], int(fields[3])))
        return found

    def netids(self, program=RUSERSD_PROGRAM):
        """(version, netid) of `program` as rpcbind's own dump lists them (IPv6 included)."""
        r = self.run("rpcinfo", "localhost")
        found = set()
        for line in r.stdout.splitlines():
            fields = line.split()
            if len(fields) >= 3 and fields[0] == str(program):
                found.add((int(fields[1]), fields[2]))
        return found


@pytest.fixture
def ns():
    namespaces = Namespaces()
    yield namespaces
    namespaces.close()


def start_daemon(ninetd, ns, conf_text):
    return ninetd.start(conf_text, wrapper=ns.command())


def bound_port(ninetd, family="0.0.0.0"):
    """The port the daemon's RPC socket got, from its "listening on" line."""
    found = ninetd.wait_log(rf"rusersd/rpc/udp: listening on {re.escape(family)}:(\d+), RPC "
                            rf"program {RUSERSD_PROGRAM} versions 2-3", regex=True)
    return int(found.group(1))


def wait_registered(ns, port, versions=(2, 3)):
    want = {(v, "udp", port) for v in versions}
    return wait_until(lambda: ns.mappings() == want, RPC_TIMEOUT,
                      f"rpcinfo -p to list rusersd {versions} on udp port {port}")


def wait_unregistered(ns):
    return wait_until(lambda: ns.mappings() == set(), RPC_TIMEOUT,
                      "rpcinfo -p to no longer list rusersd")


def test_debians_rusersd_line_registers_answers_rusers_and_unregisters_at_exit(ninetd, ns):
    ns.start_rpcbind()
    start_daemon(ninetd, ns, RUSERSD_LINE)
    port = bound_port(ninetd)
    assert port != 0
    wait_registered(ns, port)
    # rpc/udp is IPv4 and IPv6, each socket registered under its own netid.
    wait_until(lambda: ns.netids() >= {(2, "udp"), (3, "udp"), (2, "udp6"), (3, "udp6")},
               RPC_TIMEOUT, "rpcbind to list rusersd on udp and udp6")

    # rusers asks rpcbind for the port, then rpc.rusersd (launched by ninetd through tcpd, with
    # the bound socket on fd 0) answers. -a: the host is listed even with nobody logged in.
    r = ns.run("rusers", "-a", "localhost")
    assert r.returncode == 0, r
    assert r.stdout.split()[0] == "localhost", r.stdout
    ninetd.wait_log("rusersd/rpc/udp: start pid=")

    assert ninetd.stop() == 0
    wait_unregistered(ns)
    log = ninetd.log()
    assert "rusersd/rpc/udp: unregistered from rpcbind: program 100002 version 3 on udp " in log


def test_rpcbind_started_after_the_daemon_and_restarted_gets_the_registration(ninetd, ns):
    start_daemon(ninetd, ns, RUSERSD_LINE)
    port = bound_port(ninetd)
    ninetd.wait_log("rpcbind: 4 registrations failed", what="the failed first attempt")
    assert ninetd.alive()

    ns.start_rpcbind()
    wait_registered(ns, port)

    # rpcbind forgets every mapping when it stops; the daemon registers them again.
    mark = ninetd.mark()
    ns.stop_rpcbind()
    ns.start_rpcbind()
    wait_registered(ns, port)
    ninetd.wait_log("rusersd/rpc/udp: registered with rpcbind", since=mark)
    # Still served: the registration points at the socket the daemon holds.
    r = ns.run("rusers", "-a", "localhost")
    assert r.returncode == 0, r


def helpers_of(pid):
    """The daemon's registration helpers now running."""
    return processes_named(pid, "ninetd-rpcbind", among=children_of)


def test_a_stopped_rpcbind_never_holds_the_daemon_up(ninetd, ns):
    """rpcbind that takes the call and never answers (SIGSTOP): the call waits in the helper
    process, and the daemon goes on serving meanwhile."""
    ns.start_rpcbind()
    ns.rpcbind.send_signal(signal.SIGSTOP)
    try:
        start_daemon(ninetd, ns, RUSERSD_LINE + "20007 stream tcp nowait root internal echo\n")
        port = bound_port(ninetd)
        wait_until(lambda: helpers_of(ninetd.pid), what="the registration helper")
        r = ns.run("nc", "-N", "127.0.0.1", "20007", input="still serving\n")
        assert r.stdout == "still serving\n", r
        assert helpers_of(ninetd.pid), "the helper should still be waiting for rpcbind"
    finally:
        ns.rpcbind.send_signal(signal.SIGCONT)
    wait_registered(ns, port)


def test_reload_changing_the_versions_then_removing_the_line_unregisters(ninetd, ns):
    ns.start_rpcbind()
    echo = "20007 dgram udp wait root internal echo\n"
    start_daemon(ninetd, ns, RUSERSD_LINE + echo)
    port = bound_port(ninetd)
    wait_registered(ns, port)

    # Same program, same socket: only the version that went is unregistered.
    out = ninetd.reload(RUSERSD_LINE.replace("rusersd/2-3", "rusersd/3") + echo)
    assert "rusersd/rpc/udp: changed" in out, out
    wait_registered(ns, port, versions=(3,))

    out = ninetd.reload(echo)
    assert "rusersd/rpc/udp: removed" in out, out
    wait_unregistered(ns)
    ninetd.wait_log("rusersd/rpc/udp: unregistered from rpcbind: program 100002 version 3 on udp ")
    assert ninetd.alive()


def test_check_resolves_the_program_from_etc_rpc(ninetd, tmp_path):
    from conftest import NINETD
    conf = tmp_path / "rpc.conf"
    conf.write_text(RUSERSD_LINE + "nosuchprog/1 dgram rpc/udp wait root /bin/true\n")
    r = subprocess.run([NINETD, "-t", str(conf)], capture_output=True, text=True,
                       timeout=TIMEOUT)
    assert r.returncode == 1, r
    assert (f"{conf}:2:1: error: unknown RPC program \"nosuchprog\" (not in /etc/rpc; give its "
            "number instead)") in r.stderr, r.stderr
    assert "rusersd" not in r.stderr, r.stderr
