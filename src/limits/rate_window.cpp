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

}  // namespace ninetd::limits
