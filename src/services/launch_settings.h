// LaunchSettings: what a service's servers are started with beyond its user
// and argv: a login class's limits, variables added to the environment, a
// nice value, a umask and resource limits of its own. Most services have
// none: they are a part of the service's ServiceExtras (service_extras.h),
// immutable once made and shared (services of one entry, of one class).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/launch_spec.h"
#include "services/login_class.h"

namespace ninetd::services {

static_assert(config::kUnlimited == RLIM_INFINITY, "UNLIMITED is the kernel's RLIM_INFINITY");

struct LaunchSettings {
  // "user/class" or login_class =: the class with the limits the loader found.
  std::optional<LoginClass> login_class;
  // NAME=VALUE, names unique: passenv's (read when the configuration was
  // loaded), then env's, which win over passenv's for the same name.
  std::vector<std::string> environment;
  std::optional<int> nice;
  std::optional<std::uint32_t> umask;
  // rlimit_*: soft and hard alike, as xinetd sets them; one per resource.
  std::vector<ResourceLimit> limits;

  bool empty() const {
    return !login_class && environment.empty() && !nice && !umask && limits.empty();
  }
  // The limits a launch sets: the class's, each replaced by an explicit limit
  // of the same resource, then the explicit ones.
  std::vector<ResourceLimit> effective_limits() const;
  bool operator==(const LaunchSettings&) const = default;
};

}  // namespace ninetd::services
