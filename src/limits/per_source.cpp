#include "limits/per_source.h"

namespace ninetd::limits {
namespace {

constexpr std::chrono::seconds kMinute(60);
// Past this many tracked sources, windows that have ended are dropped, so a
// scan from many addresses cannot grow the table without bound.
constexpr std::size_t kPruneThreshold = 4096;

}  // namespace

PerSource::Verdict PerSource::admit(const std::string& source, TimePoint now) {
  if (max_children_ > 0 && children_of(source) >= max_children_) return Verdict::too_many_children;
  if (max_per_minute_ > 0) {
    if (windows_.size() > kPruneThreshold) forget_idle_windows(now);
    auto it = windows_.try_emplace(source, max_per_minute_, kMinute).first;
    if (!it->second.admit(now)) return Verdict::too_fast;
  }
  if (max_children_ > 0) ++children_[source];
  return Verdict::admit;
}

void PerSource::release(const std::string& source) {
  auto it = children_.find(source);
  if (it == children_.end()) return;
  if (--it->second == 0) children_.erase(it);
}

unsigned PerSource::children_of(const std::string& source) const {
  auto it = children_.find(source);
  return it == children_.end() ? 0 : it->second;
}

void PerSource::forget_idle_windows(TimePoint now) {
  for (auto it = windows_.begin(); it != windows_.end();) {
    if (it->second.window_end() <= now)
      it = windows_.erase(it);
    else
      ++it;
  }
}

}  // namespace ninetd::limits
