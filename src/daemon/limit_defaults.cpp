#include "daemon/limit_defaults.h"

namespace ninetd::daemon {

void apply_limit_defaults(std::vector<services::Service>& services, const LimitDefaults& defaults) {
  if (!defaults.any()) return;
  for (services::Service& service : services) {
    services::Limits& limits = service.limits;
    if (limits.max_child == 0) limits.max_child = defaults.max_child;
    if (limits.max_conn_per_ip_per_minute == 0)
      limits.max_conn_per_ip_per_minute = defaults.max_conn_per_ip_per_minute;
    if (limits.max_per_minute == 0) limits.max_per_minute = defaults.max_per_minute;
    if (limits.max_child_per_ip == 0) limits.max_child_per_ip = defaults.max_child_per_ip;
  }
}

}  // namespace ninetd::daemon
