// The daemon-wide limits FreeBSD's inetd spells -c, -C, -R and -s: each is
// the default of the service limit of the same meaning, for every service
// whose entry does not set that limit. Applied in the daemon to each loaded
// definition before it is compared with the running one, so a reload and the
// SIGUSR1 table see the limits in force. Pure.
#pragma once

#include <vector>

#include "services/service.h"

namespace ninetd::daemon {

struct LimitDefaults {
  unsigned max_child = 0;                   // -c: children at once per service
  unsigned max_conn_per_ip_per_minute = 0;  // -C: connections per source per minute
  unsigned max_per_minute = 0;              // -R: launches per service per minute
  unsigned max_child_per_ip = 0;            // -s: children at once per source
  bool any() const {
    return max_child != 0 || max_conn_per_ip_per_minute != 0 || max_per_minute != 0 ||
           max_child_per_ip != 0;
  }
};

// Fills each limit a service leaves at 0 (unset) from `defaults`. Builtins
// answered at accept and datagram builtins have no children: only the rates
// reach them, as the service's own limits do.
void apply_limit_defaults(std::vector<services::Service>& services, const LimitDefaults& defaults);

}  // namespace ninetd::daemon
