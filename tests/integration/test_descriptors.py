"""Descriptors: the daemon raises its soft open-files limit to the hard one, and says in the log
when a configuration's listening sockets and its own reserve do not fit in what it can get."""
import resource

from conftest import free_port, tcp_exchange

# daemon/descriptor_budget.h: descriptors kept beyond the listening sockets.
RESERVE = 64


def limited(soft, hard):
    def set_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return set_limit


def unix_services(ninetd, count):
    return "".join(f"{ninetd.workdir}/s{i} stream unix nowait root /bin/cat cat\n"
                   for i in range(count))


def test_the_soft_limit_is_raised_to_the_hard_one(ninetd):
    port = free_port()
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait root /bin/echo echo hi\n",
                 preexec_fn=limited(256, 2048))
    assert resource.prlimit(ninetd.pid, resource.RLIMIT_NOFILE) == (2048, 2048)
    assert "open-files limit" not in ninetd.log()


def test_a_configuration_needing_more_descriptors_than_the_limit_is_logged(ninetd):
    port = free_port()
    services = 100
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait root /bin/echo echo served\n"
                 + unix_services(ninetd, services - 1),
                 preexec_fn=limited(64, 128))
    line = ninetd.wait_log("warning: the configuration needs ")
    assert (f"needs {services + RESERVE} descriptors ({services} listening sockets and "
            f"{RESERVE} for the daemon's own use and its connections), more than the "
            "open-files limit of 128") in line, line
    assert "raise the hard limit" in line
    # The services that did get a socket work.
    assert tcp_exchange(port) == b"served\n"


def test_a_reload_that_outgrows_the_limit_is_logged_and_one_that_fits_is_not(ninetd):
    fits = 128 - RESERVE
    ninetd.start(unix_services(ninetd, fits), preexec_fn=limited(128, 128))
    assert "the configuration needs" not in ninetd.log()
    grown = ninetd.reload(unix_services(ninetd, fits + 1))
    reloaded = grown.index("notice: reloaded: 1 added")
    warned = grown.index(f"warning: the configuration needs 129 descriptors ({fits + 1} "
                         "listening sockets")
    assert warned > reloaded
    shrunk = ninetd.reload(unix_services(ninetd, fits))
    assert "the configuration needs" not in shrunk, shrunk
