// close_from: closes every descriptor from `first` up, as close_range(2) does,
// with a loop over the descriptor table on kernels before 5.9. For a process
// that must hold nothing it did not open itself (the daemon at start, the
// configuration loader after fork).
#pragma once

namespace ninetd::sys {

void close_from(int first);

}  // namespace ninetd::sys
