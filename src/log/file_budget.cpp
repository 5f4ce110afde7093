#include "log/file_budget.h"

namespace ninetd::log {

FileBudget::Verdict FileBudget::take(std::size_t bytes) {
  if (stopped_) return Verdict::stopped;
  if (hard_ != 0 && size_ + bytes > hard_) {
    stopped_ = true;
    return Verdict::reached_hard;
  }
  size_ += bytes;
  // A file opened past its soft limit is warned about at its first line too.
  if (soft_ != 0 && size_ > soft_ && !warned_) {
    warned_ = true;
    return Verdict::write_past_soft;
  }
  return Verdict::write;
}

}  // namespace ninetd::log
