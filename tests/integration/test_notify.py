"""systemd's notify protocol (sd_notify(3)), spoken without libsystemd: the test plays the
notify socket and reads every datagram the daemon sends, in order."""
import os
import signal
import socket

import pytest

from conftest import TIMEOUT, free_port, tcp_exchange, write_script



class NotifySocket:
    """A unix datagram socket standing in for systemd's; `address` is what NOTIFY_SOCKET says."""

    def __init__(self, path=None, abstract=None):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.settimeout(TIMEOUT)
        if abstract is not None:
            self.sock.bind("\0" + abstract)
            self.address = "@" + abstract
        else:
            self.sock.bind(path)
            self.address = path
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)

    def next(self):
        """The next message and the pid that sent it (SCM_CREDENTIALS, as systemd checks)."""
        data, ancdata, _, _ = self.sock.recvmsg(4096, socket.CMSG_SPACE(12))
        pid = None
        for level, kind, payload in ancdata:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                pid = int.from_bytes(payload[0:4], "little")
        return data.decode(), pid

    def close(self):
        self.sock.close()


def start(ninetd, tmp_path, conf_text, notify):
    return ninetd.start(conf_text, wrapper=("env", f"NOTIFY_SOCKET={notify.address}"))


def fields(message):
    return dict(line.split("=", 1) for line in message.split("\n"))


def test_ready_reload_and_stop_in_order(ninetd, tmp_path):
    notify = NotifySocket(path=str(tmp_path / "notify"))
    port = free_port()
    start(ninetd, tmp_path, f"127.0.0.1:{port} stream tcp nowait root internal echo\n", notify)

    message, pid = notify.next()
    assert pid == ninetd.pid
    assert fields(message) == {"READY": "1",
                               "STATUS": "1 service, 0 running, 0 connections served"}
    # READY=1 comes after the listener is open: a client connects at once.
    assert tcp_exchange(port, b"ping\n") == b"ping\n"

    second = free_port()
    ninetd.reload(f"127.0.0.1:{port} stream tcp nowait root internal echo\n"
                  f"127.0.0.1:{second} stream tcp nowait root internal echo\n")
    reloading, pid = notify.next()
    assert pid == ninetd.pid
    values = fields(reloading)
    assert set(values) == {"RELOADING", "MONOTONIC_USEC"} and values["RELOADING"] == "1"
    now_usec = int(float(open("/proc/uptime").read().split()[0]) * 1e6)
    assert 0 < int(values["MONOTONIC_USEC"])
    assert abs(int(values["MONOTONIC_USEC"]) - now_usec) < 3600 * 10**6
    ready, _ = notify.next()
    assert fields(ready) == {"READY": "1",
                             "STATUS": "2 services, 0 running, 1 connection served"}
    assert tcp_exchange(second, b"two\n") == b"two\n"

    ninetd.signal(signal.SIGTERM)
    stopping, pid = notify.next()
    assert (stopping, pid) == ("STOPPING=1", ninetd.pid)
    ninetd.proc.wait(TIMEOUT)
    notify.close()


def test_failed_reload_still_ends_in_ready(ninetd, tmp_path):
    notify = NotifySocket(abstract=f"ninetd-test-{os.getpid()}-{tmp_path.name}")
    port = free_port()
    start(ninetd, tmp_path, f"127.0.0.1:{port} stream tcp nowait root internal echo\n", notify)
    assert notify.next()[0].startswith("READY=1\n")

    log = ninetd.reload("this is not a service line\n")
    assert "reload failed" in log
    assert notify.next()[0].startswith("RELOADING=1\nMONOTONIC_USEC=")
    ready, _ = notify.next()
    assert fields(ready) == {"READY": "1",
                             "STATUS": "1 service, 0 running, 0 connections served"}
    assert tcp_exchange(port, b"still\n") == b"still\n"
    notify.close()


def test_servers_do_not_inherit_the_notify_socket(ninetd, tmp_path):
    notify = NotifySocket(path=str(tmp_path / "notify"))
    script = write_script(tmp_path, "env.sh", "#!/bin/sh\nenv\n")
    port = free_port()
    start(ninetd, tmp_path, f"127.0.0.1:{port} stream tcp nowait root {script} env.sh\n", notify)
    notify.next()
    environment = tcp_exchange(port).decode()
    assert "PATH=" in environment
    assert "NOTIFY_SOCKET" not in environment
    notify.close()


def test_unusable_notify_socket_is_named_and_ignored(ninetd, tmp_path):
    port = free_port()
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait root internal echo\n",
                 wrapper=("env", "NOTIFY_SOCKET=relative/path"))
    assert "NOTIFY_SOCKET: not a unix socket path or @name" in ninetd.log()
    assert tcp_exchange(port, b"ok\n") == b"ok\n"


def test_watchdog_is_fed_from_the_loop(ninetd, tmp_path):
    notify = NotifySocket(path=str(tmp_path / "notify"))
    port = free_port()
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait root internal echo\n",
                 wrapper=("env", f"NOTIFY_SOCKET={notify.address}", "WATCHDOG_USEC=100000"))
    assert notify.next()[0].startswith("READY=1\n")
    for _ in range(3):
        assert notify.next() == ("WATCHDOG=1", ninetd.pid)
    notify.close()


def test_watchdog_meant_for_another_pid_is_left_alone(ninetd, tmp_path):
    notify = NotifySocket(path=str(tmp_path / "notify"))
    port = free_port()
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait root internal echo\n",
                 wrapper=("env", f"NOTIFY_SOCKET={notify.address}", "WATCHDOG_USEC=2000",
                          "WATCHDOG_PID=1"))
    assert notify.next()[0].startswith("READY=1\n")
    ninetd.reload()
    assert notify.next()[0].startswith("RELOADING=1\n")
    assert notify.next()[0].startswith("READY=1\n")
    ninetd.signal(signal.SIGTERM)
    assert notify.next()[0] == "STOPPING=1"
    notify.close()
