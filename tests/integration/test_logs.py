"""The daemon's event lines (ninetd(8), LOGGING): one logfmt line per connection and server
event, --no-peer-addresses leaving every client out of them, and the journal's "<N>" priority
prefixes when stderr is the stream $JOURNAL_STREAM names (and only then)."""
import os
import re
import signal
import socket
import subprocess
import threading

from conftest import NINETD, TIMEOUT, exchange_from, free_port, udp_socket, wait_until, write_script

# NAME: event key=value ..., a value bare or quoted with \" \\ \xNN inside.
VALUE = r'(?:[^\s"=\\]+|"(?:[^"\\]|\\["\\]|\\x[0-9a-f]{2})*")'
EVENT_LINE = re.compile(rf"^(\S+): ([a-z_]+|START|EXIT|FAIL)((?: [a-z_]+={VALUE})*)$")
EVENTS = ("accept", "start", "exit", "refused", "dropped", "closed", "launch_failed",
          "redirect_failed", "repeated", "START", "EXIT", "FAIL")

UDP_SERVER = """#!/usr/bin/python3
import socket
s = socket.socket(fileno=0)
data, peer = s.recvfrom(65536)
s.sendto(b"got " + data, peer)
"""


def event_lines(log):
    """The event lines of a -d log: the text after "ninetd[PID]: LEVEL: " of each line
    whose event word is one of EVENTS."""
    out = []
    for line in log.splitlines():
        text = line.split(": ", 2)[2] if line.startswith("ninetd[") else line
        words = text.split(" ")
        if len(words) > 1 and words[1] in EVENTS:
            out.append(text)
    return out


def services(tmp_path, cat, echo, logged, udp):
    server = write_script(str(tmp_path), "udp-server", UDP_SERVER)
    return (f"127.0.0.1:{cat} on protocol = tcp4, wait = no, user = root, exec = /bin/cat,"
            " allow = 127.0.0.2;\n"
            f"127.0.0.1:{echo} on protocol = tcp4, user = nobody, args = echo,"
            " deny = 127.0.0.3;\n"
            f"127.0.0.1:{logged} on protocol = tcp4, wait = no, user = root, exec = /bin/cat,"
            " allow = 127.0.0.2, log_on_success = PID HOST EXIT DURATION,"
            " log_on_failure = HOST;\n"
            f"127.0.0.1:{udp} on protocol = udp4, wait = no, user = root, exec = {server};\n")


def traffic(cat, echo, logged, udp):
    """Accepted and refused clients of each service, from 127.0.0.2 and 127.0.0.3; the
    client ports used."""
    ports = []
    for port, source, served in ((cat, "127.0.0.2", True), (cat, "127.0.0.3", False),
                                 (echo, "127.0.0.2", True), (echo, "127.0.0.3", False),
                                 (logged, "127.0.0.2", True), (logged, "127.0.0.3", False)):
        with socket.socket() as s:
            s.settimeout(TIMEOUT)
            s.bind((source, 0))
            ports.append(s.getsockname()[1])
            s.connect(("127.0.0.1", port))
            try:
                s.sendall(b"hi\n")
                s.shutdown(socket.SHUT_WR)
                answer = s.makefile("rb").read()
            except OSError:
                answer = b""
        assert answer == (b"hi\n" if served else b""), (port, source, answer)
    with udp_socket("127.0.0.2") as u:
        ports.append(u.getsockname()[1])
        u.sendto(b"ping", ("127.0.0.1", udp))
        assert u.recvfrom(100)[0] == b"got ping"
    return ports


def test_every_event_is_one_logfmt_line_with_its_facts(ninetd, tmp_path):
    cat, echo, logged, udp = free_port(), free_port(), free_port(), free_port()
    ninetd.start(services(tmp_path, cat, echo, logged, udp))
    ports = traffic(cat, echo, logged, udp)
    start = ninetd.wait_log(rf"info: {cat}/tcp4: start pid=(\d+) peer=127\.0\.0\.2 "
                            rf"port={ports[0]}\n", regex=True)
    ninetd.wait_log(rf"info: {cat}/tcp4: exit pid={start.group(1)} status=0 duration_ms=\d+\n",
                    regex=True)
    ninetd.wait_log(f"warning: {cat}/tcp4: refused peer=127.0.0.3 port={ports[1]} "
                    "reason=access list=allow\n")
    ninetd.wait_log(f"info: {echo}/tcp4: accept peer=127.0.0.2 port={ports[2]}\n")
    ninetd.wait_log(f"warning: {echo}/tcp4: refused peer=127.0.0.3 port={ports[3]} "
                    "reason=access list=deny\n")
    ninetd.wait_log(rf"info: {logged}/tcp4: START pid=\d+ from=127\.0\.0\.2\n", regex=True)
    ninetd.wait_log(f"info: {logged}/tcp4: FAIL reason=address from=127.0.0.3\n")
    ninetd.wait_log(rf"info: {udp}/udp4: start pid=\d+ peer=127\.0\.0\.2 port={ports[6]}\n",
                    regex=True)
    ninetd.wait_log(rf"info: {udp}/udp4: exit pid=\d+ status=0 ", regex=True)
    lines = event_lines(ninetd.log())
    assert len(lines) >= 12, ninetd.log()
    for line in lines:
        assert EVENT_LINE.match(line), line


def test_no_peer_addresses_leaves_every_client_out_and_every_line_in(ninetd, tmp_path):
    cat, echo, logged, udp = free_port(), free_port(), free_port(), free_port()
    ninetd.start(services(tmp_path, cat, echo, logged, udp), args=("-l", "--no-peer-addresses"))
    ports = traffic(cat, echo, logged, udp)
    # The same lines as without the option, less the client.
    start = ninetd.wait_log(rf"info: {cat}/tcp4: start pid=(\d+)\n", regex=True)
    ninetd.wait_log(rf"info: {cat}/tcp4: exit pid={start.group(1)} status=0 duration_ms=\d+\n",
                    regex=True)
    ninetd.wait_log(f"warning: {cat}/tcp4: refused reason=access list=allow\n")
    ninetd.wait_log(f"info: {echo}/tcp4: accept\n")
    ninetd.wait_log(f"warning: {echo}/tcp4: refused reason=access list=deny\n")
    ninetd.wait_log(rf"info: {logged}/tcp4: START pid=\d+\n", regex=True)
    ninetd.wait_log(rf"info: {logged}/tcp4: EXIT status=0 pid=\d+ duration=\d+s\n", regex=True)
    ninetd.wait_log(f"info: {logged}/tcp4: FAIL reason=address\n")
    ninetd.wait_log(rf"info: {udp}/udp4: start pid=\d+\n", regex=True)
    ninetd.wait_log(rf"info: {udp}/udp4: exit pid=\d+ status=0 ", regex=True)
    ninetd.stop()
    log = ninetd.log()
    for client in ("127.0.0.2", "127.0.0.3"):
        assert client not in log, log
    assert len(ports) == 7
    for field in ("peer=", "port=", "from=", "source="):
        assert field not in log, log


def read_all(fd, into, stop):
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return
        if not chunk:
            return
        into.append(chunk)


class PipedDaemon:
    """The daemon with its stderr a pipe the test reads, and JOURNAL_STREAM set to `stream`
    (a function of the pipe's fstat) in its environment."""

    def __init__(self, tmp_path, conf_text, flags, stream):
        conf = tmp_path / "inetd.conf"
        conf.write_text(conf_text)
        r, w = os.pipe()
        st = os.fstat(w)
        env = dict(os.environ, JOURNAL_STREAM=stream(st))
        self.chunks = []
        self.proc = subprocess.Popen([NINETD, *flags, "-l", "-p", str(tmp_path / "pid"),
                                      str(conf)], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=w, env=env)
        os.close(w)
        self.reader = threading.Thread(target=read_all, args=(r, self.chunks, None), daemon=True)
        self.reader.start()
        self.fd = r

    def text(self):
        return b"".join(self.chunks).decode(errors="replace")

    def wait_for(self, pattern):
        return wait_until(lambda: re.search(pattern, self.text(), re.M), what=pattern)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        assert self.proc.wait(timeout=TIMEOUT) == 0
        self.reader.join(TIMEOUT)
        os.close(self.fd)
        return self.text()


def journal_conf(echo, logged):
    return (f"127.0.0.1:{echo} on protocol = tcp4, user = nobody, args = echo,"
            " deny = 127.0.0.3;\n"
            f"127.0.0.1:{logged} on protocol = tcp4, wait = no, user = root, exec = /bin/cat,"
            " log_on_success = PID HOST, log_type = SYSLOG local0 notice;\n")


def test_under_the_journal_lines_carry_their_priority(tmp_path):
    echo, logged = free_port(), free_port()
    daemon = PipedDaemon(tmp_path, journal_conf(echo, logged), ["-i"],
                         lambda st: f"{st.st_dev}:{st.st_ino}")
    try:
        daemon.wait_for(r"^<5>started: ")
        assert exchange_from("127.0.0.2", echo) == b"hello\n"
        assert exchange_from("127.0.0.3", echo) == b""
        assert exchange_from("127.0.0.2", logged) == b"hello\n"
        daemon.wait_for(rf"^<6>{echo}/tcp4: accept peer=127\.0\.0\.2 port=\d+$")
        daemon.wait_for(rf"^<4>{echo}/tcp4: refused peer=127\.0\.0\.3 port=\d+ reason=access "
                        r"list=deny$")
        # log_type SYSLOG local0 notice: the facility and level of the service's own lines.
        daemon.wait_for(rf"^<133>{logged}/tcp4: START pid=\d+ from=127\.0\.0\.2$")
        daemon.wait_for(rf"^<6>{logged}/tcp4: exit pid=\d+ status=0 duration_ms=\d+$")
    finally:
        text = daemon.stop()
    lines = text.splitlines()
    assert lines and all(re.match(r"<\d+>\S", line) for line in lines), text
    assert any(line.startswith("<5>stopped; ") for line in lines), text
    assert "ninetd[" not in text, text


def test_a_journal_stream_that_is_not_stderr_changes_nothing(tmp_path):
    echo, logged = free_port(), free_port()
    # The stream systemd connected, then redirected by someone: not this pipe.
    daemon = PipedDaemon(tmp_path, journal_conf(echo, logged), ["-d"],
                         lambda st: f"{st.st_dev}:{st.st_ino + 1}")
    try:
        daemon.wait_for(r"^ninetd\[\d+\]: notice: started: ")
        assert exchange_from("127.0.0.2", echo) == b"hello\n"
        daemon.wait_for(rf"^ninetd\[\d+\]: info: {echo}/tcp4: accept peer=127\.0\.0\.2 ")
    finally:
        text = daemon.stop()
    assert not re.search(r"^<\d+>", text, re.M), text
