"""The daemon's event lines (ninetd(8), LOGGING): one logfmt line per connection and server
event, and --no-peer-addresses leaving every client out of them."""
import re
import socket

from conftest import TIMEOUT, free_port, udp_socket, write_script

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
