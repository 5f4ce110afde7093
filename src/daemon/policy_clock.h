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
#include "log/event_line.h"
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

// Why a client is refused, as fields of its event line: reason=access_times
// time=17:42 access_times=08:00-17:00, or reason=max_load load=2.50
// max_load=2.00.
void add_refusal_fields(log::EventLine& line, services::PolicyVerdict verdict,
                        const services::ConnectionPolicy& policy, const PolicyInputs& inputs);

}  // namespace ninetd::daemon
