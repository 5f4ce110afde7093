// The supervisor's per-service event lines: -l's start, the repeat-bounded
// events, and log_on_success's and log_on_failure's START at a launch, EXIT
// at the server's end, FAIL at a refused client, each to the service's
// log_type target (daemon/service_log.h).
#include "builtins/session.h"
#include "daemon/supervisor.h"
#include "log/logger.h"
#include "log/service_lines.h"

namespace ninetd::daemon {

void Supervisor::log_event(log::Level level, const RunningService& service, std::string_view key,
                           const log::EventLine& line) {
  if (allow_repeated(service, key)) log::write(level, line.text());
}

void Supervisor::log_launch(const RunningService& service, pid_t pid,
                            const net::SocketAddress* peer) {
  log::EventLine line = log::event(service.name(), "start");
  line.add("pid", pid);
  if (peer != nullptr) line.peer(*peer);
  log::info("{}", line.text());
}

void Supervisor::log_idle_close(std::string_view service_name, const Client& client) {
  log::EventLine line = log::event(service_name, "closed");
  if (client.peer.family() != AF_UNSPEC) line.peer(client.peer.expand());
  line.add("reason", "idle")
      .add("min_bytes", builtins::kProgressBytes)
      .add("seconds", settings_.session_idle_timeout.count());
  log::info("{}", line.text());
}

void Supervisor::log_start(const RunningService& service, pid_t pid,
                           const net::SocketAddress* peer) {
  const services::Service& s = service.service();
  std::string host = peer != nullptr ? peer->unmapped().ip() : std::string();
  service_log_.write(s.log_target, log::start_line(s.name, s.log_on_success, pid, host,
                                                   log::peer_addresses_shown()));
}

void Supervisor::log_server_exit(const RunningService& service, pid_t pid, int status,
                                 std::chrono::milliseconds ran) {
  const services::Service& s = service.service();
  // A removed service's target may be another's by now: the daemon's log.
  std::uint8_t target = service.removed() ? 0 : s.log_target;
  service_log_.write(target,
                     log::exit_line(s.name, s.log_on_success, pid, status,
                                    std::chrono::duration_cast<std::chrono::seconds>(ran).count()));
}

// Bounded as the refusal warnings they stand for: a client can make these
// at the rate it connects.
void Supervisor::log_fail(const RunningService& service, const net::SocketAddress& peer,
                          std::string_view reason) {
  if (!allow_repeated(service, fmt::format("FAIL reason={}", reason))) return;
  const services::Service& s = service.service();
  service_log_.write(s.log_target,
                     log::fail_line(s.name, s.log_on_failure, reason, peer.unmapped().ip(),
                                    log::peer_addresses_shown()));
}

void Supervisor::settle_service_log() {
  std::vector<std::uint8_t> used;
  used.reserve(table_.size());
  for (const auto& service : table_) used.push_back(service->service().log_target);
  service_log_.settle(used);
}

}  // namespace ninetd::daemon
