#include "daemon/supervisor.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "builtins/formats.h"
#include "log/logger.h"
#include "net/listener.h"
#include "spawn/spawner.h"

namespace ninetd::daemon {
namespace {

using Clock = loop::Clock;
using std::chrono::milliseconds;

constexpr int kAcceptsPerWakeup = 32;
constexpr milliseconds kResourcePause(100);          // EMFILE, ENFILE, ENOBUFS, ENOMEM
constexpr milliseconds kDatagramNowaitPause(20);     // time for the server to read
constexpr milliseconds kQuickExit(1000);             // a wait server that dies faster fails
constexpr milliseconds kMaxBackoff(60000);

std::string describe_status(int status) {
  if (WIFSIGNALED(status))
    return fmt::format("killed by signal {} ({}){}", WTERMSIG(status), strsignal(WTERMSIG(status)),
                       WCOREDUMP(status) ? ", core dumped" : "");
  return fmt::format("exited with status {}", WEXITSTATUS(status));
}

bool failed(int status) { return WIFSIGNALED(status) || WEXITSTATUS(status) != 0; }

// 1 s, 2 s, 4 s ... up to a minute for a service whose server keeps failing.
milliseconds backoff(RunningService& service) {
  unsigned step = std::min(service.quick_failures++, 6U);
  return std::min(kMaxBackoff, milliseconds(1000) * (1U << step));
}

}  // namespace

Supervisor::Supervisor(loop::EventLoop& loop, SupervisorSettings settings)
    : loop_(loop), settings_(std::move(settings)), reader_(loop) {}

Supervisor::~Supervisor() { shut_down(); }

void Supervisor::on_signal(int signal) {
  switch (signal) {
    case SIGCHLD: reap_children(); break;
    case SIGHUP: reload(); break;
    case SIGTERM:
    case SIGINT: stop_requested_ = true; break;
    case SIGUSR1: dump_table(); break;
    default: break;
  }
}

void Supervisor::watch(RunningService& service) {
  if (service.watching || !service.listener) return;
  std::uint32_t events = EPOLLIN;
  if (auto added = loop_.add(service.listener.get(), events, &service); !added) {
    log::error("{}: {}", service.name(), added.error().describe());
    return;
  }
  service.watching = true;
}

void Supervisor::unwatch(RunningService& service) {
  if (!service.watching) return;
  loop_.remove(service.listener.get());
  service.watching = false;
}

void Supervisor::pause(RunningService& service, milliseconds how_long) {
  unwatch(service);
  service.paused = true;
  loop_.cancel(service.timer);
  std::weak_ptr<RunningService> weak = service.weak_from_this();
  service.timer = loop_.schedule(Clock::now() + how_long, [this, weak] {
    if (auto s = weak.lock()) {
      s->timer = loop_.no_timer();
      s->paused = false;
      // A socket that could not be opened is retried; any other pause just ends.
      if (!s->listener && s->service().has_socket())
        open_socket(*s);
      else
        rearm(*s);
    }
  });
}

// Watches the socket again if nothing holds the service back.
void Supervisor::rearm(RunningService& service) {
  if (service.removed || service.paused || service.wait_pid) return;
  unsigned max = service.service().limits.max_child;
  if (max > 0 && service.children >= max) return;
  if (!service.listener) return;
  watch(service);
}

void Supervisor::on_listener_readable(RunningService& service) {
  if (!service.watching) return;
  if (service.is_builtin() && service.service().socket_type == config::SocketType::dgram) {
    builtins::answer_datagrams(service.listener.get(), service.service().builtin, guarded_ports_,
                               datagram_stats_);
    return;
  }
  if (service.hands_over_socket()) return start_wait_server(service);
  accept_connections(service);
}

// A service over its nowait.N rate pauses until its minute ends, leaving later
// clients in the kernel's queue rather than refusing them.
bool Supervisor::pause_if_over_rate(RunningService& service) {
  Clock::time_point now = Clock::now();
  if (!service.rate || !service.rate->full(now)) return false;
  auto wait = std::chrono::duration_cast<milliseconds>(service.rate->window_end() - now);
  log::warning("{}: more than {} connections in a minute; service paused for {} s "
               "(raise the limit with nowait.N)",
               service.name(), service.service().limits.max_per_minute,
               (wait.count() + 999) / 1000);
  pause(service, wait);
  return true;
}

void Supervisor::accept_connections(RunningService& service) {
  for (int i = 0; i < kAcceptsPerWakeup && service.watching; ++i) {
    // Only a wakeup proves a client is waiting: a full window met later in the
    // batch just ends it, and the next wakeup (if any) pauses the service.
    if (i == 0 ? pause_if_over_rate(service)
               : service.rate && service.rate->full(Clock::now()))
      return;
    // The wakeup vouches for the first connection only; for the next, asking
    // is far cheaper than an accept that finds the queue empty.
    if (i > 0 && !net::has_pending_connection(service.listener.get())) return;
    net::SocketAddress peer;
    peer.reset_length();
    // Blocking, so a server gets the socket as it expects; builtins pass MSG_DONTWAIT.
    sys::Fd connection(accept4(service.listener.get(), peer.get(), peer.length_pointer(),
                               SOCK_CLOEXEC));
    if (!connection) {
      int error = errno;
      switch (sys::classify_errno(error)) {
        case sys::ErrnoClass::again:
          return;
        case sys::ErrnoClass::resource:
          log::warning("{}: accept: {}; pausing for {} ms", service.name(), std::strerror(error),
                       kResourcePause.count());
          return pause(service, kResourcePause);
        case sys::ErrnoClass::other:
          log::error("{}: accept: {}", service.name(), std::strerror(error));
          return;
      }
    }
    ++service.counters.connections;
    auto source = admit(service, peer);
    if (!source) {
      ++service.counters.refused;
      continue;
    }
    serve_connection(service, std::move(connection), peer, *source);
  }
}

// The service-wide rate (nowait.N) and FreeBSD's per-source limits; a
// connection refused by a per-source limit is closed at once. Returns the
// client's address as the per-source limits count it (empty when they are
// off), or nullopt when the connection is refused.
std::optional<std::string> Supervisor::admit(RunningService& service,
                                             const net::SocketAddress& peer) {
  auto& per = service.per_source;
  bool per_source = per.enabled() && !service.is_builtin();
  if (!service.rate && !per_source) return std::string();
  Clock::time_point now = Clock::now();
  if (service.rate && !service.rate->admit(now)) return std::nullopt;
  if (!per_source) return std::string();
  std::string source = peer.unmapped().ip();
  switch (per.admit(source, now)) {
    case limits::PerSource::Verdict::admit:
      return source;
    case limits::PerSource::Verdict::too_many_children:
      log::warning("{}: refused {}: {} servers already running for it, limit {}", service.name(),
                   source, per.children_of(source), service.service().limits.max_child_per_ip);
      return std::nullopt;
    case limits::PerSource::Verdict::too_fast:
      log::warning("{}: refused {}: more than {} connections in 60 s", service.name(), source,
                   service.service().limits.max_conn_per_ip_per_minute);
      return std::nullopt;
  }
  return std::nullopt;
}

void Supervisor::serve_connection(RunningService& service, sys::Fd connection,
                                  const net::SocketAddress& peer, const std::string& source) {
  config::Builtin builtin = service.service().builtin;
  if (settings_.log_connections)
    log::info("{}: connection from {}", service.name(), peer.unmapped().to_string());
  switch (builtin) {
    case config::Builtin::none:
      launch_server(service, connection.get(), &peer, source);
      return;
    case config::Builtin::daytime: {
      std::string text = builtins::daytime_text(std::time(nullptr));
      ::send(connection.get(), text.data(), text.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      return;
    }
    case config::Builtin::time: {
      auto bytes = builtins::time_bytes(std::time(nullptr));
      ::send(connection.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      return;
    }
    default:
      return start_session(service, builtin, std::move(connection));
  }
}

void Supervisor::start_session(RunningService& service, config::Builtin kind, sys::Fd connection) {
  auto session =
      std::make_unique<builtins::Session>(kind, std::move(connection), service.name(), *this);
  builtins::Session* key = session.get();
  sessions_.emplace(key, std::move(session));
  // start() may already end the session (a short exchange served at once).
  if (!key->start()) {
    sessions_.erase(key);
    return;
  }
  if (!sessions_.count(key)) return;
  if (!sweep_timer_)
    sweep_timer_ = loop_.schedule(Clock::now() + settings_.session_idle_timeout,
                                  [this] { sweep_idle_sessions(); });
}

void Supervisor::end_session(builtins::Session& session) {
  auto it = sessions_.find(&session);
  if (it == sessions_.end()) return;
  session.detach();
  // Closed now, not with the object after the batch: the client is waiting
  // for this end of file.
  session.take_fd().reset();
  loop_.retire(std::move(it->second));
  sessions_.erase(it);
}

void Supervisor::sweep_idle_sessions() {
  sweep_timer_.reset();
  Clock::time_point now = Clock::now();
  Clock::time_point oldest = now;
  std::vector<builtins::Session*> idle;
  for (auto& [key, session] : sessions_) {
    if (session->last_activity() + settings_.session_idle_timeout <= now)
      idle.push_back(key);
    else
      oldest = std::min(oldest, session->last_activity());
  }
  for (builtins::Session* session : idle) {
    if (settings_.log_connections)
      log::info("{}: closing connection idle for {} s", session->service_name(),
                settings_.session_idle_timeout.count());
    end_session(*session);
  }
  if (!sessions_.empty())
    sweep_timer_ = loop_.schedule(oldest + settings_.session_idle_timeout,
                                  [this] { sweep_idle_sessions(); });
}

// RFC 1078: "+" and the named service takes over, "-" and the connection
// closes; "help" lists the names.
void Supervisor::tcpmux_request(builtins::Session& session, const std::string& name) {
  session.detach();
  sys::Fd connection = session.take_fd();
  std::string service_name = session.service_name();
  end_session(session);
  auto reply = [&](const std::string& text) {
    ::send(connection.get(), text.data(), text.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  };
  std::string wanted = config::tcpmux_key(name);
  if (wanted == "help") {
    std::string list;
    for (const auto& [tcpmux_name, service] : tcpmux_) list += tcpmux_name + "\r\n";
    return reply(list);
  }
  auto it = tcpmux_.find(wanted);
  if (it == tcpmux_.end()) {
    if (settings_.log_connections) log::info("{}: unknown service \"{}\"", service_name, name);
    return reply("-Service not available\r\n");
  }
  RunningService& target = *it->second;
  net::SocketAddress peer;
  peer.reset_length();
  getpeername(connection.get(), peer.get(), peer.length_pointer());
  ++target.counters.connections;
  unsigned max = target.service().limits.max_child;
  std::optional<std::string> source;
  if (max == 0 || target.children < max) source = admit(target, peer);
  if (!source) {
    ++target.counters.refused;
    return reply("-Service busy\r\n");
  }
  if (target.service().tcpmux_plus) reply("+Go\r\n");
  launch_server(target, connection.get(), &peer, *source);
}

std::optional<pid_t> Supervisor::launch_server(RunningService& service, int fd,
                                               const net::SocketAddress* peer,
                                               const std::string& source) {
  const services::Service& s = service.service();
  environment_.reset();
  if (peer != nullptr && peer->family() != AF_UNIX) {
    // Bound to one IP address, the listener's address is the connection's local
    // one; a wildcard, or a tcpmux service (no address of its own), asks the kernel.
    net::SocketAddress local = s.address.expand();
    bool one_address = (local.family() == AF_INET || local.family() == AF_INET6) &&
                       !local.is_any();
    if (!one_address) {
      local.reset_length();
      getsockname(fd, local.get(), local.length_pointer());
    }
    environment_.add_connection(s.transport == config::Transport::udp ? "UDP" : "TCP", local,
                                *peer);
  }
  if (s.listen_fds) {
    environment_.add("LISTEN_FDS=1");
    environment_.add("LISTEN_PID=" + std::string(20, ' '));
  }
  spawn::LaunchRequest request;
  request.path = s.program.c_str();
  service.fill_argv(launch_argv_);
  request.argv = launch_argv_.data();
  request.envp = environment_.envp();
  request.socket_fd = fd;
  request.listen_fds = s.listen_fds;
  request.new_session = settings_.new_session;
  request.credentials = &s.credentials;
  request.credential_steps = service.credential_steps();
  request.limits = s.login_class ? &s.login_class->limits : nullptr;
  auto pid = spawn::launch(request);
  if (!pid) {
    ++service.counters.spawn_failures;
    log::error("{}: {} {}: {}", service.name(), pid.error().call, s.program,
               std::strerror(pid.error().code));
    if (!source.empty()) service.per_source.release(source);
    return std::nullopt;
  }
  children_.emplace(*pid, Child{service.shared_from_this(), source, Clock::now()});
  ++service.children;
  if (settings_.log_connections) log::info("{}: started pid {}", service.name(), *pid);
  unsigned max = s.limits.max_child;
  if (max > 0 && service.children >= max) unwatch(service);
  return pid.value();
}

void Supervisor::start_wait_server(RunningService& service) {
  if (pause_if_over_rate(service)) return;
  unwatch(service);
  ++service.counters.connections;
  if (service.rate) service.rate->admit(Clock::now());
  auto pid = launch_server(service, service.listener.get(), nullptr, std::string());
  if (!pid) {
    // The socket is still readable, so retrying at once would spin.
    return pause(service, backoff(service));
  }
  if (service.service().wait_mode == config::WaitMode::wait)
    service.wait_pid = *pid;
  else
    pause(service, kDatagramNowaitPause);  // dgram nowait: the server reads the datagram itself
}

void Supervisor::reap_children() {
  for (;;) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    on_child_exit(pid, status, spawn::collect_failure(pid));
  }
}

void Supervisor::on_child_exit(pid_t pid, int status,
                               std::optional<spawn::LateFailure> launch_failure) {
  auto it = children_.find(pid);
  if (it == children_.end()) return;
  Child child = std::move(it->second);
  children_.erase(it);
  RunningService& service = *child.service;
  --service.children;
  if (!child.source.empty()) service.per_source.release(child.source);
  auto ran = std::chrono::duration_cast<milliseconds>(Clock::now() - child.started);
  if (launch_failure) {
    // The server never ran: say which step failed, as an immediate failure would.
    ++service.counters.spawn_failures;
    log::error("{}: {} {}: {}", service.name(), launch_failure->step, service.service().program,
               std::strerror(launch_failure->error));
  } else if (failed(status))
    log::warning("{}: server pid {} {} after {} ms", service.name(), pid, describe_status(status),
                 ran.count());
  else if (settings_.log_connections)
    log::info("{}: server pid {} exited with status 0 after {} ms", service.name(), pid,
              ran.count());
  if (service.removed) return;
  if (service.wait_pid == pid) {
    service.wait_pid.reset();
    // A wait server that dies at once without taking the datagram or
    // connection would be restarted in a tight loop: back off instead.
    if (failed(status) && ran < kQuickExit) {
      auto delay = backoff(service);
      log::warning("{}: server failed at once; watching again in {} ms", service.name(),
                   delay.count());
      return pause(service, delay);
    }
    service.quick_failures = 0;
  }
  rearm(service);
}

}  // namespace ninetd::daemon
