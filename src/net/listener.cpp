#include "net/listener.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "builtins/table.h"

namespace ninetd::net {
namespace {

int socket_type_of(config::SocketType type) {
  switch (type) {
    case config::SocketType::stream:
      return SOCK_STREAM;
    case config::SocketType::dgram:
      return SOCK_DGRAM;
    case config::SocketType::raw:
      return SOCK_RAW;
    case config::SocketType::seqpacket:
      return SOCK_SEQPACKET;
  }
  return SOCK_STREAM;
}

int raw_protocol_of(const services::Service& service) {
  if (service.socket_type != config::SocketType::raw) return 0;
  return service.transport == config::Transport::udp ? IPPROTO_UDP : IPPROTO_TCP;
}

constexpr int kDeferAcceptSeconds = 5;

// TCP builtins that wait for the client's first bytes before they answer,
// and services configured with the "dataready" accept filter.
bool waits_for_client(const services::Service& service) {
  if (service.transport != config::Transport::tcp ||
      service.socket_type != config::SocketType::stream)
    return false;
  return service.defer_accept || (service.builtin != config::Builtin::none &&
                                  builtins::row(service.builtin).client_speaks_first);
}

sys::Result<void> set_int_option(int fd, int level, int name, int value, const char* what) {
  if (setsockopt(fd, level, name, &value, sizeof(value)) < 0) return sys::last_error(what);
  return {};
}

// bind() for a unix socket, creating its file with mode 0666: servers check
// their clients themselves, and the socket is reachable by all local users, as
// with FreeBSD inetd and systemd's default SocketMode=0666. The file gets 0777
// less the umask. fchmod on the socket before bind does not reach the file on
// Linux, and chmod by path after bind would follow whatever is at the path by
// then, a symlink swapped in included. Binding in a private directory and
// renaming into place needs a writable directory beside the path and leaves
// the name missing for a moment. So the umask is set for this one call: it is
// process-wide, but the daemon is single-threaded and restores it at once.
int bind_with_mode_0666(int fd, const SocketAddress& address) {
  mode_t saved = ::umask(0111);
  int result = ::bind(fd, address.get(), address.length());
  int error = errno;
  ::umask(saved);
  errno = error;
  return result;
}

// Whether `path` holds a socket nobody listens on: one left by an earlier run
// that was killed. bind() fails on anything at the path and follows no
// symlink; only such a socket is removed, never a file, a symlink or a socket
// another program still serves (connect() then succeeds, or is refused with
// EPROTOTYPE for a socket of another type). What lies at the path can change
// between this check and unlink(); unlink() removes a name, never what a
// symlink points to, so the race can only remove a name that whoever swapped
// it in could remove themselves.
bool is_stale_socket(const std::string& path, const SocketAddress& address, int type) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) return false;
  sys::Fd probe(::socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!probe) return false;
  return ::connect(probe.get(), address.get(), address.length()) < 0 && errno == ECONNREFUSED;
}

sys::Result<void> bind_unix(int fd, const SocketAddress& address, int type) {
  if (bind_with_mode_0666(fd, address) == 0) return {};
  sys::SysError error = sys::last_error("bind");
  std::string path = address.ip();
  if (error.code != EADDRINUSE || !is_stale_socket(path, address, type)) return error;
  ::unlink(path.c_str());
  if (bind_with_mode_0666(fd, address) < 0) return sys::last_error("bind");
  return {};
}

}  // namespace

sys::Result<void> set_buffer_sizes(int fd, const services::Service& service) {
  if (service.sndbuf) {
    if (auto r = set_int_option(fd, SOL_SOCKET, SO_SNDBUF, *service.sndbuf, "setsockopt SO_SNDBUF");
        !r)
      return r;
  }
  if (service.rcvbuf) {
    if (auto r = set_int_option(fd, SOL_SOCKET, SO_RCVBUF, *service.rcvbuf, "setsockopt SO_RCVBUF");
        !r)
      return r;
  }
  return {};
}

sys::Result<void> set_defer_accept(int fd, const services::Service& service) {
  if (service.transport != config::Transport::tcp ||
      service.socket_type != config::SocketType::stream)
    return {};
  // In place: the kernel reads it at each handshake; 0 turns it off.
  return set_int_option(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT,
                        waits_for_client(service) ? kDeferAcceptSeconds : 0,
                        "setsockopt TCP_DEFER_ACCEPT");
}

sys::Result<void> set_tcp_flags(int fd, const services::Service& service, bool always) {
  if (service.transport != config::Transport::tcp ||
      service.socket_type != config::SocketType::stream)
    return {};
  if (always || service.nodelay)
    if (auto r = set_int_option(fd, IPPROTO_TCP, TCP_NODELAY, service.nodelay ? 1 : 0,
                                "setsockopt TCP_NODELAY");
        !r)
      return r;
  if (always || service.keepalive)
    return set_int_option(fd, SOL_SOCKET, SO_KEEPALIVE, service.keepalive ? 1 : 0,
                          "setsockopt SO_KEEPALIVE");
  return {};
}

sys::Result<void> set_nonblocking(int fd, bool nonblocking) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0) return sys::last_error("fcntl");
  flags = nonblocking ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
  if (fcntl(fd, F_SETFL, flags) < 0) return sys::last_error("fcntl");
  return {};
}

bool has_pending_connection(int fd) {
  pollfd probe{fd, POLLIN, 0};
  return ::poll(&probe, 1, 0) == 1 && (probe.revents & POLLIN) != 0;
}

sys::Result<sys::Fd> open_listener(const services::Service& service, bool daemon_accepts) {
  const SocketAddress address = service.address.expand();
  int type = socket_type_of(service.socket_type) | SOCK_CLOEXEC;
  if (daemon_accepts) type |= SOCK_NONBLOCK;
  sys::Fd fd(::socket(address.family(), type, raw_protocol_of(service)));
  if (!fd) return sys::last_error("socket");

  if (address.family() != AF_UNIX) {
    if (auto r = set_int_option(fd.get(), SOL_SOCKET, SO_REUSEADDR, 1, "setsockopt SO_REUSEADDR");
        !r)
      return r.error();
  }
  if (address.family() == AF_INET6) {
    // Set both ways so the result never depends on net.ipv6.bindv6only.
    if (auto r = set_int_option(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, service.v6only ? 1 : 0,
                                "setsockopt IPV6_V6ONLY");
        !r)
      return r.error();
  }
  if (auto r = set_buffer_sizes(fd.get(), service); !r) return r.error();
  if (auto r = set_tcp_flags(fd.get(), service, false); !r) return r.error();
  if (address.family() == AF_UNIX) {
    if (auto r = bind_unix(fd.get(), address, socket_type_of(service.socket_type)); !r)
      return r.error();
  } else if (service.socket_type != config::SocketType::raw &&
             ::bind(fd.get(), address.get(), address.length()) < 0) {
    return sys::last_error("bind");
  }
  if (waits_for_client(service)) {
    // The kernel hands over the connection only once the client's first bytes
    // are there, so the builtin serves it in one pass without waiting in the
    // loop. After the timeout the connection is accepted anyway.
    if (auto r = set_int_option(fd.get(), IPPROTO_TCP, TCP_DEFER_ACCEPT, kDeferAcceptSeconds,
                                "setsockopt TCP_DEFER_ACCEPT");
        !r)
      return r.error();
  }
  bool listens = service.socket_type == config::SocketType::stream ||
                 service.socket_type == config::SocketType::seqpacket;
  if (listens && ::listen(fd.get(), kListenBacklog) < 0) return sys::last_error("listen");
  return fd;
}

}  // namespace ninetd::net
