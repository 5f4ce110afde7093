#include "daemon/policy_clock.h"

#include <fmt/format.h>

#include <cstdlib>
#include <ctime>

namespace ninetd::daemon {
namespace {

unsigned local_minute(std::int64_t unix_seconds) {
  auto t = static_cast<std::time_t>(unix_seconds);
  std::tm local{};
  // The zone is read once (tzset at the first call), so a changed
  // /etc/localtime applies after a restart.
  if (localtime_r(&t, &local) == nullptr) return 0;
  return static_cast<unsigned>(local.tm_hour * 60 + local.tm_min);
}

std::optional<double> system_load() {
  double load = 0;
  if (getloadavg(&load, 1) != 1) return std::nullopt;
  return load;
}

}  // namespace

PolicyClock::PolicyClock() : PolicyClock(local_minute, system_load) {}

PolicyInputs PolicyClock::inputs(const services::ConnectionPolicy& policy,
                                 std::int64_t unix_seconds, loop::Clock::time_point now) {
  PolicyInputs in;
  if (!policy.access_times.empty()) in.minute = minute_.at(unix_seconds);
  if (policy.max_load) in.load = load_.hundredths(now);
  return in;
}

PolicyInputs PolicyClock::inputs(const services::ConnectionPolicy& policy) {
  timespec wall{};
  if (!policy.access_times.empty()) (void)clock_gettime(CLOCK_REALTIME_COARSE, &wall);
  return inputs(policy, wall.tv_sec, loop::Clock::now());
}

void add_refusal_fields(log::EventLine& line, services::PolicyVerdict verdict,
                        const services::ConnectionPolicy& policy, const PolicyInputs& inputs) {
  switch (verdict) {
    case services::PolicyVerdict::allowed:
      return;
    case services::PolicyVerdict::outside_access_times:
      line.add("reason", "access_times")
          .add("time", fmt::format("{:02}:{:02}", inputs.minute / 60, inputs.minute % 60))
          .add("access_times", limits::describe(policy.access_times));
      return;
    case services::PolicyVerdict::over_max_load:
      line.add("reason", "max_load")
          .add("load", limits::format_load(inputs.load.value_or(0)))
          .add("max_load", limits::format_load(policy.max_load.value_or(0)));
      return;
  }
}

}  // namespace ninetd::daemon
