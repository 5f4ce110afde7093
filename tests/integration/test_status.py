"""`ninetd --status`, `--metrics` and the metrics builtin against a running daemon with known
traffic: the counts must match exactly, the metrics must pass Prometheus' own checker
(promtool), and the control socket must answer root alone and never be put where another user
could replace it."""
import calendar
import os
import re
import shutil
import socket
import stat
import subprocess
import time

import pytest

from conftest import NINETD, exchange_from, free_port, read_to_eof, tcp_exchange, wait_until

PROMTOOL = shutil.which("promtool")


def query(control, *args, user=None):
    """Runs `ninetd ARGS --control CONTROL`; `user`: as that uid and gid (a copy of the
    binary the user can run is given by the caller through `args[0]`)."""
    binary, rest = (args[0], args[1:]) if user is not None else (NINETD, args)

    def become():
        os.setgid(user)
        os.setuid(user)

    return subprocess.run([binary, *rest, "--control", control], capture_output=True, text=True,
                          timeout=30, preexec_fn=become if user is not None else None)


def start_with_control(daemon, conf, control, *args):
    """Starts the daemon and waits for its control socket, which it opens once the first
    load is applied (just after its "started:" line)."""
    daemon.start(conf, args=(*args, "--control", control))

    def answers():
        with socket.socket(socket.AF_UNIX) as probe:
            try:
                probe.connect(control)
                return True
            except OSError:
                return False

    wait_until(answers, what="the control socket")
    return daemon


def status_rows(text):
    """The table's rows by service name: the columns as strings."""
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("SERVICE "))
    rows = {}
    for line in lines[header + 1:]:
        if not line:  # the deny list follows the table
            break
        name, address, rest = line.split(None, 2)
        # The state may hold spaces; the four counts and WHY follow it.
        m = re.match(r"(.*?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S+)$", rest)
        assert m, line
        rows[name] = {"address": address, "state": m.group(1), "children": int(m.group(2)),
                      "served": int(m.group(3)), "failed": int(m.group(4)),
                      "refused": int(m.group(5)), "why": m.group(6)}
    return rows


def metric_values(text):
    """{(name, frozenset(labels)): value} for every sample."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r'^([a-z_]+)(?:\{(.*)\})? (\S+)$', line)
        assert m, line
        labels = frozenset(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        samples[(m.group(1), labels)] = float(m.group(3))
    return samples


def promtool_check(text):
    if PROMTOOL is None:
        pytest.fail("promtool is missing: scripts/deps installs Debian's prometheus package")
    r = subprocess.run([PROMTOOL, "check", "metrics"], input=text, capture_output=True,
                       text=True, timeout=60)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", ""), r


@pytest.fixture
def traffic(ninetd, tmp_path):
    """A daemon with a control socket, and a known history: three connections to cat, one
    refused by echo's deny list (twice: an allow list refuses the other), two to a server that
    cannot be started, one reload."""
    control = str(tmp_path / "run" / "control")
    ports = {name: free_port() for name in ("cat", "echo", "bad", "metrics")}
    conf = (f"127.0.0.1:{ports['cat']} stream tcp nowait nobody /bin/cat cat\n"
            f"echo on bind = 127.0.0.1, port = {ports['echo']}, protocol = tcp, "
            f"user = nobody, deny = 127.0.0.0/8;\n"
            f"127.0.0.1:{ports['bad']} stream tcp nowait root /nonexistent/server server\n"
            f"127.0.0.1:{ports['metrics']} stream tcp nowait root internal metrics\n")
    start_with_control(ninetd, conf, control, "-l")
    for i in range(3):
        assert tcp_exchange(ports["cat"], b"line %d\n" % i) == b"line %d\n" % i
    for _ in range(2):
        assert tcp_exchange(ports["echo"]) == b""
        assert tcp_exchange(ports["bad"]) == b""
    ninetd.reload()
    names = {"cat": f"{ports['cat']}/tcp", "echo": "echo/tcp", "bad": f"{ports['bad']}/tcp",
             "metrics": f"{ports['metrics']}/tcp"}

    def settled():
        r = query(control, "--status")
        rows = status_rows(r.stdout) if r.returncode == 0 else {}
        return (rows.get(names["bad"], {}).get("failed") == 2 and
                all(row["children"] == 0 for row in rows.values()))

    wait_until(settled, what="the servers to be reaped")
    return ninetd, control, ports, names


def test_the_table_counts_what_happened(traffic):
    ninetd, control, ports, names = traffic
    r = query(control, "--status")
    assert r.returncode == 0 and r.stderr == ""
    first, second = r.stdout.splitlines()[:2]
    assert re.fullmatch(rf"ninetd \S+, pid {ninetd.pid}, up \d+m \d\ds", first), first
    assert second == "4 services, 0 servers running, 0 in-loop sessions; 1 reloads"
    rows = status_rows(r.stdout)
    assert rows[names["cat"]] == {"address": f"127.0.0.1:{ports['cat']}", "state": "listening",
                                  "children": 0, "served": 3, "failed": 0, "refused": 0,
                                  "why": "-"}
    assert rows[names["echo"]] == {"address": f"127.0.0.1:{ports['echo']}",
                                   "state": "listening", "children": 0, "served": 2,
                                   "failed": 0, "refused": 2, "why": "access=2"}
    assert rows[names["bad"]]["served"] == 2 and rows[names["bad"]]["failed"] == 2
    assert rows[names["metrics"]]["served"] == 0


def test_one_service_in_detail_with_its_events(traffic):
    _, control, ports, names = traffic
    r = query(control, "--status", names["cat"])
    assert r.returncode == 0, r
    text = r.stdout
    assert text.startswith(f"{names['cat']}\n  address          127.0.0.1:{ports['cat']} "
                           f"(stream/tcp)\n  state            listening\n"), text
    assert "  server           stream, nowait, /bin/cat\n" in text
    assert "  connections      3\n" in text and "  refused          0 (-)\n" in text
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
    started = re.findall(rf"^    {stamp} started pid=(\d+) peer=127\.0\.0\.1:\d+$", text, re.M)
    exited = re.findall(rf"^    {stamp} exited pid=(\d+) status=0 duration_ms=\d+$", text, re.M)
    assert len(started) == 3 and sorted(started) == sorted(exited), text

    # A name without its protocol names the service too; refusals carry the client.
    r = query(control, "--status", "echo")
    assert r.returncode == 0, r
    assert "  refused          2 (access=2)\n" in r.stdout
    assert len(re.findall(rf"^    {stamp} refused reason=access peer=127\.0\.0\.1:\d+$",
                          r.stdout, re.M)) == 2, r.stdout

    r = query(control, "--status", names["bad"])
    assert len(re.findall(rf'^    {stamp} launch_failed pid=\d+ error="No such file or '
                          rf'directory"$', r.stdout, re.M)) == 2, r.stdout

    r = query(control, "--status", "nosuch")
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr == ('ninetd: no service is named "nosuch" (names are as --status lists '
                        'them)\n')


def test_metrics_pass_promtool_and_match_the_traffic(traffic):
    _, control, ports, names = traffic
    r = query(control, "--metrics")
    assert r.returncode == 0 and r.stderr == ""
    promtool_check(r.stdout)
    samples = metric_values(r.stdout)

    def of(metric, service, **labels):
        address = f"127.0.0.1:{ports[service]}"
        key = frozenset({("service", names[service]), ("address", address), *labels.items()})
        return samples[(metric, key)]

    assert of("ninetd_service_connections_total", "cat") == 3
    assert of("ninetd_service_connections_total", "echo") == 2
    assert of("ninetd_service_refused_total", "echo", reason="access") == 2
    assert of("ninetd_service_refused_total", "echo", reason="per_source_rate") == 0
    assert of("ninetd_service_launch_failures_total", "bad") == 2
    assert of("ninetd_service_children", "cat") == 0
    assert of("ninetd_service_state", "cat", state="listening") == 1
    assert samples[("ninetd_reloads_total", frozenset())] == 1
    assert samples[("ninetd_services", frozenset())] == 4
    # Every counter family is named *_total, every family has HELP and TYPE.
    types = dict(re.findall(r"^# TYPE (\S+) (\S+)$", r.stdout, re.M))
    helps = set(re.findall(r"^# HELP (\S+) ", r.stdout, re.M))
    assert set(types) == helps
    assert all(name.endswith("_total") == (kind == "counter") for name, kind in types.items())


def http(port, request):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(request)
        return read_to_eof(s)


def test_the_metrics_builtin_speaks_http(traffic):
    _, control, ports, names = traffic
    answer = http(ports["metrics"], b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "HTTP/1.0 200 OK"
    assert "Content-Type: text/plain; version=0.0.4; charset=utf-8" in lines
    assert f"Content-Length: {len(body)}" in lines
    promtool_check(body.decode())
    samples = metric_values(body.decode())
    cat = frozenset({("service", names["cat"]), ("address", f"127.0.0.1:{ports['cat']}")})
    assert samples[("ninetd_service_connections_total", cat)] == 3
    # The scrape itself is a connection of the metrics service, counted before the answer.
    me = frozenset({("service", names["metrics"]),
                    ("address", f"127.0.0.1:{ports['metrics']}")})
    assert samples[("ninetd_service_connections_total", me)] == 1

    head_only = http(ports["metrics"], b"HEAD /metrics HTTP/1.0\r\n\r\n")
    assert head_only.startswith(b"HTTP/1.0 200 OK\r\n") and head_only.endswith(b"\r\n\r\n")
    assert http(ports["metrics"], b"GET /other HTTP/1.0\r\n\r\n").startswith(
        b"HTTP/1.0 404 Not Found\r\n")
    assert http(ports["metrics"], b"POST /metrics HTTP/1.0\r\n\r\n").startswith(
        b"HTTP/1.0 405 Method Not Allowed\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Length: 30\r\nAllow: GET, HEAD\r\n")
    assert http(ports["metrics"], b"hello\r\n\r\n").startswith(b"HTTP/1.0 400 Bad Request\r\n")
    # A head that never ends is cut at 4 KiB, not held.
    assert http(ports["metrics"], b"GET /metrics HTTP/1.0\r\n" + b"X: y\r\n" * 1000).startswith(
        b"HTTP/1.0 400 Bad Request\r\n")


def test_the_socket_answers_root_alone(ninetd, pubdir):
    port = free_port()
    # Under a directory every user can search (pytest's own are root's alone).
    control = os.path.join(pubdir, "run", "control")
    start_with_control(ninetd, f"127.0.0.1:{port} stream tcp nowait root internal echo\n",
                       control)
    assert stat.S_ISSOCK(os.lstat(control).st_mode)
    assert stat.S_IMODE(os.lstat(control).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(control)).st_mode) == 0o755
    binary = shutil.copy(NINETD, os.path.join(pubdir, "ninetd"))
    nobody = 65534
    r = query(control, binary, "--status", user=nobody)
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr == f"ninetd: cannot ask the daemon at {control}: Permission denied\n"
    # With its mode opened up by hand, the daemon still checks who asks.
    os.chmod(control, 0o666)
    r = query(control, binary, "--status", user=nobody)
    assert (r.returncode, r.stdout, r.stderr) == (1, "", "ninetd: only root may ask\n")
    assert query(control, "--status").returncode == 0
    assert tcp_exchange(port, b"fine\n") == b"fine\n"


def test_bad_requests_are_answered_and_bounded(traffic):
    ninetd, control, ports, _ = traffic

    def ask(data):
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(30)
            s.connect(control)
            s.sendall(data)
            return read_to_eof(s)

    assert ask(b"reboot\n") == (b'error unknown request (expected "status", "status SERVICE" '
                                b'or "metrics")\n')
    assert ask(b"x" * 300) == b"error request too long\n"
    assert ask(b"status \x1b[2J\n").startswith(b"error requests are words of printable ASCII")
    # Silent clients hold at most eight places; the ninth is closed at once, and the daemon
    # serves as before.
    silent = []
    try:
        for _ in range(8):
            s = socket.socket(socket.AF_UNIX)
            s.connect(control)
            silent.append(s)
        assert query(control, "--status", "echo").stdout == ""
        assert tcp_exchange(ports["cat"], b"still\n") == b"still\n"
    finally:
        for s in silent:
            s.close()
    wait_until(lambda: query(control, "--status").returncode == 0, what="places to free up")
    assert ninetd.alive()


def test_unsafe_places_are_refused_and_the_daemon_serves(ninetd, tmp_path):
    port = free_port()
    conf = f"127.0.0.1:{port} stream tcp nowait root internal echo\n"
    open_dir = tmp_path / "open"
    open_dir.mkdir()
    os.chmod(open_dir, 0o777)
    control = str(open_dir / "control")
    ninetd.start(conf, args=("--control", control))
    ninetd.wait_log(f"error: control socket: {open_dir} is writable by others (mode 0777): "
                    f"another user could replace the socket; --status and --metrics cannot "
                    f"reach this daemon\n")
    assert tcp_exchange(port, b"served\n") == b"served\n"
    assert not os.path.exists(control)
    ninetd.stop()

    # A file, or a symlink, where the socket would go is left as it is.
    safe = tmp_path / "safe"
    safe.mkdir()
    target = tmp_path / "precious"
    target.write_text("keep me\n")
    for make in (lambda p: p.write_text("a file\n"), lambda p: p.symlink_to(target)):
        path = safe / "control"
        make(path)
        mark = ninetd.mark()
        ninetd.start(None, args=("--control", str(path)))
        ninetd.wait_log(f"error: control socket: {path} exists and is not a socket; not "
                        f"replaced;", since=mark)
        assert tcp_exchange(port, b"ok\n") == b"ok\n"
        ninetd.stop()
        assert path.is_symlink() or path.read_text() == "a file\n"
        path.unlink()
    assert target.read_text() == "keep me\n"


def test_a_second_daemon_leaves_the_first_ones_socket(ninetd, tmp_path, request):
    from conftest import Daemon
    control = str(tmp_path / "control")
    first_port, second_port = free_port(), free_port()
    start_with_control(ninetd, f"127.0.0.1:{first_port} stream tcp nowait root internal echo\n",
                       control)
    second = Daemon(tmp_path / "second")
    os.mkdir(second.workdir)
    request.addfinalizer(lambda: second.alive() and second.stop())
    second.start(f"127.0.0.1:{second_port} stream tcp nowait root internal echo\n",
                 args=("--control", control))
    second.wait_log(f"error: control socket: another ninetd answers on {control};")
    r = query(control, "--status")
    assert f", pid {ninetd.pid}, " in r.stdout.splitlines()[0]
    second.stop()
    # The second daemon's stop removed nothing: the first one's socket still answers.
    assert query(control, "--status").returncode == 0
    ninetd.stop()
    assert not os.path.exists(control)


def test_no_daemon_to_ask(tmp_path):
    control = str(tmp_path / "control")
    r = query(control, "--status")
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr == (f"ninetd: cannot ask the daemon at {control}: No such file or "
                        f"directory (is ninetd running, with this control socket? see "
                        f"--control)\n")
    r = subprocess.run([NINETD, "--metrics", "extra"], capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.startswith('ninetd: unexpected argument "extra"\n')


def test_a_running_server_is_in_the_table(traffic):
    _, control, ports, names = traffic
    with socket.create_connection(("127.0.0.1", ports["cat"]), timeout=30) as s:
        wait_until(lambda: status_rows(query(control, "--status").stdout)[names["cat"]]
                   ["children"] == 1, what="cat to run")
        r = query(control, "--status")
        assert "\n4 services, 1 servers running, 0 in-loop sessions; 1 reloads\n" in r.stdout
        s.sendall(b"bye\n")
        assert s.recv(10) == b"bye\n"


def test_no_peer_addresses_keeps_them_out_of_the_events(ninetd, tmp_path):
    control = str(tmp_path / "control")
    port = free_port()
    start_with_control(ninetd, f"127.0.0.1:{port} stream tcp nowait nobody /bin/cat cat\n",
                       control, "--no-peer-addresses")
    assert tcp_exchange(port, b"x\n") == b"x\n"
    wait_until(lambda: "exited pid=" in query(control, "--status", f"{port}/tcp").stdout,
               what="the exit to be recorded")
    text = query(control, "--status", f"{port}/tcp").stdout
    assert re.search(r"started pid=\d+\n", text), text
    assert "127.0.0.1:" not in text.split("recent events")[1]


@pytest.mark.parametrize("peers", [True, False])
def test_the_deny_list_is_shown(ninetd, tmp_path, peers):
    """The addresses the sensors listed follow the table, with when each is let in again, and
    their count is a metric; --no-peer-addresses leaves the count alone."""
    control = str(tmp_path / "control")
    timed, forever, served = free_port(), free_port(), free_port()
    conf = (f"127.0.0.1:{timed} stream tcp nowait root internal sensor 10\n"
            f"127.0.0.1:{forever} stream tcp nowait root internal sensor FOREVER\n"
            f"127.0.0.1:{served} stream tcp nowait nobody /bin/cat cat\n")
    start_with_control(ninetd, conf, control, *(() if peers else ("--no-peer-addresses",)))
    assert "deny list" not in query(control, "--status").stdout
    assert exchange_from("127.0.0.3", timed) == b""
    assert exchange_from("127.0.0.2", forever) == b""
    ninetd.wait_log("listed=2\n")
    assert exchange_from("127.0.0.2", served) == b""
    r = query(control, "--status")
    assert r.returncode == 0, r.stderr
    table, deny_list = r.stdout.split("\n\n")
    assert status_rows(table)[f"{served}/tcp"]["why"] == "deny_list=1"
    lines = deny_list.splitlines()
    assert lines[0] == "deny list (sensors): 2 of at most 10240 addresses refused"
    if peers:
        assert lines[1] == "  127.0.0.2  for ever"
        m = re.fullmatch(r"  127\.0\.0\.3  until (\S+)\.000Z", lines[2])
        assert m, lines
        # Let in again ten minutes after the touch: later than now, and no later than ten
        # minutes from now.
        left = calendar.timegm(time.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")) - time.time()
        assert 0 < left <= 601, left
        assert len(lines) == 3, lines
    else:
        assert lines[1:] == ["  (addresses not shown: --no-peer-addresses)"]
    metrics = metric_values(query(control, "--metrics").stdout)
    assert metrics[("ninetd_deny_list_addresses", frozenset())] == 2
