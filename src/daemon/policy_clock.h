// PolicyClock: what a service's policy (services/connection_policy.h) is
// judged against: the local minute of the day, converted once a minute, and
// the one-minute load average, read at most once a second. Each is read only
// when a service being judged has access_times or max_load, so a daemon
// whose services have neither never asks. The readers are injectable for
// tests; the daemon's are localtime_r and getloadavg.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "limits/access_times.h"
#include "limits/load_limit.h"
#include "loop/event_loop.h"
#include "services/connection_policy.h"

namespace ninetd::daemon {

struct PolicyInputs {
  unsigned minute = 0;                // of the local day, when the policy has access_times
  std::optional<std::uint32_t> load;  // hundredths, when it has max_load and it could be read
};

class PolicyClock {
 public:
  PolicyClock();  // the real readers
  PolicyClock(limits::MinuteOfDay::Converter converter, limits::LoadGauge::Reader reader)
      : minute_(converter), load_(reader) {}

  PolicyInputs inputs(const services::ConnectionPolicy& policy, std::int64_t unix_seconds,
                      loop::Clock::time_point now);
  // Now, by the system's clocks.
  PolicyInputs inputs(const services::ConnectionPolicy& policy);

 private:
  limits::MinuteOfDay minute_;
  limits::LoadGauge load_;
};

// "17:42 is outside its access_times (08:00-17:00)": why a client is refused,
// for the log.
std::string describe_refusal(services::PolicyVerdict verdict,
                             const services::ConnectionPolicy& policy, const PolicyInputs& inputs);

}  // namespace ninetd::daemon
