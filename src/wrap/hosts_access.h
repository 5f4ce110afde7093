// libwrap's hosts.allow / hosts.deny check (hosts_access(5)). libwrap is
// loaded with dlopen by the checker processes only (daemon/wrap_checker.h):
// linked into the daemon it would bring libnsl, libtirpc and five Kerberos
// libraries into every ninetd, resident and relocated at start, for an
// option most installations never use. It may look the client's name up in
// DNS, so it runs only in those processes, never in the daemon's loop.
#pragma once

#include <sys/socket.h>

#include <string>

namespace ninetd::wrap {

// Whether this build knows libwrap's interface (-w and -W need it).
bool available();

enum class Verdict { refused, allowed, unavailable };

// hosts_access(5) for `daemon` (a server program's basename, or a builtin's
// name) and the client at `peer`. `unavailable` when libwrap could not be
// loaded (`problem` says why).
Verdict hosts_allow(const char* daemon, const sockaddr* peer, std::string& problem);

}  // namespace ninetd::wrap
