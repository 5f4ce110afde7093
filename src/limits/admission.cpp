#include "limits/admission.h"

namespace ninetd::limits {

bool Admission::configure(const AdmissionLimits& limits) {
  // The limits in force are read from what enforces them: a service keeps no
  // copy of its own.
  bool same_rate = rate_ && limits.max_per_minute == rate_->max();
  bool same_per_source = limits.max_child_per_source == per_source_.max_children() &&
                         limits.max_per_minute_per_source == per_source_.max_per_minute();
  if (!same_rate) {
    rate_.reset();
    if (limits.max_per_minute > 0)
      rate_ = std::make_unique<RateWindow>(limits.max_per_minute, std::chrono::seconds(60));
  }
  if (!same_per_source)
    per_source_ = PerSource(limits.max_child_per_source, limits.max_per_minute_per_source);
  return !same_per_source;
}

Admission::Verdict Admission::admit(const std::string& source, TimePoint now, bool& counted) {
  counted = false;
  if (rate_ && !rate_->admit(now)) return Verdict::over_rate;
  if (!per_source_.enabled()) return Verdict::admit;
  switch (per_source_.admit(source, now)) {
    case PerSource::Verdict::admit:
      counted = per_source_.counts_children();
      return Verdict::admit;
    case PerSource::Verdict::too_many_children:
      return Verdict::too_many_children;
    case PerSource::Verdict::too_fast:
      return Verdict::too_fast;
  }
  return Verdict::too_fast;
}

}  // namespace ninetd::limits
