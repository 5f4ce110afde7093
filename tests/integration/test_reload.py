"""SIGHUP reload: services added, changed and removed while clients keep using the unchanged
ones; a broken line keeps the old definition; an unreadable file keeps everything."""
import os
import re
import signal
import threading

import pytest

from conftest import (TIMEOUT, free_port, pid_alive, refused, tcp_exchange, wait_until,
                      write_script)


class Hammer:
    """Threads connecting to services in a loop, each checking the full reply."""

    def __init__(self, targets):
        self.targets = targets  # [(port, make_payload)]
        self.stop = threading.Event()
        self.ok = 0
        self.failures = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(port,)) for port in targets]

    def run(self, port):
        n = 0
        while not self.stop.is_set():
            n += 1
            payload = f"{port} request {n}\n".encode() + os.urandom(64)
            try:
                reply = tcp_exchange(port, payload)
                error = None if reply == payload else f"wrong reply {reply!r} for {payload!r}"
            except OSError as e:
                error = repr(e)
            with self.lock:
                if error:
                    self.failures.append((port, n, error))
                else:
                    self.ok += 1

    def count(self):
        with self.lock:
            return self.ok

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(TIMEOUT)


def conf_text(ports, services):
    lines = [f"127.0.0.1:{ports['cat']} stream tcp nowait nobody /bin/cat cat",
             f"127.0.0.1:{ports['echo']} stream tcp nowait root internal echo"]
    for name, line in services.items():
        lines.append(f"127.0.0.1:{ports[name]} {line}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def ports():
    return {name: free_port() for name in ("cat", "echo", "b", "c", "d")}


def test_reload_add_change_remove_under_load(ninetd, ports):
    before = conf_text(ports, {
        "b": "stream tcp nowait nobody /bin/echo echo B-one",
        "c": "stream tcp nowait nobody /bin/echo echo C"})
    after = conf_text(ports, {
        "b": "stream tcp nowait nobody /bin/echo echo B-two",
        "d": "stream tcp nowait nobody /bin/echo echo D"})
    ninetd.start(before, args=())
    assert tcp_exchange(ports["b"]) == b"B-one\n"
    assert tcp_exchange(ports["c"]) == b"C\n"
    assert refused(ports["d"])

    with Hammer([ports["cat"], ports["echo"]]) as hammer:
        for cycle in range(4):
            seen = hammer.count()
            log = ninetd.reload(after)
            assert ("notice: reloaded: 1 added, 1 removed, 1 changed, 2 unchanged, "
                    "0 kept despite errors\n") in log, log
            # ("; its running servers go on" when the last client's server is not reaped yet)
            assert f"notice: {ports['c']}/tcp: removed" in log
            assert (f"notice: {ports['b']}/tcp: changed; new connections get the new "
                    f"definition\n") in log
            assert (f"notice: {ports['d']}/tcp: listening on 127.0.0.1:{ports['d']} "
                    f"(stream, nowait, /bin/echo)\n") in log
            assert tcp_exchange(ports["b"]) == b"B-two\n"
            assert tcp_exchange(ports["d"]) == b"D\n"
            assert refused(ports["c"])

            log = ninetd.reload(before)
            assert ("notice: reloaded: 1 added, 1 removed, 1 changed, 2 unchanged, "
                    "0 kept despite errors\n") in log, log
            assert tcp_exchange(ports["b"]) == b"B-one\n"
            assert tcp_exchange(ports["c"]) == b"C\n"
            assert refused(ports["d"])
            # The clients made progress across this cycle (no stall either).
            progressed = hammer.count() > seen
            assert progressed or hammer.failures, "no client connection completed in a cycle"
    assert hammer.failures == []
    assert hammer.ok >= 8
    assert ninetd.alive()


def test_reload_broken_lines_keep_old_definitions(ninetd, ports):
    ninetd.start(conf_text(ports, {
        "b": "stream tcp nowait nobody /bin/echo echo B-one",
        "c": "stream tcp nowait nobody /bin/echo echo C-one"}), args=())
    with Hammer([ports["cat"]]) as hammer:
        log = ninetd.reload(conf_text(ports, {
            # A resolve error (unknown user) and a parse error (bad wait field); and a valid
            # new service in the same file, which is applied.
            "b": "stream tcp nowait no-such-user-ninetd /bin/echo echo B-two",
            "c": "stream tcp nowiat nobody /bin/echo echo C-two",
            "d": "stream tcp nowait nobody /bin/echo echo D"}))
    assert hammer.failures == []
    conf = ninetd.conf
    assert re.search(rf"error: {re.escape(conf)}:3:\d+: unknown user \"no-such-user-ninetd\"\n",
                     log), log
    assert re.search(rf"error: {re.escape(conf)}:4:\d+: unknown wait/nowait value \"nowiat\" ",
                     log), log
    assert (f"warning: {ports['b']}/tcp: its entry now has errors; the running definition is "
            f"kept\n") in log, log
    assert (f"warning: {ports['c']}/tcp: its entry now has errors; the running definition is "
            f"kept\n") in log, log
    assert ("notice: reloaded: 1 added, 0 removed, 0 changed, 2 unchanged, "
            "2 kept despite errors\n") in log, log
    assert tcp_exchange(ports["b"]) == b"B-one\n"
    assert tcp_exchange(ports["c"]) == b"C-one\n"
    assert tcp_exchange(ports["d"]) == b"D\n"
    assert tcp_exchange(ports["cat"], b"x\n") == b"x\n"


def test_reload_unreadable_file_keeps_everything(ninetd, ports):
    text = conf_text(ports, {"b": "stream tcp nowait nobody /bin/echo echo B-one"})
    ninetd.start(text, args=())
    os.rename(ninetd.conf, ninetd.conf + ".away")
    with Hammer([ports["cat"], ports["echo"]]) as hammer:
        log = ninetd.reload()
    assert hammer.failures == []
    assert re.search(rf"error: {re.escape(ninetd.conf)}: cannot read configuration: "
                     rf"No such file or directory\n", log), log
    assert ("error: reload failed: configuration unreadable; the running configuration is "
            "kept\n") in log, log
    assert "reloaded:" not in log and "removed" not in log
    assert tcp_exchange(ports["b"]) == b"B-one\n"
    assert tcp_exchange(ports["cat"], b"y\n") == b"y\n"
    assert tcp_exchange(ports["echo"], b"z\n") == b"z\n"
    # A directory where the file was: unreadable too.
    os.mkdir(ninetd.conf)
    log = ninetd.reload()
    assert "error: reload failed: configuration unreadable" in log, log
    assert tcp_exchange(ports["b"]) == b"B-one\n"
    # The file back, changed: the next reload applies it.
    os.rmdir(ninetd.conf)
    ninetd.write_conf(text.replace("B-one", "B-two"))
    log = ninetd.reload()
    assert ("notice: reloaded: 0 added, 0 removed, 1 changed, 2 unchanged, "
            "0 kept despite errors\n") in log, log
    assert tcp_exchange(ports["b"]) == b"B-two\n"


def test_reload_many_services_interleaved(ninetd):
    """Forty services, a reload that removes every third, changes every third and adds ten
    between them: each port then answers with its own new definition or is closed."""
    ports = [free_port() for _ in range(50)]
    old, new = ports[:40], ports[40:]

    def line(port, text):
        return f"127.0.0.1:{port} stream tcp nowait nobody /bin/echo echo {text}\n"

    before = "".join(line(p, f"old-{p}") for p in old)
    after = "".join(line(p, f"new-{p}") for i, p in enumerate(old) if i % 3 == 1)
    after += "".join(line(p, f"old-{p}") for i, p in enumerate(old) if i % 3 == 2)
    after += "".join(line(p, f"added-{p}") for p in new)
    ninetd.start(before, args=())
    for p in old:
        assert tcp_exchange(p) == f"old-{p}\n".encode()

    log = ninetd.reload(after)
    removed = sum(1 for i in range(40) if i % 3 == 0)
    changed = sum(1 for i in range(40) if i % 3 == 1)
    assert (f"notice: reloaded: 10 added, {removed} removed, {changed} changed, "
            f"{40 - removed - changed} unchanged, 0 kept despite errors\n") in log, log
    for i, p in enumerate(old):
        if i % 3 == 0:
            assert refused(p), p
        else:
            want = f"new-{p}" if i % 3 == 1 else f"old-{p}"
            assert tcp_exchange(p) == f"{want}\n".encode(), p
    for p in new:
        assert tcp_exchange(p) == f"added-{p}\n".encode(), p

    log = ninetd.reload(before)
    assert (f"notice: reloaded: {removed} added, 10 removed, {changed} changed, "
            f"{40 - removed - changed} unchanged, 0 kept despite errors\n") in log, log
    for p in old:
        assert tcp_exchange(p) == f"old-{p}\n".encode(), p
    for p in new:
        assert refused(p), p


ACCEPTING_WAIT_SERVER = """#!/usr/bin/python3
import os, socket
listener = socket.socket(fileno=os.dup(0))
while True:
    connection, _ = listener.accept()
    connection.sendall(b"still here\\n")
    connection.close()
"""


def test_a_removed_wait_services_server_goes_on_and_a_removed_nowait_service_refuses(
        ninetd, pubdir):
    """Removal stops the daemon's own listening at once (the socket is shut down, so a
    server launched a moment before cannot keep it listening through its copy), but never
    under a wait server that holds the socket: that server goes on serving."""
    waited, plain = free_port(), free_port()
    server = write_script(pubdir, "accepting.py", ACCEPTING_WAIT_SERVER)
    ninetd.start(f"127.0.0.1:{waited} stream tcp wait root {server} accepting\n"
                 f"127.0.0.1:{plain} stream tcp nowait root internal echo\n")
    assert tcp_exchange(waited) == b"still here\n"
    pid = int(ninetd.wait_log(rf"{waited}/tcp: start pid=(\d+)\n", regex=True).group(1))
    assert tcp_exchange(plain, b"x") == b"x"
    ninetd.reload(f"127.0.0.1:{free_port()} stream tcp nowait root internal echo\n")
    assert tcp_exchange(waited) == b"still here\n"
    with pytest.raises(ConnectionRefusedError):
        tcp_exchange(plain, b"x")
    os.kill(pid, signal.SIGTERM)
    wait_until(lambda: not pid_alive(pid), what="the wait server to exit")
    with pytest.raises(ConnectionRefusedError):
        tcp_exchange(waited)
