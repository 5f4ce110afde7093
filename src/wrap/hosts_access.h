// libwrap's hosts.allow / hosts.deny check (hosts_access(5)), when ninetd is
// built with libwrap. It may look the client's name up in DNS, so it runs only
// in the checker processes (daemon/wrap_checker.h), never in the daemon's loop.
#pragma once

#include <sys/socket.h>

namespace ninetd::wrap {

// Whether this build has libwrap (-w and -W need it).
bool available();

// hosts_access(5) for `daemon` (a server program's basename, or a builtin's
// name) and the client at `peer`: true when access is granted. Without
// libwrap, always true.
bool hosts_allow(const char* daemon, const sockaddr* peer);

}  // namespace ninetd::wrap
