// PerSource: FreeBSD inetd's per-client limits for one service: children at
// once per source address (max-child-per-ip) and connections per minute per
// source (max-conn-per-ip-per-minute). Pure: the caller passes the time.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>

#include "limits/rate_window.h"

namespace ninetd::limits {

class PerSource {
 public:
  enum class Verdict { admit, too_many_children, too_fast };
  using TimePoint = RateWindow::TimePoint;

  PerSource(unsigned max_child_per_source, unsigned max_per_minute_per_source)
      : max_children_(max_child_per_source), max_per_minute_(max_per_minute_per_source) {}
  bool enabled() const { return max_children_ > 0 || max_per_minute_ > 0; }

  // Admits (and counts a child for) `source`, or says which limit refused it.
  Verdict admit(const std::string& source, TimePoint now);
  void release(const std::string& source);
  unsigned children_of(const std::string& source) const;
  std::size_t tracked_sources() const {
    return tables_ ? tables_->children.size() + tables_->windows.size() : 0;
  }

 private:
  // Made at the first admit: most services have no per-source limit, and a
  // daemon with hundreds of them should not carry two empty tables each.
  struct Tables {
    std::unordered_map<std::string, unsigned> children;
    std::unordered_map<std::string, RateWindow> windows;
  };
  void forget_idle_windows(TimePoint now);

  unsigned max_children_;
  unsigned max_per_minute_;
  std::unique_ptr<Tables> tables_;
};

}  // namespace ninetd::limits
