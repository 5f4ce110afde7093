#include "limits/rate_window.h"

namespace ninetd::limits {

bool RateWindow::admit(TimePoint now) {
  if (!started_ || now >= start_ + window_) {
    started_ = true;
    start_ = now;
    count_ = 0;
  }
  if (count_ >= max_) return false;
  ++count_;
  return true;
}

bool RateWindow::full(TimePoint now) const {
  return started_ && now < start_ + window_ && count_ >= max_;
}

}  // namespace ninetd::limits
