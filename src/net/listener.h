// Listener: the socket a service is reached on, created as its protocol says
// (family, IPV6_V6ONLY, buffer sizes), bound, and listening when it is a stream.
// Always close-on-exec: only the spawner hands it to a child.
#pragma once

#include "services/service.h"
#include "sys/fd.h"
#include "sys/result.h"

namespace ninetd::net {

inline constexpr int kListenBacklog = 1024;  // capped by net.core.somaxconn

// `daemon_accepts`: non-blocking, for the daemon's accept loop; otherwise the
// socket is handed to servers and stays blocking, as they expect.
sys::Result<sys::Fd> open_listener(const services::Service& service, bool daemon_accepts);

// For a reload that keeps the socket: the buffer sizes the service asks for
// (an option taken away cannot be undone in place), and the blocking mode.
sys::Result<void> set_buffer_sizes(int fd, const services::Service& service);
// TCP_DEFER_ACCEPT on or off as the service asks, for a reload that changed it.
sys::Result<void> set_defer_accept(int fd, const services::Service& service);
// TCP_NODELAY and SO_KEEPALIVE as the service asks (accepted sockets inherit
// both); `always`: set them off too, for a reload that changed them.
sys::Result<void> set_tcp_flags(int fd, const services::Service& service, bool always);
sys::Result<void> set_nonblocking(int fd, bool nonblocking);

// Whether a listening socket has a connection waiting, without taking it. An
// accept() that finds none costs far more: the kernel makes the new socket's
// file before it looks at the queue (docs/performance.md, finding 21).
bool has_pending_connection(int fd);

}  // namespace ninetd::net
