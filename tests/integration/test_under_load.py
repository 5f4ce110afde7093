"""Nothing lost under load, nor across reloads made under it (issue 11): every connection of a
long run is answered byte for byte, and the daemon ends with the descriptors and memory it
started with. NINETD_LOAD_CONNECTIONS scales the run (20000 by default)."""
import os
import socket

from conftest import (SANITIZED, TIMEOUT, closed_unanswered, free_port, read_line, tcp_exchange,
                      wait_until, write_script)
from survival import Load, fd_count, rss_kb

CONNECTIONS = int(os.environ.get("NINETD_LOAD_CONNECTIONS", "20000"))
CLIENTS = 64
# Larger than a loopback socket's buffers (and than echo's 16 KiB): these exercise
# back-pressure in both directions.
LARGE = 600 * 1024


def payload(i):
    head = f"connection {i}\n".encode()
    if i % 97 == 0:
        return head + os.urandom(LARGE)
    if i % 13 == 0:
        return head + os.urandom(20 * 1024)
    return head + os.urandom(64 + i % 200)


def load_conf(ports):
    return (f"127.0.0.1:{ports['cat']} stream tcp nowait nobody /bin/cat cat\n"
            f"127.0.0.1:{ports['cat_small']} stream tcp4,sndbuf=4096 nowait nobody /bin/cat cat\n"
            f"127.0.0.1:{ports['echo']} stream tcp nowait root internal echo\n"
            f"127.0.0.1:{ports['echo_small']} stream tcp4,sndbuf=4096 nowait root internal echo\n")


def test_nothing_is_lost_under_load(ninetd):
    ports = {name: free_port() for name in ("cat", "cat_small", "echo", "echo_small")}
    ninetd.start(load_conf(ports), args=())
    for port in ports.values():
        assert tcp_exchange(port, b"warm up") == b"warm up"
    wait_until(lambda: ninetd.dump()[1].startswith("notice: 4 services, 0 servers running"),
               what="the warm-up servers to exit")
    fds_before, rss_before = fd_count(ninetd.pid), rss_kb(ninetd.pid)

    load = Load(list(ports.values()), CONNECTIONS, CLIENTS, payload).start()
    load.join()
    assert load.failures == [], f"{len(load.failures)} failed, first: {load.failures[:5]}"
    assert load.ok == CONNECTIONS
    print(f"\nfigures: {load.ok} connections from {CLIENTS} clients, none lost")

    wait_until(lambda: ninetd.dump()[1].startswith("notice: 4 services, 0 servers running, "
                                                   "0 builtin sessions"),
               what="every server and session to end")
    assert fd_count(ninetd.pid) == fds_before
    grown = rss_kb(ninetd.pid) - rss_before
    # ASan keeps freed memory in quarantine: resident size says nothing there.
    assert SANITIZED or grown < 1024, f"resident memory grew by {grown} KB"
    table, _ = ninetd.dump()
    for name, port in ports.items():
        (_, counters), = table[f"{port}/tcp" if "small" not in name else f"{port}/tcp4"]
        assert counters["refused"] == 0 and counters["spawn_failures"] == 0, (name, counters)
    assert "error:" not in ninetd.log()


def held_server(pubdir):
    return write_script(pubdir, "held.sh", "#!/bin/sh\necho hello\nread line\n")


def test_fifty_reloads_under_load_lose_nothing_and_apply_every_change(ninetd, pubdir):
    ports = {name: free_port() for name in
             ("cat", "cat_small", "echo", "echo_small", "gen", "limited", "capped", "extra")}
    held = held_server(pubdir)

    def conf(generation):
        text = load_conf(ports)
        # Changed at every reload: the reply names the generation.
        text += f"127.0.0.1:{ports['gen']} stream tcp nowait nobody /bin/echo echo gen {generation}\n"
        # Per-source limit of 1 server; the per-minute limit changes, replacing the table.
        text += (f"127.0.0.1:{ports['limited']} stream tcp nowait/0/{100 + generation}/1 nobody "
                 f"/bin/sh sh {held}\n")
        # At most one server, whatever else changes (its argv0 does).
        text += f"127.0.0.1:{ports['capped']} stream tcp nowait/1 nobody /bin/sh held{generation} {held}\n"
        # Added on even generations, removed on odd ones.
        if generation % 2 == 0:
            text += f"127.0.0.1:{ports['extra']} stream tcp nowait root internal echo\n"
        return text

    ninetd.start(conf(0), args=())
    with socket.create_connection(("127.0.0.1", ports["limited"]), timeout=TIMEOUT) as limited, \
            socket.create_connection(("127.0.0.1", ports["capped"]), timeout=TIMEOUT) as capped:
        assert read_line(limited) == b"hello\n"
        assert read_line(capped) == b"hello\n"
        load_ports = [ports[n] for n in ("cat", "cat_small", "echo", "echo_small")]
        load = Load(load_ports, 10 ** 9, 16, payload).start()
        try:
            for generation in range(1, 51):
                log = ninetd.reload(conf(generation))
                assert "notice: reloaded: " in log, log
                assert tcp_exchange(ports["gen"]) == f"gen {generation}\n".encode()
                if generation % 2 == 0:
                    assert tcp_exchange(ports["extra"], b"back") == b"back"
                else:
                    try:
                        tcp_exchange(ports["extra"], b"gone")
                        raise AssertionError("a removed service still answered")
                    except ConnectionRefusedError:
                        pass
                if generation % 10 == 0:
                    # The per-source count and the max-child survived every reload.
                    with socket.create_connection(("127.0.0.1", ports["limited"]),
                                                  timeout=TIMEOUT) as second:
                        assert closed_unanswered(second), "a second server for 127.0.0.1"
                    table, _ = ninetd.dump()
                    (_, counters), = table[f"{ports['capped']}/tcp"]
                    assert counters["children"] == 1, counters
        finally:
            load.stop.set()
            load.join(TIMEOUT)
        assert load.failures == [], f"{len(load.failures)} failed, first: {load.failures[:5]}"
        assert load.ok > 0
        print(f"\nfigures: 50 reloads under load, {load.ok} connections meanwhile, none lost")
    assert ninetd.alive()
    assert "reload failed" not in ninetd.log()
