// Listener: the socket a service is reached on, created as its protocol says
// (family, IPV6_V6ONLY, buffer sizes), bound, and listening when it is a stream.
// Always non-blocking and close-on-exec: only the spawner hands it to a child.
#pragma once

#include "services/service.h"
#include "sys/fd.h"
#include "sys/result.h"

namespace ninetd::net {

inline constexpr int kListenBacklog = 1024;  // capped by net.core.somaxconn

sys::Result<sys::Fd> open_listener(const services::Service& service);

}  // namespace ninetd::net
