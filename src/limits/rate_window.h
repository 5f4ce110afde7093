// RateWindow: at most N admissions per fixed window (a minute for nowait.N).
// Pure: the caller passes the time, so tests drive the clock by hand.
#pragma once

#include <chrono>
#include <cstdint>

namespace ninetd::limits {

class RateWindow {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  RateWindow(std::uint32_t max_per_window, std::chrono::seconds window)
      : max_(max_per_window), window_(window) {}

  // True if one more fits in the window that `now` falls in; counts it.
  bool admit(TimePoint now);
  // True if admit(now) would refuse; counts nothing.
  bool full(TimePoint now) const;
  // When the current window ends and admissions start again.
  TimePoint window_end() const { return start_ + window_; }
  std::uint32_t count() const { return count_; }
  std::uint32_t max() const { return max_; }

 private:
  std::uint32_t max_;
  std::chrono::seconds window_;
  TimePoint start_{};
  std::uint32_t count_ = 0;
  bool started_ = false;
};

}  // namespace ninetd::limits
