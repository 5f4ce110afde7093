// FileBudget: xinetd's soft and hard limits on a log file's size. Past the
// soft limit one warning is due (the caller logs it to the daemon's log);
// a line that would take the file past the hard limit is not written, and
// neither is any after it until the file is opened again (a reload), so the
// file never grows beyond the hard limit. Pure: the caller counts the bytes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ninetd::log {

class FileBudget {
 public:
  // 0: no limit. `size`: the file's size when it was opened.
  FileBudget(std::uint64_t soft, std::uint64_t hard, std::uint64_t size)
      : soft_(soft), hard_(hard), size_(size) {}

  enum class Verdict {
    write,            // write the line
    write_past_soft,  // write it, and warn once: the file is past its soft limit
    reached_hard,     // do not write it; warn once: nothing more is written
    stopped,          // do not write it (reached_hard was given before)
  };
  Verdict take(std::size_t bytes);
  std::uint64_t size() const { return size_; }

 private:
  std::uint64_t soft_;
  std::uint64_t hard_;
  std::uint64_t size_;
  bool warned_ = false;
  bool stopped_ = false;
};

}  // namespace ninetd::log
