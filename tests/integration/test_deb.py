"""The Debian package that `cpack -G DEB` makes from the build tree the tests run from: its
control fields, files, conffiles and maintainer scripts, then the package installed with the real
dpkg into a scratch root and driven by Debian's update-inetd. The scratch root is a private mount
namespace whose /etc, /usr and /var are overlays on the machine's own (every write lands in a
tmpfs that goes with the namespace) and whose /run is empty: the machine's /etc/inetd.conf, /run,
dpkg database and services are never touched. With no /run/systemd/system there, the maintainer
scripts and update-inetd take the sysvinit path (invoke-rc.d, /etc/init.d/ninetd); the namespace
is a machine at runlevel 2 with no policy-rc.d, so invoke-rc.d acts."""
import gzip
import io
import os
import re
import shutil
import signal
import subprocess
import tarfile

import pytest

from conftest import (BUILT_NINETD, NO_PRIVATE_MOUNTS, REPO_ROOT, TIMEOUT, free_port, pid_alive,
                      private_mounts_available, refused, tcp_exchange, wait_until)

BUILD_DIR = os.path.dirname(BUILT_NINETD)
# Debian packages, all in scripts/deps: cmake (cpack), dpkg-dev (dpkg-shlibdeps), file (which
# CPack runs to find the binaries), update-inetd, init-system-helpers (invoke-rc.d,
# update-rc.d, deb-systemd-helper), util-linux (unshare, nsenter).
TOOLS = ["cpack", "dpkg-deb", "dpkg-shlibdeps", "file", "dpkg", "update-inetd", "invoke-rc.d",
         "update-rc.d", "deb-systemd-helper", "start-stop-daemon", "unshare", "nsenter"]


@pytest.fixture(autouse=True)
def tools_installed():
    """scripts/deps installs every tool: a missing one is a failure, never a silent skip."""
    missing = [t for t in TOOLS + ["shellcheck", "lintian"] if shutil.which(t) is None]
    assert not missing, f"missing {', '.join(missing)}: scripts/deps installs them"
    # The suite runs as root (servers switch users); dpkg and the namespaces need it too.
    assert os.geteuid() == 0, "the package tests need root, as the whole suite does"

CONFFILES = ["/etc/init.d/ninetd", "/etc/default/ninetd"]
FILES = [
    "/etc/default/ninetd",
    "/etc/init.d/ninetd",
    "/usr/lib/systemd/system/ninetd.service",
    "/usr/sbin/ninetd",
    "/usr/share/doc/ninetd/examples/demo.conf",
    "/usr/share/doc/ninetd/examples/greet.sh",
    "/usr/share/doc/ninetd/examples/policy-rc.d",
    "/usr/share/man/man5/ninetd.conf.5.gz",
    "/usr/share/man/man8/ninetd.8.gz",
]
SCRIPTS = ["postinst", "prerm", "postrm"]
WANTS = "/etc/systemd/system/multi-user.target.wants/ninetd.service"


@pytest.fixture(scope="module")
def deb(tmp_path_factory):
    """The package, made by cpack from the build tree into a directory of the test's own."""
    out = tmp_path_factory.mktemp("deb")
    r = subprocess.run(["cpack", "-G", "DEB", "-B", str(out)], cwd=BUILD_DIR,
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    [name] = [n for n in os.listdir(out) if n.endswith(".deb")]
    return str(out / name)


def field(deb, name):
    return subprocess.run(["dpkg-deb", "-f", deb, name], capture_output=True, text=True,
                          check=True).stdout.strip()


def control_member(deb, name):
    """A file of the control archive (conffiles, postinst, ...), as bytes."""
    ctrl = subprocess.run(["dpkg-deb", "--ctrl-tarfile", deb], capture_output=True,
                          check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(ctrl)) as tar:
        member = tar.getmember(f"./{name}")
        return member, tar.extractfile(member).read()


def data_members(deb):
    data = subprocess.run(["dpkg-deb", "--fsys-tarfile", deb], capture_output=True,
                          check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return {m.name[1:]: m for m in tar.getmembers() if m.name != "./"}


def built_with_libwrap():
    with open(os.path.join(BUILD_DIR, "CMakeCache.txt")) as f:
        return re.search(r"^NINETD_TCPD_H:PATH=(?!.*NOTFOUND).+$", f.read(), re.M) is not None


def test_control_fields(deb):
    assert field(deb, "Package") == "ninetd"
    assert field(deb, "Provides") == "inet-superserver"
    assert field(deb, "Section") == "net"
    assert field(deb, "Priority") == "optional"
    # dpkg-shlibdeps' answer for a daemon with libstdc++ linked in: libc6 alone. libwrap and
    # libtirpc are loaded with dlopen when used, so they are recommended, never depended on.
    depends = [d.strip() for d in field(deb, "Depends").split(",")]
    libc = [d for d in depends if re.fullmatch(r"libc6 \(>= [0-9.]+\)", d)]
    assert depends[0] == "update-inetd" and len(libc) == 1, depends
    # The sanitized build links libstdc++ and libtirpc dynamically (CMakeLists.txt says why).
    if not os.environ.get("NINETD_SANITIZED"):
        assert depends == ["update-inetd", *libc], depends
    recommends = field(deb, "Recommends").split(", ")
    assert recommends == (["libwrap0", "libtirpc3"] if built_with_libwrap() else ["libtirpc3"])
    summary, *body = field(deb, "Description").splitlines()
    assert summary == "Internet super-server that reloads without dropping a connection"
    assert len(body) > 2 and all(line.startswith(" ") for line in body), body
    assert re.fullmatch(r".+ <.+@.+>", field(deb, "Maintainer"))


def test_files_their_modes_and_owners(deb):
    members = data_members(deb)
    files = sorted(name for name, m in members.items() if not m.isdir())
    assert files == FILES
    modes = {name: (m.mode, m.uname, m.gname) for name, m in members.items()}
    assert all((user, group) == ("root", "root") for _, user, group in modes.values()), modes
    for executable in ("/usr/sbin/ninetd", "/etc/init.d/ninetd"):
        assert modes[executable][0] == 0o755, executable
    for plain in ("/etc/default/ninetd", "/usr/lib/systemd/system/ninetd.service"):
        assert modes[plain][0] == 0o644, plain


def test_daemon_is_stripped_and_manuals_gzipped_without_a_name_or_time(deb, tmp_path):
    subprocess.run(["dpkg-deb", "-x", deb, str(tmp_path)], check=True)
    r = subprocess.run(["file", "-b", str(tmp_path / "usr/sbin/ninetd")], capture_output=True,
                       text=True, check=True)
    assert "ELF" in r.stdout and ", stripped" in r.stdout, r.stdout
    for manual in ("ninetd.conf.5", "ninetd.8"):
        section = manual[-1]
        with open(tmp_path / f"usr/share/man/man{section}/{manual}.gz", "rb") as f:
            packed = f.read()
        # gzip -n: no FNAME flag, a zero MTIME (RFC 1952's header), so the bytes are the same
        # for the same page; and the page inside is the one in man/.
        assert packed[:3] == b"\x1f\x8b\x08" and packed[3] & 0x08 == 0, packed[:10]
        assert packed[4:8] == b"\0\0\0\0"
        with open(os.path.join(REPO_ROOT, "man", manual), "rb") as f:
            assert gzip.decompress(packed) == f.read()


def test_conffiles_are_the_files_under_etc(deb):
    _, conffiles = control_member(deb, "conffiles")
    assert conffiles.decode().splitlines() == CONFFILES
    # Every file under /etc is one. /etc/inetd.conf is not shipped (the postinst makes it):
    # update-inetd edits it and every super-server shares it.
    under_etc = [n for n, m in data_members(deb).items() if n.startswith("/etc/") and not m.isdir()]
    assert sorted(under_etc) == sorted(CONFFILES)


@pytest.mark.parametrize("script", SCRIPTS)
def test_maintainer_scripts_are_executable_posix_shell(deb, script, tmp_path):
    member, text = control_member(deb, script)
    assert member.mode == 0o755
    assert text.startswith(b"#!/bin/sh\n")
    path = tmp_path / script
    path.write_bytes(text)
    r = subprocess.run(["sh", "-n", str(path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_shell_scripts_pass_shellcheck(deb, tmp_path):
    paths = []
    for script in SCRIPTS:
        paths.append(tmp_path / script)
        paths[-1].write_bytes(control_member(deb, script)[1])
    paths.append(os.path.join(REPO_ROOT, "dist", "init.d", "ninetd"))
    r = subprocess.run(["shellcheck", "--shell=sh", *map(str, paths)], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def host_state():
    """What the maintainer scripts would change on this machine if they ignored $DPKG_ROOT."""
    state = {}
    for path in ("/etc/inetd.conf", "/etc/init.d/ninetd", WANTS, "/run/ninetd.pid",
                 "/var/lib/systemd/deb-systemd-helper-enabled/ninetd.service.dsh-also"):
        try:
            st = os.lstat(path)
            state[path] = (st.st_ino, st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            state[path] = None
    return state


def test_install_into_another_root_makes_files_only(deb, tmp_path):
    """dpkg --root with the scripts run outside it ($DPKG_ROOT set), as a bootstrap tool
    installs: the files land in the root, nothing starts, the machine is left alone. Needs no
    private mounts, so it runs in a chroot too."""
    root = tmp_path / "root"
    (root / "var/lib/dpkg/info").mkdir(parents=True)
    (root / "var/lib/dpkg/updates").mkdir()
    (root / "var/lib/dpkg/status").touch()
    dpkg = ["dpkg", f"--root={root}", "--force-script-chrootless", "--force-depends"]
    before = host_state()
    r = subprocess.run([*dpkg, "-i", deb], capture_output=True, text=True, timeout=TIMEOUT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "#:OTHER: Other services\n" in (root / "etc/inetd.conf").read_text()
    # deb-systemd-helper names /lib's unit where /lib is there (merged into /usr), else /usr/lib's.
    assert os.readlink(root / WANTS.lstrip("/")) == "/usr/lib/systemd/system/ninetd.service"
    assert not (root / "run").exists() and not list(root.glob("etc/rc?.d"))
    r = subprocess.run([*dpkg, "--purge", "ninetd"], capture_output=True, text=True,
                       timeout=TIMEOUT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert not (root / "etc/inetd.conf").exists()
    assert not os.path.lexists(root / WANTS.lstrip("/"))
    assert host_state() == before


# What lintian still reports waits for decisions, not code: a maintainer address (the
# placeholder of NINETD_DEB_MAINTAINER), a licence for the copyright file, a changelog.
LINTIAN_PENDING = "bogus-mail-host,root-in-contact,no-copyright-file,no-changelog"


@pytest.mark.skipif(bool(os.environ.get("NINETD_SANITIZED")),
                    reason="a sanitized daemon is no binary to ship: lintian judges the release")
def test_lintian_finds_nothing_else(deb):
    r = subprocess.run(["lintian", "--fail-on", "error,warning", "--suppress-tags",
                        LINTIAN_PENDING, deb], capture_output=True, text=True, timeout=TIMEOUT * 4)
    assert r.returncode == 0, r.stdout + r.stderr


def overlays_available():
    if not private_mounts_available():
        return False
    r = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                        "mount -t tmpfs tmpfs /mnt && mkdir /mnt/u /mnt/w && "
                        "mount -t overlay overlay -o lowerdir=/etc,upperdir=/mnt/u,"
                        "workdir=/mnt/w /etc"], capture_output=True, timeout=TIMEOUT)
    return r.returncode == 0


# The scratch machine: the overlays' upper layers in a tmpfs at $1, then an empty /run, no
# inetd.conf nor other super-server's init script of the machine's (update-inetd wakes the
# first /etc/init.d/*inetd), no policy-rc.d (a container's refuses every start), and a
# runlevel, which invoke-rc.d needs before it acts on a sysvinit script (removed first: it is
# often a link to systemctl, which writing through would replace).
SCRATCH_SETUP = r"""
set -e
mount -t tmpfs tmpfs "$1"
for d in etc usr var; do
  mkdir "$1/$d" "$1/$d/upper" "$1/$d/work"
  mount -t overlay overlay -o "lowerdir=/$d,upperdir=$1/$d/upper,workdir=$1/$d/work" "/$d"
done
mount -t tmpfs tmpfs /run
rm -f /etc/inetd.conf /usr/sbin/policy-rc.d /etc/init.d/*inetd /usr/sbin/runlevel
printf '#!/bin/sh\necho N 2\n' > /usr/sbin/runlevel
chmod 755 /usr/sbin/runlevel
echo ready
exec sleep 3600
"""


class Scratch:
    """A private mount namespace held open by a sleeping process, where commands run with
    nsenter. Every ninetd pid seen there is killed when it closes."""

    def __init__(self, layers):
        os.makedirs(layers)
        self.holder = subprocess.Popen(
            ["unshare", "--mount", "--propagation", "private", "sh", "-c", SCRATCH_SETUP, "sh",
             layers], stdout=subprocess.PIPE, text=True)
        line = self.holder.stdout.readline()
        assert line.strip() == "ready", f"scratch root not set up: {line!r}"
        self.daemons = set()

    def run(self, *argv, check=True):
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND": "noninteractive",
               "LC_ALL": "C"}
        r = subprocess.run(["nsenter", f"--target={self.holder.pid}", "--mount", "--", *argv],
                           capture_output=True, text=True, timeout=TIMEOUT * 4, env=env,
                           stdin=subprocess.DEVNULL)
        if check:
            assert r.returncode == 0, f"{argv}: {r.returncode}\n{r.stdout}{r.stderr}"
        return r

    def read(self, path):
        r = self.run("cat", path, check=False)
        return r.stdout if r.returncode == 0 else None

    def exists(self, path):
        return self.run("test", "-e", path, check=False).returncode == 0

    def rc_links(self):
        """The runlevel 2 start links of the init script (update-rc.d's, numbered by insserv
        when it is installed)."""
        r = self.run("sh", "-c", "ls -d /etc/rc2.d/S*ninetd 2>/dev/null", check=False)
        return [re.sub(r"S\d\d", "S01", line) for line in r.stdout.split()]

    def daemon_pid(self):
        """The pid in /run/ninetd.pid once the daemon has written it, else None."""
        text = self.read("/run/ninetd.pid")
        if not text or not text.strip().isdigit():
            return None
        pid = int(text)
        self.daemons.add(pid)
        return pid if pid_alive(pid) else None

    def close(self):
        try:
            for pid in self.daemons:
                if pid_alive(pid):
                    os.kill(pid, signal.SIGTERM)
                    wait_until(lambda: not pid_alive(pid), what=f"ninetd {pid} to stop")
        finally:
            for pid in self.daemons:
                if pid_alive(pid):
                    os.kill(pid, signal.SIGKILL)
            self.holder.kill()
            self.holder.wait(TIMEOUT)


@pytest.fixture
def scratch(tmp_path):
    if not overlays_available():
        pytest.skip(NO_PRIVATE_MOUNTS + ", or overlayfs is missing")
    s = Scratch(str(tmp_path / "layers"))
    yield s
    s.close()


def cat_line(port):
    return f"127.0.0.1:{port}\tstream\ttcp\tnowait\tnobody\t/bin/cat\tcat"


def answers(port):
    return tcp_exchange(port, b"through update-inetd\n") == b"through update-inetd\n"


def quiet_dpkg(scratch, *args):
    """dpkg, whose maintainer scripts must run without a warning or an error (the daemon's own
    log lines, on stderr until it detaches, are its business)."""
    r = scratch.run("dpkg", *args)
    output = [line for line in (r.stdout + r.stderr).splitlines()
              if not line.startswith("ninetd[")]
    assert not [line for line in output if re.search(r"warn|error|fail", line, re.I)], output


def test_installed_package_serves_what_update_inetd_adds_and_removes(deb, scratch):
    quiet_dpkg(scratch, "-i", deb)
    assert scratch.run("dpkg-query", "-W", "-f=${Status}", "ninetd").stdout == \
        "install ok installed"
    # The postinst made /etc/inetd.conf with update-inetd's groups and no service, so the
    # daemon was not started, and it registered the init script for the runlevels.
    conf = scratch.read("/etc/inetd.conf")
    assert "#:OTHER: Other services\n" in conf
    assert not re.search(r"^[^#\s]", conf, re.M), conf
    assert scratch.daemon_pid() is None
    assert scratch.rc_links() == ["/etc/rc2.d/S01ninetd"]
    assert scratch.run("/etc/init.d/ninetd", "status", check=False).returncode == 3
    # The unit is enabled too, for a later boot under systemd (deb-systemd-helper's link).
    assert scratch.run("readlink", WANTS).stdout.strip() == "/lib/systemd/system/ninetd.service"

    # The first line: update-inetd sees no service before it and asks for a start.
    first, second = free_port(), free_port()
    scratch.run("update-inetd", "--add", cat_line(first))
    assert answers(first)
    pid = wait_until(scratch.daemon_pid, what="the pid file")

    # The second: update-inetd asks for a restart, which the init script makes a reload of the
    # same daemon (update-inetd signals it, not the test).
    scratch.run("update-inetd", "--add", cat_line(second))
    wait_until(lambda: not refused(second), what="the added service to listen")
    assert answers(second) and answers(first)
    assert scratch.daemon_pid() == pid

    # Removing one: a force-reload; it goes, the other stays, served by the same daemon.
    scratch.run("update-inetd", "--remove", f"127.0.0.1:{first}")
    assert f"127.0.0.1:{first}" not in scratch.read("/etc/inetd.conf")
    wait_until(lambda: refused(first), what="the removed service to close")
    assert answers(second)
    assert scratch.daemon_pid() == pid

    # Disabled ("#<off># " before the line: a force-reload), then enabled again (a restart,
    # which is a reload): away, then back, still the same daemon.
    scratch.run("update-inetd", "--disable", f"127.0.0.1:{second}")
    assert f"#<off># 127.0.0.1:{second}\t" in scratch.read("/etc/inetd.conf")
    wait_until(lambda: refused(second), what="the disabled service to close")
    scratch.run("update-inetd", "--enable", f"127.0.0.1:{second}")
    wait_until(lambda: not refused(second), what="the enabled service to listen")
    assert answers(second) and scratch.daemon_pid() == pid

    # A line that does not check is refused before the daemon sees it: the init script's
    # reload exits non-zero and the running configuration stays.
    scratch.run("sh", "-c", "echo 'bogus stream tcp' >> /etc/inetd.conf")
    r = scratch.run("/etc/init.d/ninetd", "reload", check=False)
    assert r.returncode == 1 and "does not check" in r.stderr, r.stderr
    assert answers(second) and scratch.daemon_pid() == pid
    scratch.run("sed", "-i", "/^bogus/d", "/etc/inetd.conf")

    # Installed again (an upgrade): the postinst stops the daemon and starts the new binary,
    # which serves the same file; the script's own files are left as they were.
    quiet_dpkg(scratch, "-i", deb)
    wait_until(lambda: scratch.daemon_pid() not in (None, pid), what="the restarted daemon")
    new_pid = scratch.daemon_pid()
    assert not pid_alive(pid)
    assert answers(second)
    assert f"127.0.0.1:{second}" in scratch.read("/etc/inetd.conf")

    # Purged: the prerm stops the daemon; the conffiles and init links go, and inetd.conf,
    # which still enables a service, stays for whatever super-server comes next.
    quiet_dpkg(scratch, "--purge", "ninetd")
    assert not pid_alive(new_pid)
    assert refused(second)
    for gone in ["/etc/init.d/ninetd", "/etc/default/ninetd", "/usr/sbin/ninetd"]:
        assert not scratch.exists(gone), gone
    assert scratch.rc_links() == []
    assert not scratch.exists(WANTS)
    assert f"127.0.0.1:{second}" in scratch.read("/etc/inetd.conf")


def test_example_policy_rc_d_makes_update_inetds_restart_a_reload(deb, scratch):
    """The example policy for systemd machines, checked where it can be: invoke-rc.d (which
    consults it before either init system's branch) runs reload where restart was asked."""
    quiet_dpkg(scratch, "-i", deb)
    scratch.run("cp", "/usr/share/doc/ninetd/examples/policy-rc.d", "/usr/sbin/policy-rc.d")
    first, second = free_port(), free_port()
    scratch.run("update-inetd", "--add", cat_line(first))  # a start, which it allows
    pid = wait_until(scratch.daemon_pid, what="the pid file")
    r = scratch.run("update-inetd", "--add", cat_line(second))
    assert 'invoke-rc.d: executing action "reload" instead due to policy-rc.d request.' in \
        r.stderr, r.stderr
    wait_until(lambda: not refused(second), what="the added service to listen")
    assert answers(first) and answers(second) and scratch.daemon_pid() == pid
    # Other packages' scripts, and ninetd's own stop, are left alone.
    assert scratch.run("/usr/sbin/policy-rc.d", "rsync", "restart", check=False).returncode == 104
    quiet_dpkg(scratch, "--purge", "ninetd")
    assert not pid_alive(pid)


def test_purge_removes_an_inetd_conf_that_enables_nothing(deb, scratch):
    scratch.run("dpkg", "-i", deb)
    assert scratch.exists("/etc/inetd.conf")
    # The postinst run again changes nothing and, with no service enabled, starts nothing.
    before = scratch.read("/etc/inetd.conf")
    scratch.run("/var/lib/dpkg/info/ninetd.postinst", "configure", "0.1.0")
    assert scratch.read("/etc/inetd.conf") == before
    assert scratch.daemon_pid() is None
    # A service in the drop-in directory alone is one the init script starts the daemon for:
    # it asks the daemon's own check, not a grep of inetd.conf.
    port = free_port()
    scratch.run("sh", "-c", f"mkdir -p /etc/inetd.d && echo '{cat_line(port)}' > /etc/inetd.d/x")
    scratch.run("invoke-rc.d", "ninetd", "start")
    assert answers(port)
    pid = wait_until(scratch.daemon_pid, what="the pid file")
    scratch.run("sh", "-c", "rm /etc/inetd.d/x")
    scratch.run("dpkg", "--purge", "ninetd")
    assert not pid_alive(pid) and refused(port)
    assert not scratch.exists("/etc/inetd.conf")
    assert not scratch.exists("/usr/lib/systemd/system/ninetd.service")
