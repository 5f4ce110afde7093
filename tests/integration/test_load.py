"""Many clients: 200 at once to an exec'd nowait service; no descriptor leak over 2,000."""
import os
import socket
import threading

from conftest import (DAYTIME_RE, TIMEOUT, fd_table, free_port, read_to_eof, tcp_exchange,
                      udp_exchange, wait_until)

CLIENTS = 200


def quiescent(ninetd):
    """Waits until no server and no builtin session is left; returns the dump."""
    def idle():
        table, header = ninetd.dump()
        return (table, header) if " 0 servers running, 0 builtin sessions;" in header else None
    return wait_until(idle, what="all servers and sessions to finish")


def test_200_concurrent_clients(ninetd):
    port = free_port()
    ninetd.start(f"127.0.0.1:{port} stream tcp nowait nobody /bin/cat cat\n", args=())
    barrier = threading.Barrier(CLIENTS + 1, timeout=120)
    results = [None] * CLIENTS

    def client(i):
        payload = f"client {i}\n".encode() * (i + 1) + os.urandom(i)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=120) as s:
                # Every client is connected (and every cat started) before any sends.
                barrier.wait()
                s.sendall(payload)
                s.shutdown(socket.SHUT_WR)
                reply = read_to_eof(s)
            results[i] = "ok" if reply == payload else f"wrong reply ({len(reply)} bytes)"
        except Exception as e:  # noqa: BLE001 - recorded and asserted below
            barrier.abort()
            results[i] = repr(e)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        pass
    for t in threads:
        t.join(180)
    problems = {i: r for i, r in enumerate(results) if r != "ok"}
    assert problems == {}
    table, header = quiescent(ninetd)
    (_, counters), = table[f"{port}/tcp"]
    assert counters == {"connections": CLIENTS, "children": 0, "spawn_failures": 0,
                        "refused": 0, "by_access": 0}
    assert ninetd.alive()


def test_no_descriptor_leak_after_2000_connections(ninetd):
    ports = {name: free_port() for name in ("echo", "daytime", "cat", "tcpmux")}
    ninetd.start(f"127.0.0.1:{ports['echo']} stream tcp nowait root internal echo\n"
                 f"127.0.0.1:{ports['echo']} dgram udp wait root internal echo\n"
                 f"127.0.0.1:{ports['daytime']} stream tcp nowait root internal daytime\n"
                 f"127.0.0.1:{ports['cat']} stream tcp nowait nobody /bin/cat cat\n"
                 f"127.0.0.1:{ports['tcpmux']} stream tcp nowait root internal tcpmux\n"
                 f"tcpmux/+cat stream tcp nowait nobody /bin/cat cat\n", args=())

    def one(kind, n):
        payload = f"{kind} {n}\n".encode()
        if kind == "echo":
            assert tcp_exchange(ports["echo"], payload) == payload
        elif kind == "udp":
            assert udp_exchange(ports["echo"], payload) == payload
        elif kind == "daytime":
            assert DAYTIME_RE.match(tcp_exchange(ports["daytime"]))
        elif kind == "cat":
            assert tcp_exchange(ports["cat"], payload) == payload
        elif kind == "tcpmux":
            assert tcp_exchange(ports["tcpmux"], b"cat\r\n" + payload) == b"+Go\r\n" + payload
        elif kind == "reset":
            # A client that closes without reading: the daemon must still close its end.
            with socket.create_connection(("127.0.0.1", ports["echo"]), timeout=TIMEOUT) as s:
                s.sendall(payload)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")

    kinds = ["echo", "daytime", "cat", "tcpmux", "reset"]
    for kind in kinds + ["udp"]:  # warm up every path once
        one(kind, 0)
    quiescent(ninetd)
    before = fd_table(ninetd.pid)

    total = 2000
    errors = []

    def worker(w):
        try:
            for n in range(w, total, 4):
                one(kinds[n % len(kinds)], n)
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(240)
    assert errors == []
    table, header = quiescent(ninetd)
    after = fd_table(ninetd.pid)
    assert after == before
    assert len(after) == len(before)
    def counters(name):
        (_, values), = table[name]
        return values
    per_kind = total // len(kinds) + 1  # + the warm-up
    assert counters(f"{ports['echo']}/tcp")["connections"] == 2 * per_kind  # echo and reset
    assert counters(f"{ports['daytime']}/tcp")["connections"] == per_kind
    assert counters(f"{ports['cat']}/tcp") == {"connections": per_kind, "children": 0,
                                              "spawn_failures": 0, "refused": 0,
                                              "by_access": 0}
    assert counters(f"{ports['tcpmux']}/tcp")["connections"] == per_kind
    assert counters("tcpmux/+cat/tcp")["connections"] == per_kind
    assert "udp builtins answered 1, refused 0" in header
    assert ninetd.alive()
