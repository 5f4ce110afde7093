// A connection's client as the per-source limits see it, from accept to the
// end of its server or session.
#pragma once

#include <string>

#include "net/compact_address.h"

namespace ninetd::daemon {

struct Client {
  // No family: a server given the socket itself. Compact, since a client is
  // kept for as long as its server or session runs.
  net::CompactAddress peer;
  // The per-source key: made at admission when a limit needs it, and for a
  // unix client (its uid can be read only from the connection); otherwise
  // only when a reload adds per-source limits (Supervisor::recount_sources).
  std::string source;
  bool counted = false;       // counted in the service's per-source children
  bool wrap_checked = false;  // libwrap (-w, -W) has allowed it
};

}  // namespace ninetd::daemon
