// RunningService: a Service as the supervisor runs it: its socket, whether the
// loop watches it, its children and counters. One per service key; a reload
// swaps the definition and keeps the socket.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "limits/per_source.h"
#include "limits/rate_window.h"
#include "loop/event_loop.h"
#include "services/service.h"
#include "spawn/identity.h"
#include "spawn/launch_template.h"
#include "sys/fd.h"

namespace ninetd::daemon {

class Supervisor;

struct ServiceCounters {
  std::uint64_t connections = 0;
  std::uint64_t spawn_failures = 0;
  std::uint64_t refused = 0;
};

class RunningService final : public loop::EventHandler,
                             public std::enable_shared_from_this<RunningService> {
 public:
  RunningService(Supervisor& owner, services::Service service);
  void on_event(std::uint32_t events) override;

  // Replaces the definition and rebuilds what launching needs. True when the
  // per-source limits changed: the table is then new, and the caller counts
  // the running servers in it again.
  bool set_service(services::Service service);
  const services::Service& service() const { return service_; }
  const std::string& name() const { return service_.name; }
  // The server's argv as execve takes it, into `out` (the caller's scratch:
  // a service does not keep a pointer array of its own).
  void fill_argv(std::vector<char*>& out);
  bool is_builtin() const { return service_.builtin != config::Builtin::none; }
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

  sys::Fd listener;
  bool listener_nonblocking = false;  // O_NONBLOCK, as last set on the listener
  // A unix socket's file as bound (device, inode): removed at close only if
  // the name still leads to it.
  std::optional<std::pair<dev_t, ino_t>> socket_file;
  bool watching = false;  // registered in the event loop
  bool paused = false;    // kept out of the loop until a timer or a reap
  bool paused_for_rate = false;  // the pause lasts until the nowait.N minute ends
  bool removed = false;   // dropped by a reload; alive while its children run
  unsigned children = 0;  // servers running and in-loop sessions
  std::optional<pid_t> wait_pid;  // wait services: the server holding the socket
  ServiceCounters counters;
  std::unique_ptr<limits::RateWindow> rate;  // nowait.N; most services have none
  limits::PerSource per_source{0, 0};      // nowait/N/per-ip-rate/per-ip-children
  loop::EventLoop::TimerId timer;
  unsigned quick_failures = 0;  // servers of a handed-over socket that failed at once, for backoff

 private:
  Supervisor& owner_;
  services::Service service_;
  spawn::CredentialSteps credential_steps_;
  std::unique_ptr<spawn::LaunchTemplate> launch_template_;
};

}  // namespace ninetd::daemon
