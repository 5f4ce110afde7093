#include "limits/per_source.h"

namespace ninetd::limits {
namespace {

constexpr std::chrono::seconds kMinute(60);

}  // namespace

PerSource::Tables& PerSource::tables() {
  if (!tables_) tables_ = std::make_unique<Tables>();
  return *tables_;
}

PerSource::Verdict PerSource::admit(const std::string& source, TimePoint now) {
  if (!enabled()) return Verdict::admit;
  Tables& t = tables();
  if (max_children_ > 0 && children_of(source) >= max_children_) return Verdict::too_many_children;
  if (max_per_minute_ > 0 && !admit_rate(source, now)) return Verdict::too_fast;
  if (max_children_ > 0) ++t.children[source];
  return Verdict::admit;
}

bool PerSource::admit_rate(const std::string& source, TimePoint now) {
  Tables& t = tables();
  forget_ended_windows(now);
  auto found = t.windows.find(source);
  if (found == t.windows.end()) {
    if (t.windows.size() >= kMaxRateWindows) forget_oldest_window();
    found = t.windows.try_emplace(source, max_per_minute_, kMinute).first;
  }
  RateWindow& window = found->second;
  TimePoint previous_end = window.window_end();
  bool admitted = window.admit(now);
  // A window that (re)started here gets its entry in the queue of endings;
  // any entry of its earlier window has ended, so was dropped just above.
  if (window.window_end() != previous_end) t.endings.emplace_back(window.window_end(), source);
  return admitted;
}

void PerSource::forget_ended_windows(TimePoint now) {
  Tables& t = tables();
  while (!t.endings.empty() && t.endings.front().first <= now) {
    auto it = t.windows.find(t.endings.front().second);
    if (it != t.windows.end() && it->second.window_end() <= now) t.windows.erase(it);
    t.endings.pop_front();
  }
}

void PerSource::forget_oldest_window() {
  Tables& t = tables();
  while (!t.endings.empty()) {
    auto entry = std::move(t.endings.front());
    t.endings.pop_front();
    auto it = t.windows.find(entry.second);
    if (it != t.windows.end() && it->second.window_end() == entry.first) {
      t.windows.erase(it);
      return;
    }
  }
}

void PerSource::release(const std::string& source) {
  if (!tables_) return;
  auto it = tables_->children.find(source);
  if (it == tables_->children.end()) return;
  if (--it->second == 0) tables_->children.erase(it);
}

void PerSource::add_child(const std::string& source) {
  if (max_children_ > 0) ++tables().children[source];
}

unsigned PerSource::children_of(const std::string& source) const {
  if (!tables_) return 0;
  auto it = tables_->children.find(source);
  return it == tables_->children.end() ? 0 : it->second;
}

}  // namespace ninetd::limits
