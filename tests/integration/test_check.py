"""ninetd -t: the checker's output and exit status, run as a real process."""
import os
import subprocess

import pytest

from conftest import NO_PRIVATE_MOUNTS, private_mounts_available

NINETD = os.environ.get("NINETD_BIN", os.path.join(os.path.dirname(__file__), "../../build/ninetd"))
EXAMPLES = os.path.join(os.path.dirname(__file__), "../../examples")


def check(path):
    return subprocess.run([NINETD, "-t", path], capture_output=True, text=True, timeout=30)


def test_demo_config_is_clean():
    r = check(os.path.join(EXAMPLES, "demo.conf"))
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert "0 errors, 0 warnings" in r.stdout


def test_bad_line_is_named_and_exit_status_is_1(tmp_path):
    conf = tmp_path / "inetd.conf"
    conf.write_text("echo stream tcp nowait root internal\n"
                    "ftp stream tpc nowait root /usr/sbin/in.ftpd in.ftpd\n")
    r = check(str(conf))
    assert r.returncode == 1
    assert f'{conf}:2:12: error: unknown protocol "tpc"' in r.stderr
    assert "1 service on 2 sockets" in r.stdout


def test_unreadable_file(tmp_path):
    r = check(str(tmp_path / "missing.conf"))
    assert r.returncode == 1
    assert "cannot read configuration: No such file or directory" in r.stderr


# The stock BSD files (tests/data, laid out anew): their tcp/tcp6 and udp/udp6 pairs ask for
# what ninetd's tcp/udp already open, so each pair is served once with a warning, not an error.
DATA = os.path.join(os.path.dirname(__file__), "../data")
SMALL_SERVERS = ("daytime", "time", "echo", "discard", "chargen")
TWIN = "which already opens that socket"


def stock(name):
    with open(os.path.join(DATA, name)) as f:
        return f.read()


def enable(text, names):
    """The file with the "#" taken off the named services' entries, as an administrator would."""
    return "".join(line[1:] if any(line.startswith(f"#{n}\t") for n in names) else line
                   for line in text.splitlines(keepends=True))


def lines_with(stderr, severity):
    return [l for l in stderr.splitlines() if f": {severity}: " in l]


def test_openbsd_stock_file_serves_its_pairs_once():
    path = os.path.join(DATA, "openbsd-stock-inetd.conf")
    r = check(path)
    assert "already defined" not in r.stderr
    # OpenBSD's _identd user exists on OpenBSD only: the one error this machine may add, and
    # then both ident lines are skipped (the unit tests run the file against a fake user base).
    errors = lines_with(r.stderr, "error")
    assert all('unknown user "_identd"' in l for l in errors), r.stderr
    assert r.returncode == (1 if errors else 0), r.stderr
    warnings = lines_with(r.stderr, "warning")
    assert all(TWIN in l for l in warnings), r.stderr
    assert len(warnings) == (2 if errors else 3), r.stderr
    assert f"{path}:12:1: warning: daytime/tcp6 on [::]:13 is the same service as daytime/tcp " \
           f"at {path}:11, which already opens that socket" in r.stderr
    if not errors:
        assert f"{path}:8:1: warning: ident/tcp6 on [::]:113 is the same service as ident/tcp " \
               f"at {path}:7" in r.stderr


@pytest.mark.skipif(not private_mounts_available(), reason=NO_PRIVATE_MOUNTS)
def test_openbsd_stock_file_checks_clean_where_its_user_exists(tmp_path):
    """With OpenBSD's _identd user in the user base (here a private mount of /etc/passwd, so
    the machine's own is untouched), the stock file checks with exit 0: warnings only."""
    path = os.path.join(DATA, "openbsd-stock-inetd.conf")
    passwd = tmp_path / "passwd"
    with open("/etc/passwd") as f:
        passwd.write_text(f.read() + "_identd:*:29:29:identd:/var/empty:/sbin/nologin\n")
    os.chmod(passwd, 0o644)
    r = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                        'mount --bind "$1" /etc/passwd && exec "$2" -t "$3"', "sh",
                        str(passwd), NINETD, path],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert lines_with(r.stderr, "error") == [], r.stderr
    warnings = lines_with(r.stderr, "warning")
    assert len(warnings) == 3 and all(TWIN in l for l in warnings), r.stderr
    assert "0 errors, 3 warnings" in r.stdout, r.stdout


def test_freebsd_and_netbsd_stock_files_check_clean_as_shipped():
    for name in ("freebsd-stock-inetd.conf", "netbsd-stock-inetd.conf"):
        r = check(os.path.join(DATA, name))
        assert r.returncode == 0, r.stderr
        assert r.stderr == ""
        assert "0 errors, 0 warnings" in r.stdout


def test_freebsd_and_netbsd_small_servers_enabled_serve_each_pair_once(tmp_path):
    for name in ("freebsd-stock-inetd.conf", "netbsd-stock-inetd.conf"):
        conf = tmp_path / name
        conf.write_text(enable(stock(name), SMALL_SERVERS))
        r = check(str(conf))
        assert r.returncode == 0, r.stderr
        assert lines_with(r.stderr, "error") == []
        warnings = lines_with(r.stderr, "warning")
        assert len(warnings) == 10 and all(TWIN in l for l in warnings), r.stderr
        assert "10 services on 20 sockets" in r.stdout, r.stdout
        assert "0 errors, 10 warnings" in r.stdout, r.stdout


def test_ipsec_policy_lines_warn_and_the_services_still_run(tmp_path):
    conf = tmp_path / "inetd.conf"
    conf.write_text("#@ ipsec ah/require\n"
                    "daytime\tstream\ttcp\tnowait\troot\tinternal\n"
                    "#@\n"
                    "time\tstream\ttcp\tnowait\troot\tinternal\n")
    r = check(str(conf))
    assert r.returncode == 0, r.stderr
    assert r.stderr == (f'{conf}:1:1: warning: IPsec policy "ipsec ah/require" is not applied on '
                        "Linux; the services after it run without it\n")
    assert "2 services on 4 sockets" in r.stdout


def test_each_entry_is_listed_with_what_ninetd_does_with_it(tmp_path):
    conf = tmp_path / "inetd.conf"
    conf.write_text("127.0.0.1:7 stream tcp4 nowait/4/0/2 root internal echo\n"
                    "daytime off protocol = tcp, wait = no, user = root;\n"
                    "9000 on protocol = udp, wait = yes, user = nobody, exec = /bin/cat,\n"
                    "  args = cat 'a b', allow = 127.0.0.0/8 ::1, rate = 60;\n")
    r = check(str(conf))
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert r.stdout.splitlines() == [
        f"service=7/tcp4 from={conf}:1 status=on listen=127.0.0.1:7 family=ipv4 builtin=echo "
        "protocol=tcp4 socktype=stream wait=no max_child=4 max_child_per_ip=2 user=root",
        f"service=daytime/tcp from={conf}:2 status=off family=ipv4,ipv6-only builtin=daytime "
        "protocol=tcp socktype=stream wait=no user=root",
        f"service=9000/udp from={conf}:3 status=on listen=0.0.0.0:9000,[::]:9000 "
        "family=ipv4,ipv6-only protocol=udp socktype=dgram wait=yes rate=60 "
        'allow=127.0.0.0/8,::1 user=nobody exec=/bin/cat args=cat,"a b"',
        f"{conf}: 2 services on 3 sockets (1 internal, 0 through tcpmux); 0 errors, 0 warnings"]


def test_the_listing_escapes_what_it_quotes(tmp_path):
    conf = tmp_path / "inetd.conf"
    conf.write_bytes(b"4000 stream tcp nowait root /bin/c\x1bat c\x01t\n")
    r = subprocess.run([NINETD, "-t", str(conf)], capture_output=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert b' exec="/bin/c\\x1bat" args="c\\x01t"\n' in r.stdout, r.stdout
