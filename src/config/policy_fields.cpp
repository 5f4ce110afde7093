#include "config/policy_fields.h"

#include <fmt/format.h>

#include "limits/load_limit.h"

namespace ninetd::config {

std::string_view banner_key(BannerKind kind) {
  switch (kind) {
    case BannerKind::always:
      return "banner";
    case BannerKind::success:
      return "banner_success";
    case BannerKind::fail:
      return "banner_fail";
  }
  return "banner";
}

bool PolicySpec::has_banner() const {
  for (const BannerSpec& banner : banners)
    if (!banner.path.empty()) return true;
  return false;
}

std::string banner_path_problem(std::string_view path) {
  if (path.empty() || path.front() != '/')
    return fmt::format("needs the absolute path of a file, got \"{}\"", path);
  return {};
}

std::string read_access_times(std::span<const Word> values, PolicySpec& policy, const Word*& bad) {
  policy.access_times_given = true;
  for (const Word& value : values) {
    std::string problem;
    if (!limits::parse_access_time(value.text, policy.access_times, problem)) {
      bad = &value;
      return problem;
    }
  }
  return {};
}

std::string read_max_load(const Word& value, PolicySpec& policy) {
  auto load = limits::parse_max_load(value.text);
  if (!load)
    return fmt::format(
        "max_load needs a load average from 0 to {} with at most two decimals "
        "(2, 2.5, 0.75), got \"{}\"",
        limits::format_load(limits::kMaxLoadHundredths), value.text);
  policy.max_load = *load;
  return {};
}

std::string max_load_warning(const PolicySpec& policy) {
  if (policy.max_load != 0U) return {};
  return "max_load = 0 refuses every client (the load average is never below 0; xinetd "
         "refuses this value)";
}

std::string_view banner_misfit(const ServiceSpec& spec) {
  if (spec.tcpmux) return "a tcpmux service's client speaks first, through tcpmux";
  if (spec.socket_type == SocketType::dgram || spec.socket_type == SocketType::raw)
    return "the service has no connection to write it to (stream and seqpacket only)";
  if (spec.wait_mode == WaitMode::wait) return "its server accepts the connections (wait = yes)";
  return {};
}

std::string_view admission_misfit(const ServiceSpec& spec) {
  if (spec.socket_type == SocketType::raw) return "the daemon sees no client of a raw socket";
  if (spec.wait_mode == WaitMode::wait && spec.socket_type != SocketType::dgram)
    return "its server accepts the connections itself (wait = yes)";
  return {};
}

}  // namespace ninetd::config
