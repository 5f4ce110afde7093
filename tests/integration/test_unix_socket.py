"""A unix service's socket file (net/listener.cpp): created 0666 by bind itself, never
chmod-ed by path afterwards (a symlink swapped in would be followed), nothing but a stale
socket is ever removed from its path, and a planted symlink is not followed."""
import ctypes
import os
import socket
import stat
import struct

from conftest import TIMEOUT, free_port, read_to_eof, tcp_exchange, write_script

IN_ATTRIB, IN_CREATE, IN_NONBLOCK = 0x4, 0x100, 0o4000


class DirectoryWatch:
    """inotify on a directory: the names of its entries whose attributes changed."""

    def __init__(self, directory):
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.fd = self.libc.inotify_init1(IN_NONBLOCK)
        assert self.fd >= 0, os.strerror(ctypes.get_errno())
        assert self.libc.inotify_add_watch(self.fd, directory.encode(),
                                           IN_ATTRIB | IN_CREATE) >= 0

    def events(self):
        found = []
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                return found
            offset = 0
            while offset < len(data):
                _, mask, _, length = struct.unpack_from("iIII", data, offset)
                name = data[offset + 16:offset + 16 + length].rstrip(b"\0").decode()
                found.append((mask, name))
                offset += 16 + length

    def close(self):
        os.close(self.fd)


def unix_exchange(path, data):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(TIMEOUT)
        s.connect(path)
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        return read_to_eof(s)


def test_the_socket_is_made_0666_by_bind_and_never_chmod_by_path(ninetd, pubdir):
    """Started with umask 077, the daemon's socket file is still srw-rw-rw- and root's; the
    file's attributes never change after bind creates it (chmod by path would show as an
    IN_ATTRIB event); the umask its servers get is the daemon's own again."""
    path = os.path.join(pubdir, "cat.sock")
    script = write_script(pubdir, "umask.sh", "#!/bin/sh\numask\n")
    port = free_port()
    watch = DirectoryWatch(pubdir)
    try:
        ninetd.start(f"{path} stream unix nowait nobody /bin/cat cat\n"
                     f"127.0.0.1:{port} stream tcp nowait nobody /bin/sh sh {script}\n",
                     preexec_fn=lambda: os.umask(0o077))
        events = [(mask, name) for mask, name in watch.events() if name == "cat.sock"]
    finally:
        watch.close()
    assert events and all(mask & IN_ATTRIB == 0 for mask, _ in events), events
    st = os.lstat(path)
    assert stat.filemode(st.st_mode) == "srw-rw-rw-"
    assert (st.st_uid, st.st_gid) == (0, 0)
    assert unix_exchange(path, b"through the socket\n") == b"through the socket\n"
    assert tcp_exchange(port) == b"0077\n"


def test_a_planted_symlink_is_not_followed(ninetd, pubdir):
    """A symlink at the socket's path (to a file of root's) is neither followed nor removed:
    bind fails and is retried, the target keeps its mode and contents."""
    path = os.path.join(pubdir, "planted.sock")
    target = os.path.join(pubdir, "precious")
    with open(target, "w") as f:
        f.write("root's data\n")
    os.chmod(target, 0o600)
    os.symlink(target, path)
    port = free_port()
    ninetd.start(f"{path} stream unix nowait root /bin/cat cat\n"
                 f"127.0.0.1:{port} stream tcp nowait root /bin/cat cat\n")
    ninetd.wait_log(f"error: {path}/unix: bind {path}: Address already in use; retrying "
                    "every 10 s")
    assert os.path.islink(path) and os.readlink(path) == target
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    with open(target) as f:
        assert f.read() == "root's data\n"
    assert tcp_exchange(port, b"others serve\n") == b"others serve\n"


def test_a_socket_another_program_serves_is_not_removed(ninetd, pubdir):
    """Only a stale socket is replaced: one that another program still listens on stays
    its own, and the daemon's bind is retried."""
    path = os.path.join(pubdir, "taken.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as theirs:
        theirs.bind(path)
        theirs.listen(8)
        ours = os.lstat(path).st_ino
        ninetd.start(f"{path} stream unix nowait root /bin/echo echo ninetd\n", wait_started=False)
        ninetd.wait_log(f"error: {path}/unix: bind {path}: Address already in use")
        assert os.lstat(path).st_ino == ours, "the other program's socket was replaced"


def test_a_stale_socket_is_replaced(ninetd, pubdir):
    path = os.path.join(pubdir, "stale.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as gone:
        gone.bind(path)  # closed without unlink: what a killed daemon leaves
    ninetd.start(f"{path} stream unix nowait root /bin/cat cat\n")
    assert stat.filemode(os.lstat(path).st_mode) == "srw-rw-rw-"
    assert unix_exchange(path, b"replaced\n") == b"replaced\n"


def test_a_removed_service_deletes_only_its_own_socket_file(ninetd, pubdir):
    """A unix service removed by a reload unlinks its path only if the name still leads to
    the socket it bound: in a directory others can write, the name may be someone else's
    file by then."""
    path = os.path.join(pubdir, "replaced.sock")
    port = free_port()
    keep = f"127.0.0.1:{port} stream tcp nowait root internal echo\n"
    ninetd.start(f"{path} stream unix nowait root internal echo\n" + keep)
    os.rename(path, path + ".moved")
    with open(path, "w") as f:
        f.write("someone else's file\n")
    ninetd.reload(keep)
    with open(path) as f:
        assert f.read() == "someone else's file\n"
    os.unlink(path + ".moved")
