#include "daemon/exit_policy.h"

#include <sys/wait.h>

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace ninetd::daemon {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kQuickExit(1000);  // a server that dies faster failed at once
constexpr milliseconds kMaxBackoff(60000);
constexpr unsigned kMaxDoublings = 6;

}  // namespace

std::string describe_status(int status) {
  if (WIFSIGNALED(status))
    return fmt::format("killed by signal {} ({}){}", WTERMSIG(status), strsignal(WTERMSIG(status)),
                       WCOREDUMP(status) ? ", core dumped" : "");
  return fmt::format("exited with status {}", WEXITSTATUS(status));
}

bool failed(int status) { return WIFSIGNALED(status) || WEXITSTATUS(status) != 0; }

milliseconds next_backoff(unsigned& quick_failures) {
  unsigned step = std::min(quick_failures++, kMaxDoublings);
  return std::min(kMaxBackoff, milliseconds(1000) * (1U << step));
}

std::optional<milliseconds> backoff_after(const ServerExit& exit, unsigned& quick_failures) {
  if (!exit.had_socket) return std::nullopt;
  if (exit.launch_failed || (failed(exit.status) && exit.ran < kQuickExit))
    return next_backoff(quick_failures);
  quick_failures = 0;
  return std::nullopt;
}

}  // namespace ninetd::daemon
