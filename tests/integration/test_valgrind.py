"""The daemon under valgrind: after connections to a builtin and to a launched server, a reload
and SIGTERM, it holds no descriptor at exit beyond the 0, 1 and 2 it was given, and memcheck
found no error. Under valgrind every launch is vfork-style (see HACKING.md), so the launch path
runs too, in its other form."""
import os
import pwd
import re
import shutil
import socket

import pytest

from conftest import SANITIZED, closed_unanswered, free_port, read_exactly, tcp_exchange

pytestmark = [
    pytest.mark.skipif(SANITIZED, reason="valgrind cannot run an ASan build"),
    pytest.mark.skipif(shutil.which("valgrind") is None, reason="needs valgrind"),
]

# memcheck's own status for an error, so it cannot pass for the daemon's.
ERROR_STATUS = 99
# Failure guard only: the daemon starts many times slower under valgrind.
VALGRIND_TIMEOUT = 300


def open_at_exit(log_text):
    """From "FILE DESCRIPTORS: N open (S std) at exit.": the count of open descriptors other than
    0, 1 and 2 (valgrind lists only those), and the numbers of those it lists."""
    summary = re.search(r"^==\d+== FILE DESCRIPTORS: (\d+) open(?: \((\d+) std\))?", log_text,
                        re.M)
    assert summary, f"no descriptor summary from valgrind:\n{log_text}"
    others = int(summary.group(1)) - int(summary.group(2) or 0)
    listed = [int(n) for n in re.findall(r"^==\d+== Open .*?(\d+):", log_text, re.M)]
    return others, listed


def test_no_descriptor_is_left_open_at_exit(ninetd):
    user = pwd.getpwuid(os.getuid()).pw_name
    echo_port, cat_port, later_port = free_port(), free_port(), free_port()
    forward_port, dead_port, nobody_port = free_port(), free_port(), free_port()
    # Forwarded connections: to the daemon's own echo, and to a port nobody serves.
    conf = (f"127.0.0.1:{echo_port} stream tcp nowait {user} internal echo\n"
            f"127.0.0.1:{cat_port} stream tcp nowait {user} /bin/cat cat\n"
            f"127.0.0.1:{forward_port} on protocol = tcp4, redirect = 127.0.0.1 {echo_port};\n"
            f"127.0.0.1:{dead_port} on protocol = tcp4, redirect = 127.0.0.1 {nobody_port};\n")
    vg_log = os.path.join(ninetd.workdir, "valgrind.log")
    # Only the daemon's own process reports: the configuration loader is a fork of it that
    # exits with the pipe it writes to still open, by design.
    wrapper = ["valgrind", "--track-fds=yes", "--child-silent-after-fork=yes",
               "--leak-check=full", "--errors-for-leak-kinds=definite",
               f"--error-exitcode={ERROR_STATUS}", f"--log-file={vg_log}"]
    ninetd.start(conf, wrapper=wrapper, timeout=VALGRIND_TIMEOUT)

    assert tcp_exchange(echo_port, b"ping\r\n", timeout=VALGRIND_TIMEOUT) == b"ping\r\n"
    assert tcp_exchange(cat_port, b"meow\n", timeout=VALGRIND_TIMEOUT) == b"meow\n"
    reloaded = ninetd.reload(conf + f"127.0.0.1:{later_port} stream tcp nowait {user} "
                                    "internal echo\n", timeout=VALGRIND_TIMEOUT)
    assert "notice: reloaded: " in reloaded
    assert tcp_exchange(later_port, b"again\n", timeout=VALGRIND_TIMEOUT) == b"again\n"
    assert tcp_exchange(forward_port, b"via\n", timeout=VALGRIND_TIMEOUT) == b"via\n"
    with socket.create_connection(("127.0.0.1", dead_port), timeout=VALGRIND_TIMEOUT) as s:
        assert closed_unanswered(s)
    # One forwarded connection still open at SIGTERM: the stop closes both its sockets.
    held = socket.create_connection(("127.0.0.1", forward_port), timeout=VALGRIND_TIMEOUT)
    held.sendall(b"held\n")
    assert read_exactly(held, 5) == b"held\n"

    status = ninetd.stop(timeout=VALGRIND_TIMEOUT)
    held.close()
    with open(vg_log) as f:
        report = f.read()
    assert status == 0, f"exit status {status}; valgrind:\n{report}\ndaemon:\n{ninetd.log()}"
    others, listed = open_at_exit(report)
    assert others == 0 and [fd for fd in listed if fd > 2] == [], \
        f"descriptors left open at exit:\n{report}"
