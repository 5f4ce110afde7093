"""Harness for the integration tests: runs the real ninetd on loopback ports.

`ninetd` (fixture) gives a Daemon that a test starts with its own configuration text. The daemon
runs as `ninetd -d -l -p <tmp>/ninetd.pid <conf>` with stderr in a file, so tests assert on its
exact log lines. Teardown sends SIGTERM to that daemon's pid only, and kills by pid the servers
it had started that are still alive. No timing thresholds: every wait polls a condition, and the
timeouts are only failure guards.
"""
import atexit
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
BUILT_NINETD = os.path.abspath(os.environ.get("NINETD_BIN") or
                               os.path.join(HERE, "../../build/ninetd"))


def _private_copy(binary):
    """The suite runs its own copy of the daemon: on a shared machine the build tree may be
    relinked in the middle of a run (a half-written or non-executable file). The copy is made
    once, and checked with `ninetd -V`; a relink in progress is waited out (failure guard)."""
    directory = tempfile.mkdtemp(prefix="ninetd-bin-")
    atexit.register(shutil.rmtree, directory, True)
    copy = os.path.join(directory, "ninetd")
    deadline = time.monotonic() + 120
    while True:
        try:
            shutil.copy2(binary, copy)
            os.chmod(copy, 0o755)
            r = subprocess.run([copy, "-V"], capture_output=True, text=True, timeout=30)
            if r.returncode == 0 and r.stdout.startswith("ninetd "):
                return copy
            problem = f"-V gave {r.returncode}: {r.stdout!r} {r.stderr!r}"
        except OSError as e:
            problem = repr(e)
        if time.monotonic() > deadline:
            raise RuntimeError(f"cannot use {binary}: {problem}")
        time.sleep(1)


NINETD = _private_copy(BUILT_NINETD)

DAYTIME_RE = re.compile(rb"^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d \d{4}\r\n$")

# Failure guards only: a healthy run never waits this long.
TIMEOUT = 30.0

_ports_handed_out = set()
_ports_lock = threading.Lock()


def free_port(host="127.0.0.1"):
    """A port free on `host` for both TCP and UDP, never handed out twice in this run."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for _ in range(200):
        with socket.socket(family, socket.SOCK_STREAM) as t:
            t.bind((host, 0))
            port = t.getsockname()[1]
            try:
                with socket.socket(family, socket.SOCK_DGRAM) as u:
                    u.bind((host, port))
            except OSError:
                continue
        with _ports_lock:
            if port in _ports_handed_out:
                continue
            _ports_handed_out.add(port)
        return port
    raise RuntimeError("no free port found")


def ipv6_available():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def require_ipv6():
    """Fails, never skips, where ::1 cannot be bound: every host the suite runs on (the fresh
    minbase chroot of scripts/test included, which shares the host's network) has an IPv6
    loopback, so a test that needs it must not pass silently where it went missing."""
    assert ipv6_available(), "no IPv6 loopback (::1): the IPv6 tests need one"


_PRIVATE_MOUNTS = None


def private_mounts_available():
    """True when a new mount namespace can be made private (`unshare --mount --propagation
    private`). In a chroot whose / is not a mount point (scripts/test on a fresh debootstrap
    tree) it cannot, and a bind mount made there would propagate to the host instead: the
    tests that mount files of their own over /etc skip there."""
    global _PRIVATE_MOUNTS
    if _PRIVATE_MOUNTS is None:
        try:
            _PRIVATE_MOUNTS = subprocess.run(
                ["unshare", "--mount", "--propagation", "private", "true"],
                capture_output=True, timeout=TIMEOUT).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            _PRIVATE_MOUNTS = False
    return _PRIVATE_MOUNTS


NO_PRIVATE_MOUNTS = "a private mount namespace cannot be made here (/ is not a mount point)"


def wait_until(predicate, timeout=TIMEOUT, what="condition", interval=0.02):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def pid_alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except OSError:
        return False


def _proc_stat(pid):
    """Fields of /proc/PID/stat after the command name (state is [0], ppid [1], session [3],
    starttime [19]), or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def children_of(pid):
    """Pids whose parent is `pid` (from /proc)."""
    result = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            result.append(int(entry))
    return result


def descendants_of(pid):
    found, todo = [], [pid]
    while todo:
        for child in children_of(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


def fd_table(pid):
    """{fd: target} of a process, from /proc/PID/fd."""
    table = {}
    path = f"/proc/{pid}/fd"
    for entry in os.listdir(path):
        try:
            table[int(entry)] = os.readlink(os.path.join(path, entry))
        except OSError:
            pass
    return table


# ---------------------------------------------------------------- clients

def tcp_exchange(port, data=b"", host="127.0.0.1", timeout=TIMEOUT, shutdown=True):
    """Connect, send `data`, close the sending side, read until EOF; returns all bytes read."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect((host, port))
        if data:
            s.sendall(data)
        if shutdown:
            s.shutdown(socket.SHUT_WR)
        return read_to_eof(s)


def exchange_from(source, port, data=b"hello\n", dest="127.0.0.1"):
    """Connects from the address `source`, sends `data`, half-closes; returns what comes back
    before EOF, b"" when the connection is closed or reset unanswered (a refused client)."""
    family = socket.AF_INET6 if ":" in dest else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(TIMEOUT)
        s.bind((source, 0))
        s.connect((dest, port))
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            return read_to_eof(s)
        except OSError:
            return b""


def lines_of(path):
    """The lines of a file a test's server appends to; none while it does not exist."""
    try:
        with open(path) as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


def processes_named(pid, name, among=None):
    """The processes below `pid` whose name (/proc/PID/comm) is `name`: the daemon's helpers."""
    found = []
    for child in (among or descendants_of)(pid):
        try:
            with open(f"/proc/{child}/comm") as f:
                if f.read().strip() == name:
                    found.append(child)
        except OSError:
            pass
    return found


def refused(port, host="127.0.0.1"):
    """True when nothing listens on the port (the connection is refused). A reset means the
    client was queued on a listener that closed under it: something listened when it connected,
    so it is not refused yet, and a wait_until asks again."""
    try:
        tcp_exchange(port, host=host)
    except ConnectionRefusedError:
        return True
    except ConnectionResetError:
        return False
    return False


def read_to_eof(s):
    chunks = []
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def read_exactly(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise AssertionError(f"connection closed after {len(buf)} of {n} bytes: {buf!r}")
        buf += chunk
    return buf


def read_line(s):
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = s.recv(1)
        if not chunk:
            raise AssertionError(f"connection closed in the middle of a line: {buf!r}")
        buf += chunk
    return buf


def closed_unanswered(s):
    """True when the daemon closed the connection without a reply: end of file, or a reset
    when the client's bytes were still unread at the close."""
    try:
        return read_to_eof(s) == b""
    except ConnectionResetError:
        return True


def trickle_until_closed(port, byte=b"x", host="127.0.0.1"):
    """Send one byte every 0.1 s until the daemon closes the connection; returns how many were
    sent, or None if it was still open at the failure guard."""
    with socket.create_connection((host, port), timeout=TIMEOUT) as s:
        s.settimeout(0.1)
        sent = 0
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                s.sendall(byte)
                sent += 1
                if s.recv(100) == b"":
                    return sent
            except socket.timeout:
                pass
            except (BrokenPipeError, ConnectionResetError):
                return sent
        return None


def udp_socket(host="127.0.0.1", bind_port=0, timeout=TIMEOUT):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.bind((host, bind_port))
    s.settimeout(timeout)
    return s


def udp_exchange(port, data, host="127.0.0.1", timeout=TIMEOUT):
    with udp_socket(host, timeout=timeout) as s:
        s.sendto(data, (host, port))
        reply, source = s.recvfrom(65536)
        assert source[1] == port
        return reply


def nothing_pending(sock):
    """True when no datagram or byte is queued on `sock` (does not wait)."""
    timeout = sock.gettimeout()
    sock.setblocking(False)
    try:
        sock.recv(65536)
    except BlockingIOError:
        return True
    finally:
        sock.settimeout(timeout)
    return False


# ---------------------------------------------------------------- real clients

def git(*args, cwd=None):
    """Runs git with a fixed identity and no system configuration; fails on non-zero."""
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org",
               GIT_CONFIG_NOSYSTEM="1", HOME=cwd or "/tmp")
    r = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, (args, r.stdout, r.stderr)
    return r


def tftp_get(port, name, dest):
    """Fetches `name` with tftp-hpa's client in binary mode into `dest`."""
    r = subprocess.run(["tftp", "-m", "binary", "127.0.0.1", str(port), "-c", "get", name,
                        str(dest)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, (r.stdout, r.stderr)
    return r


# ---------------------------------------------------------------- the daemon

class Daemon:
    def __init__(self, workdir):
        self.workdir = str(workdir)
        self.conf = os.path.join(self.workdir, "inetd.conf")
        self.pidfile = os.path.join(self.workdir, "ninetd.pid")
        self.logfile = os.path.join(self.workdir, "ninetd.log")
        self.proc = None
        self.returncode = None
        self._log_handle = None
        self._seen_children = set()
        self._start_ticks = 0

    # -- lifecycle
    def start(self, conf_text=None, *, expect=(), args=("-l",), cwd=None, conf=None,
              wait_started=True, preexec_fn=None, pass_fds=(), wrapper=(), timeout=TIMEOUT,
              xinetd=False):
        """Starts the daemon on `conf_text` and waits for "started:" and every `expect` text.
        `wrapper` goes before the daemon's command (valgrind and its options); `xinetd`
        gives the file with -x, as xinetd.conf."""
        if conf is not None:
            self.conf = conf
        if conf_text is not None:
            self.write_conf(conf_text)
        self._log_handle = open(self.logfile, "ab")
        cmd = [*wrapper, NINETD, "-d", *args, "-p", self.pidfile, *(["-x"] if xinetd else []),
               self.conf]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._log_handle,
                                     stderr=self._log_handle, cwd=cwd or self.workdir,
                                     preexec_fn=preexec_fn, pass_fds=pass_fds)
        stat = _proc_stat(self.proc.pid)
        self._start_ticks = int(stat[19]) if stat else 0
        if wait_started:
            self.wait_log("notice: started: ", what="the daemon to start", timeout=timeout)
            # The daemon logs "started:" as its first load is applied and writes the pid file
            # after that: a test that reads the file, or starts a second daemon that names its
            # holder from it, waits for the whole line.
            wait_until(lambda: self.pid_written() or not self.alive(), timeout,
                       "the pid file to be written")
            for text in expect:
                assert text in self.log(), f"missing log text {text!r}; log:\n{self.log()}"
        return self

    @property
    def pid(self):
        return self.proc.pid

    def pid_written(self):
        """True when the pid file holds this daemon's pid and its newline (every wrapper
        execs the daemon, so its pid is the one started)."""
        try:
            with open(self.pidfile) as f:
                return f.read() == f"{self.proc.pid}\n"
        except FileNotFoundError:
            return False

    def write_conf(self, text):
        tmp = self.conf + ".new"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, self.conf)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig):
        assert self.alive(), f"daemon is not running; log:\n{self.log()}"
        os.kill(self.proc.pid, sig)

    def stop(self, timeout=TIMEOUT):
        """SIGTERM to our daemon; returns its exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.remember_children()
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout)
                raise AssertionError(f"daemon ignored SIGTERM; log:\n{self.log()}")
        self.returncode = self.proc.returncode
        if self._log_handle:
            self._log_handle.close()
            self._log_handle = None
        return self.returncode

    def remember_children(self):
        if self.alive():
            self._seen_children.update(descendants_of(self.proc.pid))

    def kill_leftovers(self):
        # Servers the log names ("start pid=N") that still lead their own process group
        # (ninetd's children call setpgid, or setsid) and started after the daemon did.
        try:
            for match in re.finditer(r": start pid=(\d+)\b", self.log()):
                pid = int(match.group(1))
                stat = _proc_stat(pid)
                if stat and int(stat[2]) == pid and int(stat[19]) >= self._start_ticks:
                    self._seen_children.add(pid)
        except OSError:
            pass
        for pid in self._seen_children:
            if pid_alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass

    # -- log
    def log(self):
        with open(self.logfile, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def mark(self):
        """A position in the log; wait_log(since=mark) only looks at what came after it."""
        return len(self.log())

    def wait_log(self, pattern, since=0, timeout=TIMEOUT, what=None, regex=False):
        """Waits for `pattern` (a substring, or a regex with regex=True) in the log after
        `since`; returns the match (re.Match) or the full line containing the substring."""
        def look():
            text = self.log()[since:]
            if regex:
                return re.search(pattern, text, re.M)
            index = text.find(pattern)
            if index < 0:
                return None
            start = text.rfind("\n", 0, index) + 1
            end = text.find("\n", index)
            return text[start:end if end >= 0 else len(text)]

        deadline = time.monotonic() + timeout
        while True:
            found = look()
            if found:
                return found
            if self.proc is not None and self.proc.poll() is not None:
                found = look()
                if found:
                    return found
                raise AssertionError(
                    f"daemon exited with status {self.proc.returncode} while waiting for "
                    f"{what or pattern!r}; log:\n{self.log()}")
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out waiting for {what or pattern!r}; log:\n{self.log()}")
            time.sleep(0.02)

    def reload(self, conf_text=None, timeout=TIMEOUT):
        """Writes `conf_text` (if given), SIGHUP, waits for the reload's outcome; returns the log
        written by this reload."""
        if conf_text is not None:
            self.write_conf(conf_text)
        since = self.mark()
        self.signal(signal.SIGHUP)
        self.wait_log(r"notice: reloaded: |error: reload failed", since=since, regex=True,
                      timeout=timeout, what="the reload to finish")
        return self.log()[since:]

    def dump(self, timeout=TIMEOUT):
        """SIGUSR1; returns ({service line prefix: {counter: n}}, header line)."""
        since = self.mark()
        self.signal(signal.SIGUSR1)
        header = self.wait_log(r"notice: (\d+) services?, .* refused (\d+)\n", since=since,
                               regex=True, timeout=timeout, what="the table dump")
        count = int(header.group(1))
        pattern = re.compile(r"notice: (\S+): (.*): (connections=\d+ children=\d+ "
                             r"spawn_failures=\d+ refused=\d+ by_access=\d+)\n")

        def rows():
            text = self.log()[since + header.end():]
            found = pattern.findall(text)
            return found if len(found) >= count else None

        found = wait_until(rows, timeout, "all rows of the table dump")[:count]
        table = {}
        for name, where, counters in found:
            values = {k: int(v) for k, v in (c.split("=") for c in counters.split())}
            table.setdefault(name, []).append((where, values))
        return table, header.group(0)


# What ASan, LeakSanitizer and UBSan write on stderr, which is the daemon's log, when they find
# something (in the daemon or in its configuration loader, which writes to the same stderr).
SANITIZER_REPORT_RE = re.compile(r"^==\d+==ERROR: |: runtime error: ", re.M)

# scripts/test's second stage runs this suite against a daemon built with ASan and UBSan.
SANITIZED = os.environ.get("NINETD_SANITIZED") == "1"


@pytest.fixture
def ninetd(tmp_path):
    d = Daemon(tmp_path)
    yield d
    try:
        if d.alive():
            d.stop()
    finally:
        d.kill_leftovers()
    # A finding aborts the process that made it, which a test may not notice (a loader child
    # dies, a reload fails and is expected to): every test's log is read for reports.
    if os.path.exists(d.logfile):
        report = SANITIZER_REPORT_RE.search(d.log())
        assert report is None, f"sanitizer report in the daemon's log:\n{d.log()}"


@pytest.fixture
def pubdir():
    """A directory every user can read and search (pytest's tmp_path may be mode 700)."""
    path = tempfile.mkdtemp(prefix="ninetd-it-", dir="/tmp")
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def bare_repository(tmp_path, text=b"hello through ninetd\n"):
    """A repository whose one commit, "first", adds hello.txt holding `text`, cloned bare under
    tmp_path/repos; returns (base, HEAD)."""
    base, work = tmp_path / "repos", tmp_path / "work"
    base.mkdir()
    work.mkdir()
    git("init", "-q", "-b", "main", str(work))
    (work / "hello.txt").write_bytes(text)
    git("add", "hello.txt", cwd=str(work))
    git("commit", "-q", "-m", "first", cwd=str(work))
    git("clone", "-q", "--bare", str(work), str(base / "repo.git"))
    head = git("rev-parse", "HEAD", cwd=str(work)).stdout.strip()
    return base, head


def write_script(directory, name, text, mode=0o755):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


TEST_USER = "ninetd-test"
TEST_GROUPS = ("ninetd-g1", "ninetd-g2")


@pytest.fixture(scope="session")
def test_user():
    """A user in two supplementary groups, created once if missing (left in place)."""
    import grp
    import pwd
    for g in TEST_GROUPS:
        try:
            grp.getgrnam(g)
        except KeyError:
            subprocess.run(["groupadd", g], check=True, capture_output=True)
    try:
        pwd.getpwnam(TEST_USER)
    except KeyError:
        subprocess.run(["useradd", "-M", "-s", "/usr/sbin/nologin", "-G", ",".join(TEST_GROUPS),
                        TEST_USER], check=True, capture_output=True)
    for g in TEST_GROUPS:
        if TEST_USER not in grp.getgrnam(g).gr_mem:
            subprocess.run(["usermod", "-a", "-G", g, TEST_USER], check=True,
                           capture_output=True)
    entry = pwd.getpwnam(TEST_USER)
    return {"name": TEST_USER, "uid": entry.pw_uid, "gid": entry.pw_gid,
            "groups": [grp.getgrnam(g).gr_gid for g in TEST_GROUPS]}
