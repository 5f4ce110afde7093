// PerSource: FreeBSD inetd's per-client limits for one service: children at
// once per source (max-child-per-ip) and connections per minute per source
// (max-conn-per-ip-per-minute). A source is the client's address, or for a
// unix socket its uid. Pure: the caller passes the time.
//
// Admission costs the same whatever the table holds: rate windows that have
// ended are dropped oldest first from a queue, and the windows kept are
// bounded (an IPv6 /64 alone supplies more sources than memory could hold).
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>

#include "limits/rate_window.h"

namespace ninetd::limits {

class PerSource {
 public:
  enum class Verdict { admit, too_many_children, too_fast };
  using TimePoint = RateWindow::TimePoint;
  // Past this many sources inside their minute, the oldest window is
  // forgotten: that source's count starts again, the daemon's memory does not grow.
  static constexpr std::size_t kMaxRateWindows = 16384;

  PerSource(unsigned max_child_per_source, unsigned max_per_minute_per_source)
      : max_children_(max_child_per_source), max_per_minute_(max_per_minute_per_source) {}
  bool enabled() const { return max_children_ > 0 || max_per_minute_ > 0; }
  bool counts_children() const { return max_children_ > 0; }
  unsigned max_children() const { return max_children_; }
  unsigned max_per_minute() const { return max_per_minute_; }

  // Admits (and counts a child for) `source`, or says which limit refused it.
  Verdict admit(const std::string& source, TimePoint now);
  void release(const std::string& source);
  // Counts a child admitted earlier (under other limits), without any check.
  void add_child(const std::string& source);
  unsigned children_of(const std::string& source) const;
  std::size_t tracked_sources() const {
    return tables_ ? tables_->children.size() + tables_->windows.size() : 0;
  }
  std::size_t rate_windows() const { return tables_ ? tables_->windows.size() : 0; }

 private:
  // Made at the first admit: most services have no per-source limit, and a
  // daemon with hundreds of them should not carry empty tables each.
  struct Tables {
    std::unordered_map<std::string, unsigned> children;
    std::unordered_map<std::string, RateWindow> windows;
    // (end of a window, its source), in the order the windows started, which
    // is the order they end: every window has one entry, pushed at its start.
    std::deque<std::pair<TimePoint, std::string>> endings;
  };
  Tables& tables();
  bool admit_rate(const std::string& source, TimePoint now);
  void forget_ended_windows(TimePoint now);
  void forget_oldest_window();

  unsigned max_children_;
  unsigned max_per_minute_;
  std::unique_ptr<Tables> tables_;
};

}  // namespace ninetd::limits
