#include "log/repeat_limiter.h"

namespace ninetd::log {

bool RepeatLimiter::allow(std::string_view key, TimePoint now) {
  auto [it, added] = entries_.try_emplace(std::string(key));
  Entry& entry = it->second;
  // A new interval starts once the last has ended and its count, if any, has
  // been reported (take_summaries); until then the events add to that count.
  if (added || (now >= entry.started + interval_ && entry.suppressed == 0)) {
    entry.started = now;
    entry.logged = 0;
  }
  if (now < entry.started + interval_ && entry.logged < burst_) {
    ++entry.logged;
    return true;
  }
  if (entry.suppressed++ == 0) ++suppressed_keys_;
  return false;
}

std::vector<RepeatLimiter::Summary> RepeatLimiter::take_summaries(TimePoint now) {
  std::vector<Summary> out;
  for (auto it = entries_.begin(); it != entries_.end();) {
    Entry& entry = it->second;
    if (now < entry.started + interval_) {
      ++it;
      continue;
    }
    if (entry.suppressed > 0) {
      out.push_back(Summary{it->first, entry.suppressed});
      --suppressed_keys_;
    }
    it = entries_.erase(it);
  }
  return out;
}

}  // namespace ninetd::log
