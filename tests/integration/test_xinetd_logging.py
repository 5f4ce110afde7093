"""log_on_success, log_on_failure and log_type: START, EXIT and FAIL lines from the real daemon,
with an xinetd configuration (-x) and in the key=value form, to the daemon's log (stderr under
-d) and to a FILE log: a refused client's host, a server's pid, exit status or signal and
duration; the file opened without following a symlink, stopped at its hard limit, and opened
again at a reload after log rotation moved it."""
import os
import re
import socket
import stat

from conftest import (TIMEOUT, exchange_from, free_port, read_line, read_to_eof, tcp_exchange,
                      wait_until)

# Logging defaults as Debian systems commonly set them (the stock xinetd.conf names this
# log_type in a comment as xinetd's default).
DEBIAN_DEFAULTS = ("defaults\n{\n  log_type = SYSLOG daemon info\n  log_on_failure = HOST\n"
                   "  log_on_success = PID HOST DURATION EXIT\n}\n")


def script(tmp_path, name, body):
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return str(path)


def xinetd_service(name, port, server, extra=""):
    return ("service %s\n{\n  type = UNLISTED\n  port = %d\n  bind = 127.0.0.1\n"
            "  socket_type = stream\n  protocol = tcp\n  wait = no\n  user = root\n"
            "  server = %s\n%s}\n" % (name, port, server, extra))


def key_value_service(port, server, extra):
    return (f"127.0.0.1:{port} on protocol = tcp4, wait = no, user = root, exec = {server},"
            f" {extra};\n")


def udp_answer_from(source, port, timeout=0.5):
    """The answer to one datagram sent from `source`, or None when none comes in `timeout` (a
    refused datagram gets none: the wait times nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.bind((source, 0))
        s.sendto(b"ping\n", ("127.0.0.1", port))
        try:
            return s.recv(65536)
        except socket.timeout:
            return None


def lines(text, word):
    return [line for line in text.splitlines() if f" {word} " in line or line.endswith(word)]


def test_xinetd_start_exit_and_fail_in_the_daemons_log(ninetd, tmp_path):
    exits, killed = free_port(), free_port()
    status3 = script(tmp_path, "status3", "read line\necho \"got $line\"\nexit 3\n")
    signal15 = script(tmp_path, "signal15", "read line\necho bye\nkill -TERM $$\n")
    conf = (DEBIAN_DEFAULTS + xinetd_service("status3", exits, status3, "  only_from = 127.0.0.1\n")
            + xinetd_service("signal15", killed, signal15))
    ninetd.start(conf, xinetd=True, args=())
    assert ": warning: " not in ninetd.log(), ninetd.log()
    assert tcp_exchange(exits, b"hi\n") == b"got hi\n"
    start = ninetd.wait_log(rf"info: status3/tcp: START pid=(\d+) from=127\.0\.0\.1\n", regex=True)
    pid = start.group(1)
    ninetd.wait_log(rf"info: status3/tcp: EXIT status=3 pid={pid} duration=\d+s\n", regex=True)
    assert tcp_exchange(killed, b"x\n") == b"bye\n"
    start = ninetd.wait_log(rf"signal15/tcp: START pid=(\d+) from=127\.0\.0\.1\n", regex=True)
    ninetd.wait_log(rf"signal15/tcp: EXIT signal=15 pid={start.group(1)} duration=\d+s\n",
                    regex=True)
    # only_from refuses 127.0.0.2: a FAIL line with its host, in place of the refusal warning.
    assert exchange_from("127.0.0.2", exits) == b""
    ninetd.wait_log(f"info: status3/tcp: FAIL reason=address from=127.0.0.2\n")
    assert "refused peer=127.0.0.2" not in ninetd.log()


def test_a_service_without_flags_logs_no_such_line(ninetd, tmp_path):
    port = free_port()
    ninetd.start(xinetd_service("plain", port, "/bin/cat"), xinetd=True, args=())
    assert tcp_exchange(port, b"hello\n") == b"hello\n"
    assert exchange_from("127.0.0.1", port, b"again\n") == b"again\n"
    ninetd.stop()
    log = ninetd.log()
    assert "START" not in log and "EXIT" not in log and "FAIL" not in log, log


def test_userid_is_a_warning_and_the_other_flags_apply(ninetd, tmp_path):
    port = free_port()
    conf = xinetd_service("cat", port, "/bin/cat", "  log_on_success = PID USERID\n")
    ninetd.start(conf, xinetd=True, args=())
    conf_path = ninetd.conf
    assert (f"warning: {conf_path}:11:24: log_on_success: USERID (an RFC 1413 ident lookup) is "
            "not supported by ninetd; the other flags apply") in ninetd.log()
    assert tcp_exchange(port, b"hello\n") == b"hello\n"
    ninetd.wait_log(rf"cat/tcp: START pid=\d+\n", regex=True)


def file_conf(port, server, log_path, limits="", allow=""):
    return key_value_service(
        port, server, "log_on_success = PID HOST EXIT DURATION, log_on_failure = HOST,"
        f" log_type = FILE {log_path}{limits}{allow}")


def test_key_value_form_logs_to_a_file(ninetd, tmp_path):
    port = free_port()
    log_path = tmp_path / "services.log"
    status3 = script(tmp_path, "status3", "read line\nexit 3\n")
    ninetd.start(file_conf(port, status3, log_path, allow=", allow = 127.0.0.1"), args=())
    assert stat.S_IMODE(os.stat(log_path).st_mode) == 0o640
    assert tcp_exchange(port, b"hi\n") == b""
    assert exchange_from("127.0.0.2", port) == b""

    def complete():
        text = log_path.read_text()
        return text if "EXIT" in text and "FAIL" in text else None

    text = wait_until(complete, what="the EXIT and FAIL lines in the file")
    prefix = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} ninetd\[%d\]: " % ninetd.pid
    start = re.search(prefix + rf"{port}/tcp4: START pid=(\d+) from=127\.0\.0\.1\n", text)
    assert start, text
    assert re.search(prefix + rf"{port}/tcp4: EXIT status=3 pid={start.group(1)} "
                     r"duration=\d+s\n", text), text
    assert re.search(prefix + rf"{port}/tcp4: FAIL reason=address from=127\.0\.0\.2\n",
                     text), text
    # None of them in the daemon's own log.
    assert "START" not in ninetd.log() and "FAIL" not in ninetd.log()


def test_a_symlink_in_place_of_the_log_file_is_not_followed(ninetd, tmp_path):
    port = free_port()
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    log_path = tmp_path / "services.log"
    os.symlink(victim, log_path)
    ninetd.start(file_conf(port, "/bin/cat", log_path), args=())
    ninetd.wait_log(f"error: {log_path}: cannot open the log file: Too many levels of symbolic "
                    "links; its services log to the daemon's log")
    assert tcp_exchange(port, b"hello\n") == b"hello\n"
    ninetd.wait_log(rf"info: {port}/tcp4: START pid=\d+ from=127\.0\.0\.1\n", regex=True)
    assert victim.read_text() == "precious\n"
    assert os.path.islink(log_path)


def test_the_hard_limit_stops_the_file_growing(ninetd, tmp_path):
    port = free_port()
    log_path = tmp_path / "services.log"
    # Each START or EXIT line is about 90 bytes: the soft limit is passed at the third line.
    ninetd.start(file_conf(port, "/bin/cat", log_path, limits=" 200 400"), args=())
    for _ in range(4):
        assert tcp_exchange(port, b"hello\n") == b"hello\n"
    ninetd.wait_log(f"warning: {log_path}: the log file is past its soft limit of 200 bytes")
    ninetd.wait_log(f"warning: {log_path}: the log file reached its hard limit of 400 bytes; "
                    "nothing more is written to it until a reload opens it again")
    size = os.path.getsize(log_path)
    assert size <= 400
    # Its START line is due before the server answers: refused by the limit.
    assert tcp_exchange(port, b"more\n") == b"more\n"
    ninetd.stop()
    assert os.path.getsize(log_path) == size
    assert ninetd.log().count("reached its hard limit") == 1


def test_a_reload_opens_the_moved_file_again(ninetd, tmp_path):
    port = free_port()
    log_path = tmp_path / "services.log"
    rotated = tmp_path / "services.log.1"
    conf = file_conf(port, "/bin/cat", log_path)
    ninetd.start(conf, args=())
    assert tcp_exchange(port, b"first\n") == b"first\n"
    wait_until(lambda: "EXIT" in log_path.read_text(), what="the first EXIT line")
    os.rename(log_path, rotated)
    ninetd.reload(conf)
    assert log_path.exists()
    assert tcp_exchange(port, b"second\n") == b"second\n"
    wait_until(lambda: "EXIT" in log_path.read_text(), what="the EXIT line in the new file")
    assert len(lines(rotated.read_text(), "START")) == 1
    assert len(lines(log_path.read_text(), "START")) == 1


def test_a_dgram_servers_start_names_the_datagrams_sender(ninetd, tmp_path):
    port = free_port()
    # A dgram wait server: answers the one datagram waiting on the socket it is given.
    server = script(tmp_path, "udp-echo", "exec /usr/bin/python3 -c '\n"
                    "import socket\ns = socket.socket(fileno=0)\n"
                    "data, peer = s.recvfrom(65536)\ns.sendto(b\"got \" + data, peer)\n'\n")
    conf = ("service tftp\n{\n  type = UNLISTED\n  port = %d\n  bind = 127.0.0.1\n"
            "  socket_type = dgram\n  protocol = udp\n  wait = yes\n  user = root\n"
            "  server = %s\n  log_on_success = PID HOST EXIT\n  only_from = 127.0.0.2\n"
            "  log_on_failure = HOST\n}\n" % (port, server))
    ninetd.start(conf, xinetd=True, args=())
    assert udp_answer_from("127.0.0.2", port, timeout=TIMEOUT) == b"got ping\n"
    start = ninetd.wait_log(rf"tftp/udp: START pid=(\d+) from=127\.0\.0\.2\n", regex=True)
    ninetd.wait_log(rf"tftp/udp: EXIT status=0 pid={start.group(1)}\n", regex=True)
    assert udp_answer_from("127.0.0.1", port) is None
    ninetd.wait_log(f"tftp/udp: FAIL reason=address from=127.0.0.1\n")


def test_policy_refusals_are_fail_lines_with_xinetds_reasons(ninetd, tmp_path):
    """access_times and max_load refusals: FAIL reason=time and reason=load, as xinetd words
    them, in place of the refusal warning (max_load = 0 refuses on any machine)."""
    loaded, closed = free_port(), free_port()
    now = __import__("time").localtime()
    # A range of one minute, 12 hours away from now: never the current minute.
    other = (now.tm_hour + 12) % 24
    conf = (xinetd_service("busy", loaded, "/bin/cat",
                           "  max_load = 0\n  log_on_failure = HOST\n")
            + xinetd_service("later", closed, "/bin/cat",
                             f"  access_times = {other}:00-{other}:01\n  log_on_failure = HOST\n"))
    ninetd.start(conf, xinetd=True, args=())
    for port in (loaded, closed):
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
            try:
                assert s.recv(100) == b""  # closed unserved
            except ConnectionResetError:
                pass
    ninetd.wait_log("busy/tcp: FAIL reason=load from=127.0.0.1\n")
    ninetd.wait_log("later/tcp: FAIL reason=time from=127.0.0.1\n")
    assert "refused peer=127.0.0.1" not in ninetd.log()


def test_a_tcpmux_client_over_instances_is_refused_with_a_fail_line(ninetd, tmp_path):
    """The one place ninetd refuses a client for a child limit: a tcpmux client has sent its
    request and waits for an answer, not in a listen queue. It gets "-Service busy" and, with
    log_on_failure flags, xinetd's FAIL line with reason service_limit; without them, a
    warning."""
    port = free_port()
    hold = script(tmp_path, "hold", "echo started\nread line\necho \"bye $line\"\n")
    tcpmux = ("service tcpmux\n{\n  type = INTERNAL UNLISTED\n  port = %d\n  bind = 127.0.0.1\n"
              "  socket_type = stream\n  protocol = tcp\n  wait = no\n}\n" % port)
    muxed = ("service %s\n{\n  type = TCPMUX\n  socket_type = stream\n  protocol = tcp\n"
             "  wait = no\n  user = root\n  server = %s\n  instances = 1\n%s}\n")
    conf = (tcpmux + muxed % ("logged", hold, "  log_on_failure = HOST\n")
            + muxed % ("quiet", hold, ""))
    ninetd.start(conf, xinetd=True, args=())
    for name in ("logged", "quiet"):
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as first:
            first.sendall(f"{name}\r\n".encode())
            assert read_line(first) == b"started\n"
            assert tcp_exchange(port, f"{name}\r\n".encode()) == b"-Service busy\r\n"
            first.sendall(b"one\n")
            first.shutdown(socket.SHUT_WR)
            assert read_to_eof(first) == b"bye one\n"
    ninetd.wait_log("info: tcpmux/logged/tcp: FAIL reason=service_limit from=127.0.0.1\n")
    ninetd.wait_log(r"warning: tcpmux/quiet/tcp: refused peer=127\.0\.0\.1 port=\d+ "
                    r"reason=service_limit running=1 limit=1\n", regex=True)
    assert "tcpmux/logged/tcp: refused" not in ninetd.log()
    assert "tcpmux/quiet/tcp: FAIL" not in ninetd.log()
