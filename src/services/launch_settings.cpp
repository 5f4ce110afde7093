#include "services/launch_settings.h"

#include <algorithm>

namespace ninetd::services {

std::vector<ResourceLimit> LaunchSettings::effective_limits() const {
  std::vector<ResourceLimit> out;
  if (login_class)
    for (const ResourceLimit& limit : login_class->limits)
      if (std::none_of(limits.begin(), limits.end(),
                       [&](const ResourceLimit& own) { return own.resource == limit.resource; }))
        out.push_back(limit);
  out.insert(out.end(), limits.begin(), limits.end());
  return out;
}

}  // namespace ninetd::services
