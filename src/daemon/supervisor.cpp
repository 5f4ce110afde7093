#include "daemon/supervisor.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include <sys/resource.h>

#include <random>

#include "builtins/formats.h"
#include "log/escape.h"
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
// Repeated events: this many lines per service and event every interval.
constexpr unsigned kRepeatBurst = 3;
constexpr std::chrono::seconds kRepeatInterval(10);
// UDP builtins: answers per source address per second (loopback excepted).
constexpr unsigned kRepliesPerSourcePerSecond = 20;
// In-loop sessions at once: a quarter of the descriptors the daemon may open,
// so held connections never take those that launching servers needs; at most
// this many, so their memory (kSessionBufferCap each, at worst) stays bounded.
constexpr std::size_t kMaxSessions = 1024;

std::size_t session_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return kMaxSessions;
  return std::clamp<std::size_t>(static_cast<std::size_t>(limit.rlim_cur / 4), 1, kMaxSessions);
}

std::uint64_t random_seed() {
  std::random_device device;
  return (std::uint64_t{device()} << 32) | device();
}


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

// A unix client is known by its uid: the peer's own address is a path it may
// choose freely, or none at all.
std::string Supervisor::source_of(const net::SocketAddress& peer, int fd) {
  if (peer.family() != AF_UNIX) return peer.unmapped().ip();
  ucred credentials{};
  socklen_t length = sizeof(credentials);
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) < 0) return "uid unknown";
  return fmt::format("uid {}", credentials.uid);
}

Supervisor::Supervisor(loop::EventLoop& loop, SupervisorSettings settings)
    : loop_(loop),
      settings_(std::move(settings)),
      reader_(loop),
      max_sessions_(settings_.max_sessions > 0 ? settings_.max_sessions : session_limit()),
      reply_budget_(kRepliesPerSourcePerSecond, random_seed()),
      repeats_(kRepeatBurst, kRepeatInterval) {}

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
  service.paused_for_rate = false;
  std::weak_ptr<RunningService> weak = service.weak_from_this();
  service.timer = loop_.schedule(Clock::now() + how_long, [this, weak] {
    if (auto s = weak.lock()) {
      s->timer = loop_.no_timer();
      s->paused = false;
      s->paused_for_rate = false;
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

void Supervisor::sync_socket_mode(RunningService& service) {
  if (!service.listener || service.wait_pid) return;
  bool nonblocking = !service.hands_over_socket();
  if (service.listener_nonblocking == nonblocking) return;
  if (auto done = net::set_nonblocking(service.listener.get(), nonblocking); !done)
    log::error("{}: {}", service.name(), done.error().describe());
  else
    service.listener_nonblocking = nonblocking;
}

bool Supervisor::allow_repeated(const RunningService& service, std::string_view event) {
  Clock::time_point now = Clock::now();
  if (repeats_.allow(fmt::format("{}: {}", service.name(), event), now)) return true;
  if (!repeat_timer_)
    repeat_timer_ = loop_.schedule(now + repeats_.interval(), [this] { log_repeat_summaries(); });
  return false;
}

void Supervisor::log_repeat_summaries() {
  repeat_timer_.reset();
  Clock::time_point now = Clock::now();
  for (const auto& summary : repeats_.take_summaries(now))
    log::warning("{}: {} more in the last {} s, not logged one by one", summary.key,
                 summary.suppressed, repeats_.interval().count());
  if (repeats_.has_suppressed())
    repeat_timer_ = loop_.schedule(now + repeats_.interval(), [this] { log_repeat_summaries(); });
}

void Supervisor::answer_datagrams(RunningService& service) {
  builtins::DatagramGuard guard{guarded_ports_, service.rate.get(), reply_budget_};
  builtins::DatagramStats before = datagram_stats_;
  builtins::answer_datagrams(service.listener.get(), service.service().builtin, guard,
                             datagram_stats_, Clock::now());
  if (datagram_stats_.over_rate > before.over_rate)
    log_repeated(log::Level::warning, service, "datagrams over the rate",
                 "{}: more than {} datagrams in a minute; the rest are dropped until it ends",
                 service.name(), service.service().limits.max_per_minute);
  if (datagram_stats_.over_budget > before.over_budget)
    log_repeated(log::Level::warning, service, "datagrams over a source's budget",
                 "{}: a source sent more than {} datagrams in a second; the rest get no answer",
                 service.name(), kRepliesPerSourcePerSecond);
}

void Supervisor::on_listener_readable(RunningService& service) {
  if (!service.watching) return;
  if (service.is_builtin() && service.service().socket_type == config::SocketType::dgram)
    return answer_datagrams(service);
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
  service.paused_for_rate = true;
  return true;
}

// In-loop sessions are bounded in total: a service that would go past the
// bound waits (its clients in the kernel's queue) as it does at its max-child.
bool Supervisor::sessions_full(RunningService& service) {
  if (!builtins::holds_session(service.service().builtin) || sessions_.size() < max_sessions_)
    return false;
  log_repeated(log::Level::warning, service, "session limit",
               "{}: {} builtin sessions open, the most the daemon holds; accepting again in {} ms",
               service.name(), sessions_.size(), kResourcePause.count());
  pause(service, kResourcePause);
  return true;
}

void Supervisor::accept_connections(RunningService& service) {
  for (int i = 0; i < kAcceptsPerWakeup && service.watching; ++i) {
    // Only a wakeup proves a client is waiting: a full window met later in the
    // batch just ends it, and the next wakeup (if any) pauses the service.
    if (i == 0 ? pause_if_over_rate(service)
               : service.rate && service.rate->full(Clock::now()))
      return;
    if (sessions_full(service)) return;
    // The wakeup vouches for the first connection only; for the next, asking
    // is far cheaper than an accept that finds the queue empty.
    if (i > 0 && !net::has_pending_connection(service.listener.get())) return;
    Client client;
    client.peer.reset_length();
    // Blocking, so a server gets the socket as it expects; builtins pass MSG_DONTWAIT.
    sys::Fd connection(accept4(service.listener.get(), client.peer.get(),
                               client.peer.length_pointer(), SOCK_CLOEXEC));
    if (!connection) {
      int error = errno;
      switch (sys::classify_errno(error)) {
        case sys::ErrnoClass::again:
          return;
        case sys::ErrnoClass::resource:
          log_repeated(log::Level::warning, service, "accept: resource",
                       "{}: accept: {}; pausing for {} ms", service.name(), std::strerror(error),
                       kResourcePause.count());
          return pause(service, kResourcePause);
        case sys::ErrnoClass::other:
          log_repeated(log::Level::error, service, "accept: error", "{}: accept: {}",
                       service.name(), std::strerror(error));
          return;
      }
    }
    ++service.counters.connections;
    if (!admit(service, connection.get(), client)) {
      ++service.counters.refused;
      continue;
    }
    serve_connection(service, std::move(connection), std::move(client));
  }
}

// The service-wide rate (nowait.N) and FreeBSD's per-source limits; a
// connection refused by a per-source limit is closed at once.
bool Supervisor::admit(RunningService& service, int fd, Client& client) {
  auto& per = service.per_source;
  if (!service.rate && !per.enabled()) return true;
  Clock::time_point now = Clock::now();
  if (service.rate && !service.rate->admit(now)) return false;
  if (!per.enabled()) return true;
  client.source = source_of(client.peer, fd);
  switch (per.admit(client.source, now)) {
    case limits::PerSource::Verdict::admit:
      client.counted = per.counts_children();
      return true;
    case limits::PerSource::Verdict::too_many_children:
      log_repeated(log::Level::warning, service, "refused: children per source",
                   "{}: refused {}: {} servers already running for it, limit {}", service.name(),
                   log::escaped(client.source), per.children_of(client.source),
                   service.service().limits.max_child_per_ip);
      return false;
    case limits::PerSource::Verdict::too_fast:
      log_repeated(log::Level::warning, service, "refused: rate per source",
                   "{}: refused {}: more than {} connections in 60 s", service.name(),
                   log::escaped(client.source),
                   service.service().limits.max_conn_per_ip_per_minute);
      return false;
  }
  return false;
}

void Supervisor::serve_connection(RunningService& service, sys::Fd connection, Client client) {
  config::Builtin builtin = service.service().builtin;
  if (settings_.log_connections)
    log::info("{}: connection from {}", service.name(),
              log::escaped(client.peer.unmapped().to_string()));
  if (client.source.empty() && client.peer.family() == AF_UNIX)
    client.source = source_of(client.peer, connection.get());
  switch (builtin) {
    case config::Builtin::none:
      launch_server(service, connection.get(), std::move(client));
      return;
    case config::Builtin::daytime: {
      std::string text = builtins::daytime_text(std::time(nullptr));
      ::send(connection.get(), text.data(), text.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      break;
    }
    case config::Builtin::time: {
      auto bytes = builtins::time_bytes(std::time(nullptr));
      ::send(connection.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      break;
    }
    default:
      return start_session(service, builtin, std::move(connection), std::move(client));
  }
  // Answered at once: the connection ends here.
  if (client.counted) service.per_source.release(client.source);
}

std::optional<pid_t> Supervisor::launch_server(RunningService& service, int fd, Client client) {
  const services::Service& s = service.service();
  spawn::LaunchTemplate& launch_template = service.launch_template();
  spawn::PerLaunch per_launch;
  per_launch.socket_fd = fd;
  per_launch.new_session = settings_.new_session;
  const net::SocketAddress& peer = client.peer;
  net::SocketAddress local;
  if (peer.family() == AF_INET || peer.family() == AF_INET6) {
    per_launch.peer = &peer;
    // A wildcard listener, or a tcpmux service's (no address of its own), asks
    // the kernel; the template holds the address of a listener bound to one.
    if (launch_template.needs_local_address()) {
      local.reset_length();
      // The server still starts: only its LOCALIP and LOCALPORT are then the
      // listener's own (a wildcard) rather than the connection's.
      if (getsockname(fd, local.get(), local.length_pointer()) < 0) {
        local = s.address.expand();
        log_repeated(log::Level::error, service, "getsockname", "{}: {}", service.name(),
                     sys::last_error("getsockname").describe());
      }
      per_launch.local = &local;
    }
  }
  auto pid = spawn::launch(launch_template, per_launch);
  if (!pid) {
    ++service.counters.spawn_failures;
    log_repeated(log::Level::error, service, "launch failed", "{}: {} {}: {}", service.name(),
                 pid.error().call, s.program, std::strerror(pid.error().code));
    if (client.counted) service.per_source.release(client.source);
    return std::nullopt;
  }
  children_.emplace(*pid, Child{service.shared_from_this(), std::move(client), Clock::now()});
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
  auto pid = launch_server(service, service.listener.get(), Client{});
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
  if (child.client.counted) service.per_source.release(child.client.source);
  auto ran = std::chrono::duration_cast<milliseconds>(Clock::now() - child.started);
  if (launch_failure) {
    // The server never ran: say which step failed, as an immediate failure would.
    ++service.counters.spawn_failures;
    log_repeated(log::Level::error, service, "launch failed", "{}: {} {}: {}", service.name(),
                 launch_failure->step, service.service().program,
                 std::strerror(launch_failure->error));
  } else if (failed(status))
    log_repeated(log::Level::warning, service, "server failed", "{}: server pid {} {} after {} ms",
                 service.name(), pid, describe_status(status), ran.count());
  else if (settings_.log_connections)
    log::info("{}: server pid {} exited with status 0 after {} ms", service.name(), pid,
              ran.count());
  if (service.removed) return;
  bool held_socket = service.wait_pid == pid;
  if (held_socket) {
    service.wait_pid.reset();
    sync_socket_mode(service);
  }
  // A server given the socket itself (wait, or dgram nowait) that fails at
  // once has not taken the datagram or connection waiting there: started
  // again at once, it would fail in a tight loop. Back off instead.
  if (held_socket || service.hands_over_socket()) {
    if (launch_failure || (failed(status) && ran < kQuickExit)) {
      auto delay = backoff(service);
      log_repeated(log::Level::warning, service, "backing off",
                   "{}: server failed at once; watching again in {} ms", service.name(),
                   delay.count());
      return pause(service, delay);
    }
    service.quick_failures = 0;
  }
  rearm(service);
}

}  // namespace ninetd::daemon
