// ConnectionPolicy: what a service does with each connection beyond its
// access lists and limits (xinetd's banners, access_times and max_load), as
// the daemon runs it: the banners' bytes, read by the loader when the
// configuration is loaded (a reload reads them again), and the checks.
// A service without any of these has none: it lives in the service's
// ServiceExtras (services/service_extras.h), which most services do without.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/service_spec.h"
#include "limits/access_times.h"

namespace ninetd::services {

struct ConnectionPolicy {
  std::array<std::string, config::kBannerKinds> banners;  // by config::BannerKind; empty: none
  std::vector<limits::MinuteRange> access_times;          // empty: any time
  std::optional<std::uint32_t> max_load;                  // hundredths

  const std::string& banner(config::BannerKind kind) const {
    return banners[static_cast<std::size_t>(kind)];
  }
  bool empty() const;
  bool operator==(const ConnectionPolicy&) const = default;
};

// Why a client is refused by a policy, or allowed.
enum class PolicyVerdict : std::uint8_t { allowed, outside_access_times, over_max_load };

// The verdict for a client at `minute` of the local day with the load at
// `load` (hundredths; nullopt: unreadable, which refuses nothing, as xinetd).
// Pure: the daemon reads the clock and the load only for a policy that has
// access_times or max_load.
PolicyVerdict judge(const ConnectionPolicy& policy, unsigned minute,
                    std::optional<std::uint32_t> load);

}  // namespace ninetd::services
