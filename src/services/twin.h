// Family twins: BSD files list a service once per address family, a "tcp"
// line and a "tcp6" line (or "udp" and "udp6") side by side. ninetd's "tcp"
// already opens the IPv6-only socket that the "tcp6" line asks for, so the
// second line would bind a socket the first one holds. When the two ask for
// exactly the same thing there, the socket is opened once and the loader only
// warns; any difference stays an error (see docs/compatibility.md).
#pragma once

#include "config/service_spec.h"
#include "services/service.h"

namespace ninetd::services {

// True when `later`, the socket a line asks for, is the IPv6 half of `earlier`
// from another line on the same socket, one line "tcp" ("udp") and the other
// "tcp6" ("udp6"), in either order, and the two sockets would be served
// identically: same socket type, transport, address and port, IPV6_V6ONLY,
// buffer sizes, listen_fds, wait mode, limits, builtin or program and argv,
// credentials and login class. Only the service's name (its protocol word, or
// a port number written for a name) may differ. tcpmux names have no socket of
// their own and are never twins.
bool family_twins(const Service& earlier, config::FamilyRule earlier_family, const Service& later,
                  config::FamilyRule later_family);

}  // namespace ninetd::services
