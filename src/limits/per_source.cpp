#include "limits/per_source.h"

namespace ninetd::limits {
namespace {

constexpr std::chrono::seconds kMinute(60);
// Past this many tracked sources, windows that have ended are dropped, so a
// scan from many addresses cannot grow the table without bound.
constexpr std::size_t kPruneThreshold = 4096;

}  // namespace

PerSource::Verdict PerSource::admit(const std::string& source, TimePoint now) {
  if (!enabled()) return Verdict::admit;
  if (!tables_) tables_ = std::make_unique<Tables>();
  if (max_children_ > 0 && children_of(source) >= max_children_) return Verdict::too_many_children;
  if (max_per_minute_ > 0) {
    if (tables_->windows.size() > kPruneThreshold) forget_idle_windows(now);
    auto it = tables_->windows.try_emplace(source, max_per_minute_, kMinute).first;
    if (!it->second.admit(now)) return Verdict::too_fast;
  }
  if (max_children_ > 0) ++tables_->children[source];
  return Verdict::admit;
}

void PerSource::release(const std::string& source) {
  if (!tables_) return;
  auto it = tables_->children.find(source);
  if (it == tables_->children.end()) return;
  if (--it->second == 0) tables_->children.erase(it);
}

unsigned PerSource::children_of(const std::string& source) const {
  if (!tables_) return 0;
  auto it = tables_->children.find(source);
  return it == tables_->children.end() ? 0 : it->second;
}

void PerSource::forget_idle_windows(TimePoint now) {
  auto& windows = tables_->windows;
  for (auto it = windows.begin(); it != windows.end();) {
    if (it->second.window_end() <= now)
      it = windows.erase(it);
    else
      ++it;
  }
}

}  // namespace ninetd::limits
