#include "daemon/descriptor_budget.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>

namespace ninetd::daemon {

std::optional<std::string> descriptor_shortfall(std::size_t sockets,
                                                std::optional<std::uint64_t> limit) {
  std::uint64_t needed = std::uint64_t{sockets} + kDescriptorReserve;
  if (!limit || needed <= *limit) return std::nullopt;
  return fmt::format(
      "the configuration needs {} descriptors ({} listening socket{} and {} for the daemon's "
      "own use and its connections), more than the open-files limit of {}: services may fail "
      "to open with \"Too many open files\", and launches too; raise the hard limit "
      "(LimitNOFILE= under systemd, ulimit -Hn in a shell)",
      needed, sockets, sockets == 1 ? "" : "s", kDescriptorReserve, *limit);
}

std::size_t default_session_limit(std::optional<std::uint64_t> limit) {
  if (!limit) return kMaxDefaultSessions;
  return static_cast<std::size_t>(
      std::clamp<std::uint64_t>(*limit / 4, 1, std::uint64_t{kMaxDefaultSessions}));
}

std::optional<std::uint64_t> open_files_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return std::nullopt;
  return std::uint64_t{limit.rlim_cur};
}

}  // namespace ninetd::daemon
