// The supervisor's report of itself: what `ninetd --status` prints and the
// metrics carry (status/report.h), and the recent events it keeps per service.
#include <unistd.h>

#include "daemon/supervisor.h"
#include "log/logger.h"
#include "status/status_text.h"

namespace ninetd::daemon {
namespace {

std::string server_of(const services::Service& s) {
  std::string server = service_summary(s);
  if (s.builtin != config::Builtin::none || s.redirects()) return server;
  // argv[0] is usually the program's own name; the rest is what differs.
  for (std::size_t i = 1; i < s.argv.size(); ++i) server += ' ' + s.argv[i];
  return server;
}

std::string socket_of(const services::Service& s) {
  std::string name = s.name;
  std::size_t slash = name.rfind('/');
  return fmt::format("{}/{}", config::to_string(s.socket_type),
                     slash == std::string::npos ? "?" : name.substr(slash + 1));
}

}  // namespace

void Supervisor::record_event(RunningService& service, status::EventKind kind, pid_t pid, int value,
                              const net::SocketAddress* peer, std::chrono::milliseconds ran) {
  status::ServiceEvent event;
  event.unix_ms = wall_clock_ms();
  event.kind = kind;
  event.pid = pid;
  event.value = value;
  // --no-peer-addresses: the status keeps no more of a client than the log.
  if (log::peer_addresses_shown()) event.peer = status::PeerBytes(peer);
  event.duration_ms = static_cast<std::uint32_t>(ran.count());
  service.record(event);
}

status::ServiceReport Supervisor::report_of(const RunningService& service, bool events) const {
  const services::Service& s = service.service();
  status::ServiceReport r;
  r.name = s.name;
  r.address = s.has_socket() ? s.address.to_string() : "tcpmux " + s.tcpmux_name;
  r.socket = socket_of(s);
  r.state = std::string(state_name(service.state()));
  r.state_text = std::string(describe(service.state()));
  if (auto pid = service.listener.wait_pid()) r.state_text += fmt::format(" (pid {})", *pid);
  if (service.state() == ServiceState::backing_off)
    r.state_text += fmt::format(" ({} failed at once)", service.crash_loop.in_a_row());
  r.server = server_of(s);
  r.children = service.children;
  r.connections = service.counters.connections;
  r.refused = service.counters.refused;
  r.launch_failures = service.counters.spawn_failures;
  if (const auto& history = service.counters.history) {
    r.refused_by = history->refusals();
    if (events) r.events = history->events();
  }
  return r;
}

status::DaemonReport Supervisor::report(std::optional<std::string_view> details_of) const {
  status::DaemonReport report;
  report.version = NINETD_VERSION;
  report.pid = getpid();
  report.started_unix = started_unix_;
  report.now_unix = wall_clock_ms() / 1000;
  report.reloads = reloads_applied_;
  report.reload_failures = reloads_refused_;
  report.servers = children_.size();
  report.sessions = sessions_.size() + forwards_.size();
  report.datagrams_answered = datagram_stats_.answered;
  report.datagrams_refused = datagram_stats_.refused + datagram_stats_.over_rate +
                             datagram_stats_.over_budget + datagram_stats_.refused_by_access;
  report.log_lines_dropped = log::syslog_dropped();
  if (!details_of) {
    // Enough for a screen; the count says how many more there are.
    constexpr std::size_t kShown = 32;
    report.deny_list =
        deny_list_.listing(loop::Clock::now(), log::peer_addresses_shown() ? kShown : 0);
    report.deny_list_max = deny_list_.max_entries();
  }
  report.services.reserve(details_of ? 1 : table_.size());
  for (const auto& service : table_) {
    if (details_of && !status::names_service(*details_of, service->name())) continue;
    report.services.push_back(report_of(*service, details_of.has_value()));
  }
  return report;
}

std::string Supervisor::metrics_text() {
  return status::metrics_text(report(std::nullopt));
}

std::string Supervisor::control_answer(const status::ControlRequest& request) const {
  if (request.verdict != status::ControlRequest::Verdict::complete)
    return fmt::format("error {}\n", request.error);
  if (request.verb == status::ControlVerb::metrics)
    return "ok\n" + status::metrics_text(report(std::nullopt));
  if (request.service.empty()) return "ok\n" + status::status_table(report(std::nullopt));
  status::DaemonReport one = report(request.service);
  if (one.services.empty())
    return fmt::format("error no service is named \"{}\" (names are as --status lists them)\n",
                       request.service);
  return "ok\n" + status::service_details(one);
}

}  // namespace ninetd::daemon
