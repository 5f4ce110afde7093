// RunningService: a Service as the supervisor runs it: its listener (socket,
// accept loop, state), its admission limits, children and counters. One per
// service key; a reload swaps the definition and keeps the socket.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "daemon/access_policy.h"
#include "daemon/exit_policy.h"
#include "daemon/service_listener.h"
#include "daemon/service_state.h"
#include "limits/admission.h"
#include "services/service.h"
#include "spawn/identity.h"
#include "spawn/launch_template.h"
#include "status/service_history.h"
#include "sys/fd.h"

namespace ninetd::daemon {

struct ServiceCounters {
  std::uint64_t connections = 0;
  std::uint64_t spawn_failures = 0;
  std::uint64_t refused = 0;  // every reason; the history has them one by one
  // Refusals by reason and the last events (--status SERVICE): made at the
  // first event, so a service that never sees one pays a pointer.
  std::unique_ptr<status::ServiceHistory> history;
};

// The wall clock in milliseconds, for the events a reader compares with the logs.
std::int64_t wall_clock_ms();

class RunningService final : public std::enable_shared_from_this<RunningService> {
 public:
  RunningService(ListenerOwner& owner, services::Service service);

  // Replaces the definition and rebuilds what launching needs. True when the
  // per-source limits changed: the table is then new, and the caller counts
  // the running servers in it again.
  bool set_service(services::Service service);
  const services::Service& service() const { return service_; }
  const std::string& name() const { return service_.name; }
  bool is_builtin() const { return service_.builtin != config::Builtin::none; }
  bool redirects() const { return service_.redirects(); }
  // Served by the daemon itself, no process launched: a builtin, or a redirect.
  bool runs_in_loop() const { return is_builtin() || redirects(); }
  // The credential calls its servers need: none that would change nothing
  // (setuid and setgid to root, for a daemon running as root).
  const spawn::CredentialSteps& credential_steps() const { return credential_steps_; }
  // Everything the launches of this definition share; a launch fills in the
  // connection's part (and writes into it when it launches vfork-style). Made
  // at the first launch: hundreds of services that wait for a connection would
  // otherwise hold one each (docs/performance.md, finding 26).
  spawn::LaunchTemplate& launch_template();
  // Connection-oriented sockets (stream, seqpacket) are accepted by the daemon
  // for nowait services; anything else goes to the server as it is.
  bool hands_over_socket() const {
    return service_.wait_mode == config::WaitMode::wait ||
           service_.socket_type == config::SocketType::dgram ||
           service_.socket_type == config::SocketType::raw;
  }
  ServiceState state() const { return listener.state(); }
  bool removed() const { return listener.state() == ServiceState::removed; }

  ServiceListener listener;  // the socket, its accept loop and the service's state
  unsigned children = 0;     // servers running and in-loop sessions
  ServiceCounters counters;
  limits::Admission admission;  // nowait.N, per-source children and rate
  // Who may connect (allow and deny, or the daemon-wide lists); null: anyone.
  std::unique_ptr<limits::AccessList> access;
  void count_refused(status::Refusal reason, std::uint64_t clients = 1) {
    counters.refused += clients;
    history().count_refusals(reason, clients);
  }
  // A refusal of one client, with its address, for the recent events.
  void refuse(status::Refusal reason, const net::SocketAddress& peer);
  void record(const status::ServiceEvent& event) { history().record(event); }
  status::ServiceHistory& history() {
    if (!counters.history) counters.history = std::make_unique<status::ServiceHistory>();
    return *counters.history;
  }
  CrashLoop crash_loop;  // servers that failed at once, in a row: the back-off (exit_policy.h)

 private:
  services::Service service_;
  spawn::CredentialSteps credential_steps_;
  std::unique_ptr<spawn::LaunchTemplate> launch_template_;
};

}  // namespace ninetd::daemon
