// Admission: a service's limits on new clients in one place: the service-wide
// rate (nowait.N, and wait.N for datagrams) and FreeBSD's per-source limits.
// Pure: the caller passes the time and the client's source key, so tests
// drive both by hand; the caller logs and closes what is refused.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "limits/per_source.h"
#include "limits/rate_window.h"

namespace ninetd::limits {

struct AdmissionLimits {
  unsigned max_per_minute = 0;             // the service's rate; 0: none
  unsigned max_child_per_source = 0;       // 0: none
  unsigned max_per_minute_per_source = 0;  // 0: none
};

class Admission {
 public:
  enum class Verdict : std::uint8_t { admit, over_rate, too_many_children, too_fast };
  using TimePoint = RateWindow::TimePoint;

  // Takes new limits, keeping what did not change: a rate window in progress
  // goes on. True when the per-source table was replaced: its counts of
  // running children are then gone, and the caller counts them again.
  bool configure(const AdmissionLimits& limits);

  // Whether admit() needs the client's source key (the caller makes it only then).
  bool needs_source() const { return per_source_.enabled(); }
  bool limits_anything() const { return rate_ != nullptr || per_source_.enabled(); }

  // The verdict on one client; `counted` says whether a child was counted
  // for its source (to be released when it ends).
  Verdict admit(const std::string& source, TimePoint now, bool& counted);

  // The service-wide rate, or null.
  RateWindow* rate() { return rate_.get(); }
  // Whether a client now would be over the service-wide rate; counts nothing.
  bool over_rate(TimePoint now) const { return rate_ && rate_->full(now); }
  PerSource& per_source() { return per_source_; }
  const PerSource& per_source() const { return per_source_; }

 private:
  std::unique_ptr<RateWindow> rate_;  // most services have none
  PerSource per_source_{0, 0};
};

}  // namespace ninetd::limits
