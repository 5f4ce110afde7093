"""xinetd's per-connection policy with the real daemon, in xinetd.conf (-x) and key=value form:
banner (every connection, before the server says anything), banner_success and banner_fail
(a client only_from lets in, one it refuses), access_times (a range holding the current local
time serves, one that leaves it out refuses), max_load (0 refuses every client on any machine,
10000 none), and a banner file over the 8 KiB bound: an error at its file and line, the other
services running."""
import socket
import subprocess
import time

from conftest import NINETD, TIMEOUT, free_port, read_to_eof, udp_socket, write_script

BANNER = b"Authorized use only.\r\n"
WELCOME = b"Welcome.\r\n"
GO_AWAY = b"Go away.\r\n"


def connect_from(source, port):
    """Connects from `source` without sending anything (a refused client's close is then a
    clean FIN, never a reset that could discard the banner) and reads until EOF."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(TIMEOUT)
        s.bind((source, 0))
        s.connect(("127.0.0.1", port))
        s.shutdown(socket.SHUT_WR)
        try:
            return read_to_eof(s)
        except ConnectionResetError:
            return b"<reset>"


def banners(tmp_path):
    paths = {}
    for name, text in (("banner", BANNER), ("welcome", WELCOME), ("goaway", GO_AWAY)):
        path = tmp_path / name
        path.write_bytes(text)
        paths[name] = str(path)
    return paths


def served_script(tmp_path):
    return write_script(str(tmp_path), "served", "#!/bin/sh\nprintf 'served\\r\\n'\n")


def xinetd_service(name, port, body):
    """Runs as root: the servers are scripts in the test's own directory, which nobody cannot
    reach."""
    return ("service %s\n{\n  type = UNLISTED\n  port = %d\n  bind = 127.0.0.1\n"
            "  socket_type = stream\n  wait = no\n  user = root\n%s}\n" % (name, port, body))


def clock_ranges():
    """(a range holding the local time now, one leaving it out), three minutes either side of
    now, so neither changes its answer while the test runs; the second crosses midnight."""
    now = time.localtime()
    minute = now.tm_hour * 60 + now.tm_min

    def clock(m):
        m %= 24 * 60
        return "%d:%02d" % (m // 60, m % 60)

    return (f"{clock(minute - 3)}-{clock(minute + 3)}", f"{clock(minute + 3)}-{clock(minute - 3)}")


# ---------------------------------------------------------------- banners

def test_banners_in_xinetd_form(ninetd, tmp_path):
    port = free_port()
    b = banners(tmp_path)
    ninetd.start(xinetd_service(
        "greet", port,
        f"  server = {served_script(tmp_path)}\n  only_from = 127.0.0.1\n"
        f"  banner = {b['banner']}\n  banner_success = {b['welcome']}\n"
        f"  banner_fail = {b['goaway']}\n"), xinetd=True)
    assert ": warning: " not in ninetd.log()
    # Granted: the banner, then banner_success, then what the server writes.
    assert connect_from("127.0.0.1", port) == BANNER + WELCOME + b"served\r\n"
    # Refused by only_from: the banner (whatever access control decides), then banner_fail.
    assert connect_from("127.0.0.2", port) == BANNER + GO_AWAY
    ninetd.wait_log(r"greet/tcp: refused peer=127\.0\.0\.2 port=\d+ reason=access list=allow\n",
                    regex=True)


def test_banners_in_key_value_form_on_a_builtin(ninetd, tmp_path):
    port = free_port()
    b = banners(tmp_path)
    ninetd.start(f"127.0.0.1:{port} on protocol = tcp4, user = nobody, exec = internal,"
                 f" args = daytime, allow = 127.0.0.1, banner = {b['banner']},"
                 f" banner_success = {b['welcome']}, banner_fail = {b['goaway']};\n")
    answer = connect_from("127.0.0.1", port)
    assert answer.startswith(BANNER + WELCOME), answer
    assert answer[len(BANNER + WELCOME):].endswith(b"\r\n")  # the daytime line
    assert connect_from("127.0.0.2", port) == BANNER + GO_AWAY
    table, _ = ninetd.dump()
    [(_, counters)] = table[f"{port}/tcp4"]
    assert counters["connections"] == 2 and counters["refused"] == 1, counters


def test_a_changed_banner_file_applies_at_the_reload(ninetd, tmp_path):
    port = free_port()
    path = tmp_path / "banner"
    path.write_bytes(b"first\r\n")
    conf = f"127.0.0.1:{port} on protocol = tcp4, user = nobody, args = discard, banner = {path};\n"
    ninetd.start(conf)
    assert connect_from("127.0.0.1", port) == b"first\r\n"
    path.write_bytes(b"second\r\n")
    assert connect_from("127.0.0.1", port) == b"first\r\n"  # read at load, not per connection
    ninetd.reload(conf)
    assert connect_from("127.0.0.1", port) == b"second\r\n"


def test_a_banner_over_the_bound_is_an_error_at_its_line(ninetd, tmp_path):
    big = tmp_path / "big"
    big.write_bytes(b"x" * 8193)
    fine, skipped = free_port(), free_port()
    conf_text = (f"127.0.0.1:{fine} stream tcp4 nowait nobody internal echo\n"
                 f"127.0.0.1:{skipped} on protocol = tcp4, user = nobody, args = echo,\n"
                 f"  banner = {big};\n")
    ninetd.start(conf_text)
    error = (f"error: {ninetd.conf}:3:12: banner {big}: 8193 bytes, more than the 8192 a banner "
             "may hold; entry skipped")
    ninetd.wait_log(error)
    with socket.create_connection(("127.0.0.1", fine), timeout=TIMEOUT) as s:
        s.sendall(b"still here\n")
        s.shutdown(socket.SHUT_WR)
        assert read_to_eof(s) == b"still here\n"
    # The same in xinetd form, and with -t.
    xconf = tmp_path / "xinetd.conf"
    xconf.write_text(xinetd_service("big", skipped, f"  server = /bin/cat\n  banner = {big}\n"))
    r = subprocess.run([NINETD, "-t", "-x", str(xconf)], capture_output=True, text=True,
                       timeout=TIMEOUT)
    assert r.returncode == 1
    assert (f"{xconf}:10:12: error: banner {big}: 8193 bytes, more than the 8192 a banner may "
            "hold; entry skipped") in r.stderr, r.stderr


# ---------------------------------------------------------------- access_times

def test_access_times_in_xinetd_form(ninetd, tmp_path):
    inside, outside = clock_ranges()
    open_port, closed_port = free_port(), free_port()
    server = served_script(tmp_path)
    ninetd.start(xinetd_service("day", open_port,
                                f"  server = {server}\n  access_times = 0:00-23:59\n") +
                 xinetd_service("now", free_port(),
                                f"  server = {server}\n  access_times = {inside}\n") +
                 xinetd_service("later", closed_port,
                                f"  server = {server}\n  access_times = {outside}\n"),
                 xinetd=True)
    assert connect_from("127.0.0.1", open_port) == b"served\r\n"
    assert connect_from("127.0.0.1", closed_port) == b""
    ninetd.wait_log(r"later/tcp: refused peer=127\.0\.0\.1 port=\d+ reason=access_times "
                    r"time=\d\d:\d\d access_times=", regex=True, what="the refusal")


def test_access_times_in_key_value_form_for_stream_and_dgram(ninetd):
    inside, outside = clock_ranges()
    served, refused = free_port(), free_port()
    ninetd.start(
        f"127.0.0.1:{served} on protocol = tcp4, user = nobody, args = echo,"
        f" access_times = {inside};\n"
        f"127.0.0.1:{refused} on protocol = tcp4, user = nobody, args = echo,"
        f" access_times = {outside};\n"
        f"127.0.0.1:{refused} on protocol = udp4, user = nobody, args = echo,"
        f" access_times = {outside};\n")
    with socket.create_connection(("127.0.0.1", served), timeout=TIMEOUT) as s:
        s.sendall(b"in time\n")
        s.shutdown(socket.SHUT_WR)
        assert read_to_eof(s) == b"in time\n"
    assert connect_from("127.0.0.1", refused) == b""
    ninetd.wait_log(f"{refused}/tcp4: refused peer=127.0.0.1 port=")
    with udp_socket() as u:
        u.sendto(b"ping", ("127.0.0.1", refused))
        ninetd.wait_log(rf"{refused}/udp4: dropped reason=access_times time=\S+ access_times=.* "
                        r"count=1\n", regex=True)
    table, _ = ninetd.dump()
    assert table[f"{refused}/tcp4"][0][1]["refused"] == 1
    assert table[f"{refused}/udp4"][0][1]["refused"] == 1


def test_a_dgram_server_is_not_started_outside_its_access_times(ninetd, tmp_path):
    _, outside = clock_ranges()
    port = free_port()
    marker = tmp_path / "ran"
    server = write_script(str(tmp_path), "udp-server", f"#!/bin/sh\ntouch {marker}\n")
    ninetd.start(f"127.0.0.1:{port} on protocol = udp4, wait = yes, user = root,"
                 f" exec = {server}, access_times = {outside};\n")
    with udp_socket() as u:
        u.sendto(b"one", ("127.0.0.1", port))
        ninetd.wait_log(f"{port}/udp4: dropped reason=access_times ")
    assert "start pid=" not in ninetd.log()
    assert not marker.exists()


# ---------------------------------------------------------------- max_load

def test_max_load_zero_refuses_every_client_and_a_high_one_none(ninetd, tmp_path):
    zero, high = free_port(), free_port()
    b = banners(tmp_path)
    ninetd.start(xinetd_service("busy", zero, f"  server = /bin/cat\n  max_load = 0\n"
                                              f"  banner_fail = {b['goaway']}\n") +
                 xinetd_service("calm", high, f"  server = {served_script(tmp_path)}\n"
                                              "  max_load = 10000\n"), xinetd=True)
    assert (f"warning: {ninetd.conf}:10:3: max_load = 0 refuses every client (the load average "
            "is never below 0; xinetd refuses this value)") in ninetd.log()
    assert connect_from("127.0.0.1", zero) == GO_AWAY
    ninetd.wait_log(r"busy/tcp: refused peer=127\.0\.0\.1 port=\d+ reason=max_load load=\S+ "
                    r"max_load=0\.00\n", regex=True)
    assert connect_from("127.0.0.1", high) == b"served\r\n"


def test_max_load_in_key_value_form(ninetd):
    port = free_port()
    ninetd.start(f"127.0.0.1:{port} on protocol = tcp4, user = nobody, args = echo,"
                 " max_load = 0;\n")
    assert connect_from("127.0.0.1", port) == b""
    ninetd.wait_log(f"{port}/tcp4: refused peer=127.0.0.1 port=")
    assert " reason=max_load load=" in ninetd.log()
