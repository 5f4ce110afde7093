"""What `cmake --install` puts on a system, run from where it was installed: the daemon, its
manuals (linted as Debian's mandoc and man-db read them), the demo configuration and the systemd
unit (checked by systemd-analyze). The build tree is the one the tests run from."""
import os
import re
import subprocess

import pytest

from conftest import NINETD, BUILT_NINETD, free_port, tcp_exchange

BUILD_DIR = os.path.dirname(BUILT_NINETD)
PREFIX = "/usr/local"  # CMake's default, which the unit's paths name


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    root = tmp_path_factory.mktemp("destdir")
    subprocess.run(["cmake", "--install", BUILD_DIR], check=True, capture_output=True,
                   env={**os.environ, "DESTDIR": str(root)})
    return str(root)


def under(root, path):
    return os.path.join(root, path.lstrip("/"))


def test_every_file_lands_where_debian_expects_it(installed):
    files = sorted(os.path.relpath(os.path.join(d, f), installed)
                   for d, _, names in os.walk(installed) for f in names)
    assert files == [
        "usr/local/lib/systemd/system/ninetd.service",
        "usr/local/sbin/ninetd",
        "usr/local/share/doc/ninetd/examples/demo.conf",
        "usr/local/share/doc/ninetd/examples/greet.sh",
        "usr/local/share/man/man5/ninetd.conf.5",
        "usr/local/share/man/man8/ninetd.8",
    ]
    assert os.access(under(installed, f"{PREFIX}/sbin/ninetd"), os.X_OK)


def test_the_installed_daemon_serves(installed, tmp_path):
    daemon = under(installed, f"{PREFIX}/sbin/ninetd")
    version = subprocess.run([daemon, "--version"], capture_output=True, text=True, check=True)
    assert re.fullmatch(r"ninetd \d+\.\d+\.\d+\n", version.stdout)
    demo = under(installed, f"{PREFIX}/share/doc/ninetd/examples/demo.conf")
    checked = subprocess.run([daemon, "-t", demo], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr

    port = free_port()
    conf = tmp_path / "inetd.conf"
    conf.write_text(f"127.0.0.1:{port} stream tcp nowait root internal echo\n")
    proc = subprocess.Popen([daemon, "-d", "-p", str(tmp_path / "pid"), str(conf)],
                            stderr=subprocess.PIPE, text=True)
    try:
        for line in proc.stderr:
            if "notice: started: " in line:
                break
        assert tcp_exchange(port, b"installed\n") == b"installed\n"
    finally:
        proc.terminate()
        proc.wait(30)
    assert proc.returncode == 0


@pytest.mark.parametrize("page", ["man8/ninetd.8", "man5/ninetd.conf.5"])
def test_manuals_lint_clean(installed, page):
    path = under(installed, f"{PREFIX}/share/man/{page}")
    lint = subprocess.run(["mandoc", "-T", "lint", path], capture_output=True,
                          text=True)
    assert (lint.returncode, lint.stdout, lint.stderr) == (0, "", "")
    shown = subprocess.run(["man", "--warnings", "-l", path], capture_output=True, text=True,
                           env={**os.environ, "MANWIDTH": "80", "LC_ALL": "C.UTF-8",
                                "MAN_KEEP_STDERR": "1"})
    assert shown.returncode == 0
    assert shown.stderr == ""
    assert "NAME" in shown.stdout


def options_in(text):
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*[a-z0-9]|-[a-zA-Z])(?![\w-])", text))


def test_help_and_the_manual_name_the_same_options(installed):
    daemon = under(installed, f"{PREFIX}/sbin/ninetd")
    shown = subprocess.run([daemon, "--help"], capture_output=True, text=True, check=True).stdout
    # The usage lines cluster one-letter options ("[-dilwW]"): spelled out one by one.
    for cluster in re.findall(r"\[-([a-zA-Z]{2,})\]", shown):
        shown += " " + " ".join(f"-{letter}" for letter in cluster)
    page = subprocess.run(["man", "-l", under(installed, f"{PREFIX}/share/man/man8/ninetd.8")],
                          capture_output=True, text=True, check=True,
                          env={**os.environ, "MANWIDTH": "200", "LC_ALL": "C.UTF-8"}).stdout
    page = re.sub(r".\x08", "", page)  # overstrike bold and underline
    sections = dict(re.findall(r"^([A-Z][A-Z ]+)\n(.*?)(?=^[A-Z][A-Z ]+\n|\Z)", page,
                               re.MULTILINE | re.DOTALL))
    documented = options_in(sections["SYNOPSIS"] + sections["OPTIONS"])
    assert {"-d", "-t", "--max-children", "--xinetd"} <= documented  # the sections were found
    assert options_in(shown) - documented == set()
    assert documented - options_in(shown) == set()


def test_systemd_accepts_the_unit(installed, tmp_path):
    unit = open(under(installed, f"{PREFIX}/lib/systemd/system/ninetd.service")).read()
    assert f"ExecStart={PREFIX}/sbin/ninetd -i --fd-store\n" in unit
    assert "FileDescriptorStoreMax=4096\n" in unit
    assert "Type=notify\n" in unit
    # systemd-analyze checks that the commands exist: the unit is pointed at the installed copy.
    local = tmp_path / "ninetd.service"
    local.write_text(unit.replace(f"{PREFIX}/sbin/ninetd",
                                  under(installed, f"{PREFIX}/sbin/ninetd")))
    verified = subprocess.run(["systemd-analyze", "verify", str(local)], capture_output=True,
                              text=True,
                              env={**os.environ, "MANPATH": under(installed, f"{PREFIX}/share/man")})
    assert (verified.returncode, verified.stderr) == (0, "")
