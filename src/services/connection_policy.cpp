#include "services/connection_policy.h"

namespace ninetd::services {

bool ConnectionPolicy::empty() const {
  for (const std::string& banner : banners)
    if (!banner.empty()) return false;
  return access_times.empty() && !max_load;
}

PolicyVerdict judge(const ConnectionPolicy& policy, unsigned minute,
                    std::optional<std::uint32_t> load) {
  if (!policy.access_times.empty() && !limits::within(policy.access_times, minute))
    return PolicyVerdict::outside_access_times;
  if (policy.max_load && load && *load >= *policy.max_load) return PolicyVerdict::over_max_load;
  return PolicyVerdict::allowed;
}

}  // namespace ninetd::services
