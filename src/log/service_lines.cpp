#include "log/service_lines.h"

#include <fmt/format.h>
#include <sys/wait.h>

#include <iterator>

#include "config/log_settings.h"
#include "log/escape.h"

namespace ninetd::log {

namespace success = config::log_success;
namespace failure = config::log_failure;

std::string start_line(std::string_view service, std::uint8_t on_success, int pid,
                       std::string_view host) {
  std::string line = fmt::format("{}: START", service);
  auto out = std::back_inserter(line);
  if ((on_success & success::kPid) != 0) fmt::format_to(out, " pid={}", pid);
  if ((on_success & success::kHost) != 0 && !host.empty())
    fmt::format_to(out, " from={}", escaped(host));
  return line;
}

std::string exit_line(std::string_view service, std::uint8_t on_success, int pid, int wait_status,
                      std::int64_t seconds) {
  std::string line = fmt::format("{}: EXIT", service);
  auto out = std::back_inserter(line);
  if ((on_success & success::kExit) != 0) {
    if (WIFSIGNALED(wait_status))
      fmt::format_to(out, " signal={}", WTERMSIG(wait_status));
    else
      fmt::format_to(out, " status={}", WEXITSTATUS(wait_status));
  }
  if ((on_success & success::kPid) != 0) fmt::format_to(out, " pid={}", pid);
  if ((on_success & success::kDuration) != 0) fmt::format_to(out, " duration={}s", seconds);
  return line;
}

std::string fail_line(std::string_view service, std::uint8_t on_failure, std::string_view reason,
                      std::string_view host) {
  std::string line = fmt::format("{}: FAIL reason={}", service, reason);
  if ((on_failure & failure::kHost) != 0 && !host.empty())
    fmt::format_to(std::back_inserter(line), " from={}", escaped(host));
  return line;
}

}  // namespace ninetd::log
