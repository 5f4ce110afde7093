#include "log/service_lines.h"

#include <fmt/format.h>
#include <sys/wait.h>

#include "config/log_settings.h"
#include "log/event_line.h"

namespace ninetd::log {

namespace success = config::log_success;
namespace failure = config::log_failure;

std::string start_line(std::string_view service, std::uint8_t on_success, int pid,
                       std::string_view host, bool show_peers) {
  EventLine line(service, "START", show_peers);
  if ((on_success & success::kPid) != 0) line.add("pid", pid);
  if ((on_success & success::kHost) != 0 && !host.empty()) line.add_peer_field("from", host);
  return line.text();
}

std::string exit_line(std::string_view service, std::uint8_t on_success, int pid, int wait_status,
                      std::int64_t seconds) {
  EventLine line(service, "EXIT");
  if ((on_success & success::kExit) != 0) {
    // xinetd's numbers, not exit_status()'s names: parsers of its lines read them.
    if (WIFSIGNALED(wait_status))
      line.add("signal", WTERMSIG(wait_status));
    else
      line.add("status", WEXITSTATUS(wait_status));
  }
  if ((on_success & success::kPid) != 0) line.add("pid", pid);
  if ((on_success & success::kDuration) != 0) line.add("duration", fmt::format("{}s", seconds));
  return line.text();
}

std::string fail_line(std::string_view service, std::uint8_t on_failure, std::string_view reason,
                      std::string_view host, bool show_peers) {
  EventLine line(service, "FAIL", show_peers);
  line.add("reason", reason);
  if ((on_failure & failure::kHost) != 0 && !host.empty()) line.add_peer_field("from", host);
  return line.text();
}

}  // namespace ninetd::log
