#include "limits/deny_list.h"

#include <algorithm>

namespace ninetd::limits {

DenyList::Added DenyList::add(const std::string& address,
                              std::optional<std::chrono::minutes> how_long, TimePoint now) {
  // A time past what the clock can hold is for ever (deny_time's values are
  // bounded by the reader, but a clock near its end must not wrap).
  TimePoint until = kForever;
  if (how_long && *how_long < std::chrono::duration_cast<std::chrono::minutes>(kForever - now))
    until = now + *how_long;
  auto it = until_.find(address);
  if (it != until_.end() && it->second > now) {
    // xinetd: "Here again, eh?": the longer of the two times is kept.
    if (until <= it->second) return Added::unchanged;
    it->second = until;
    return Added::extended;
  }
  if (it != until_.end()) {
    it->second = until;
    return Added::added;
  }
  if (until_.size() >= max_entries_ && earliest_ <= now) expire(now);
  if (until_.size() >= max_entries_) return Added::full;
  until_.emplace(address, until);
  earliest_ = std::min(earliest_, until);
  return Added::added;
}

bool DenyList::denies(const std::string& address, TimePoint now) const {
  if (until_.empty()) return false;
  auto it = until_.find(address);
  return it != until_.end() && it->second > now;
}

std::size_t DenyList::expire(TimePoint now) {
  if (earliest_ > now) return 0;
  std::size_t gone =
      std::erase_if(until_, [now](const auto& entry) { return entry.second <= now; });
  earliest_ = kForever;
  for (const auto& [address, until] : until_) earliest_ = std::min(earliest_, until);
  return gone;
}

std::optional<DenyList::TimePoint> DenyList::next_expiry() const {
  std::optional<TimePoint> next;
  for (const auto& [address, until] : until_)
    if (until != kForever && (!next || until < *next)) next = until;
  return next;
}

DenyList::Listing DenyList::listing(TimePoint now, std::size_t limit) const {
  Listing out;
  std::vector<std::pair<const std::string*, TimePoint>> live;
  live.reserve(until_.size());
  for (const auto& [address, until] : until_)
    if (until > now) live.emplace_back(&address, until);
  out.count = live.size();
  auto shown = live.begin() + static_cast<std::ptrdiff_t>(std::min(limit, live.size()));
  std::partial_sort(live.begin(), shown, live.end(),
                    [](const auto& a, const auto& b) { return *a.first < *b.first; });
  out.first.reserve(static_cast<std::size_t>(shown - live.begin()));
  for (auto it = live.begin(); it != shown; ++it) {
    Entry entry{*it->first, std::nullopt};
    // Rounded up: an entry with 10 ms left is still refused, so it shows 1 s.
    if (it->second != kForever)
      entry.remaining = std::chrono::ceil<std::chrono::seconds>(it->second - now);
    out.first.push_back(std::move(entry));
  }
  return out;
}

}  // namespace ninetd::limits
