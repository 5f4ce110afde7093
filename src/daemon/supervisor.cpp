#include "daemon/supervisor.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <random>
#include <span>

#include "builtins/table.h"
#include "daemon/banner.h"
#include "daemon/descriptor_budget.h"
#include "daemon/exit_policy.h"
#include "log/logger.h"
#include "log/service_lines.h"
#include "spawn/spawner.h"

namespace ninetd::daemon {
namespace {

using Clock = loop::Clock;
using std::chrono::milliseconds;

constexpr milliseconds kDatagramNowaitPause(20);  // time for the server to read
// Repeated events: this many lines per service and event every interval.
constexpr unsigned kRepeatBurst = 3;
constexpr std::chrono::seconds kRepeatInterval(10);
// UDP builtins: answers per source address per second (loopback excepted).
constexpr unsigned kRepliesPerSourcePerSecond = 20;

// The datagram first in a dgram socket's queue (peeked, not taken): who sent
// it, and datagram_fingerprint's hash of it.
struct PeekedDatagram {
  net::SocketAddress source;
  std::uint64_t fingerprint = 0;
};

std::optional<PeekedDatagram> peek_datagram(int fd) {
  std::array<std::byte, 64> head;
  PeekedDatagram peeked;
  peeked.source.reset_length();
  ssize_t length = ::recvfrom(fd, head.data(), head.size(), MSG_PEEK | MSG_DONTWAIT | MSG_TRUNC,
                              peeked.source.get(), peeked.source.length_pointer());
  if (length < 0) return std::nullopt;
  std::size_t kept = std::min(head.size(), static_cast<std::size_t>(length));
  peeked.fingerprint = datagram_fingerprint(
      std::as_bytes(
          std::span(reinterpret_cast<const char*>(peeked.source.get()), peeked.source.length())),
      static_cast<std::size_t>(length), std::span(head.data(), kept));
  return peeked;
}

std::uint64_t random_seed() {
  std::random_device device;
  return (std::uint64_t{device()} << 32) | device();
}

}  // namespace

Supervisor::Supervisor(loop::EventLoop& loop, SupervisorSettings settings)
    : loop_(loop),
      settings_(std::move(settings)),
      reader_(loop),
      rpc_(loop),
      max_sessions_(settings_.max_sessions > 0 ? settings_.max_sessions
                                               : default_session_limit(open_files_limit())),
      reply_budget_(kRepliesPerSourcePerSecond, random_seed()),
      repeats_(kRepeatBurst, kRepeatInterval) {
  if (settings_.wrap_servers || settings_.wrap_builtins)
    wrap_checker_ = std::make_unique<WrapChecker>(loop_, *this);
  started_unix_ = wall_clock_ms() / 1000;
}

Supervisor::~Supervisor() {
  shut_down();
}

void Supervisor::on_signal(int signal) {
  switch (signal) {
    case SIGCHLD:
      reap_children();
      break;
    case SIGHUP:
      reload();
      break;
    case SIGTERM:
    case SIGINT:
      stop_requested_ = true;
      break;
    case SIGUSR1:
      dump_table();
      break;
    default:
      break;
  }
}

bool Supervisor::allow_repeated(const RunningService& service, std::string_view event) {
  return allow_repeated_key(log::repeat_key(service.name(), event));
}

bool Supervisor::allow_repeated_key(const std::string& key) {
  Clock::time_point now = Clock::now();
  if (repeats_.allow(key, now)) return true;
  if (!repeat_timer_)
    repeat_timer_ = loop_.schedule(now + repeats_.interval(), [this] { log_repeat_summaries(); });
  return false;
}

void Supervisor::log_repeat_summaries() {
  repeat_timer_.reset();
  Clock::time_point now = Clock::now();
  for (const auto& summary : repeats_.take_summaries(now))
    log::warning("{}", log::repeat_summary_line(summary.key, summary.suppressed,
                                                repeats_.interval().count()));
  if (repeats_.has_suppressed())
    repeat_timer_ = loop_.schedule(now + repeats_.interval(), [this] { log_repeat_summaries(); });
}

void Supervisor::answer_datagrams(RunningService& service) {
  if (drop_datagrams_by_policy(service)) return;
  if (service.service().builtin == config::Builtin::sensor) return sense_datagrams(service);
  builtins::DatagramGuard guard{guarded_ports_, service.admission.rate(), reply_budget_,
                                service.access.get(), &deny_list_};
  builtins::DatagramStats before = datagram_stats_;
  builtins::answer_datagrams(service.listener.fd(), service.service().builtin, guard,
                             datagram_stats_, Clock::now());
  if (datagram_stats_.over_rate > before.over_rate)
    log_event(log::Level::warning, service, "dropped reason=rate",
              log::event(service.name(), "dropped")
                  .add("reason", "rate")
                  .add("limit", service.service().limits.max_per_minute)
                  .add("seconds", 60));
  note_dropped_datagrams(service, datagram_stats_.refused_by_access - before.refused_by_access);
  if (datagram_stats_.over_budget > before.over_budget)
    log_event(log::Level::warning, service, "dropped reason=source_budget",
              log::event(service.name(), "dropped")
                  .add("reason", "source_budget")
                  .add("limit", kRepliesPerSourcePerSecond)
                  .add("seconds", 1));
}

std::optional<std::string> Supervisor::wrap_daemon_name(const RunningService& service,
                                                        const net::SocketAddress& peer) const {
  if (peer.family() != AF_INET && peer.family() != AF_INET6) return std::nullopt;
  const services::Service& s = service.service();
  if (service.is_builtin()) {
    if (!settings_.wrap_builtins || s.transport != config::Transport::tcp) return std::nullopt;
    if (!s.wrap_name().empty()) return std::string(s.wrap_name());
    return std::string(config::to_string(s.builtin));
  }
  if (!settings_.wrap_servers) return std::nullopt;
  // The libwrap key names the daemon outright, tcpd or not (xinetd's libwrap).
  if (!s.wrap_name().empty()) return std::string(s.wrap_name());
  // A forwarder stands for the server: checked under its service's name, as
  // xinetd names services without a program of their own.
  if (service.redirects()) return s.name.substr(0, s.name.rfind('/'));
  std::string program = s.program.substr(s.program.rfind('/') + 1);
  // tcpd checks by itself, for the daemon named by its argv0: checked once.
  if (program == "tcpd") return std::nullopt;
  return program;
}

void Supervisor::on_wrap_verdict(WrapPending pending, bool allowed, const char* why) {
  RunningService& service = *pending.service;
  if (!allowed || service.removed()) {
    if (pending.client.counted) service.admission.per_source().release(pending.client.source);
    if (service.removed()) return;
    write_banner(pending.connection.get(), service.service().policy(), config::BannerKind::fail);
    service.refuse(status::Refusal::libwrap, pending.peer);
    if (log::logs_fail(service.service().log_on_failure))
      return log_fail(service, pending.peer, "libwrap");
    log::EventLine line = log::event(service.name(), "refused").peer(pending.peer);
    line.add("reason", "libwrap").add("daemon", pending.daemon);
    if (why != nullptr) line.add("error", why);
    return log_event(log::Level::warning, service, "refused reason=libwrap", line);
  }
  pending.client.wrap_checked = true;
  serve_connection(service, std::move(pending.connection), pending.peer, std::move(pending.client));
}

void Supervisor::serve_connection(RunningService& service, sys::Fd connection,
                                  const net::SocketAddress& peer, Client client) {
  if (wrap_checker_ && !client.wrap_checked) {
    if (auto daemon = wrap_daemon_name(service, peer)) {
      return wrap_checker_->ask(WrapPending{service.shared_from_this(), std::move(connection), peer,
                                            std::move(client), std::move(*daemon)});
    }
  }
  // A launched server's start line names its client.
  if (settings_.log_connections && (service.is_builtin() || service.redirects()))
    log::info("{}", log::event(service.name(), "accept").peer(peer).text());
  if (client.source.empty() && peer.family() == AF_UNIX)
    client.source = source_of(peer, connection.get(), settings_.source_prefixes);
  // Granted: xinetd's banner_success, before the server or builtin says anything.
  write_banner(connection.get(), service.service().policy(), config::BannerKind::success);
  if (service.redirects()) return start_forward(service, std::move(connection), std::move(client));
  if (!service.is_builtin()) {
    launch_server(service, connection.get(), &peer, std::move(client));
    return;
  }
  const builtins::BuiltinRow& row = builtins::row(service.service().builtin);
  if (row.holds_session())
    return start_session(service, row.id, std::move(connection), std::move(client));
  std::array<char, builtins::kAnswerScratch> scratch;
  std::span<const char> answer = row.answer({}, scratch);
  ::send(connection.get(), answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  // Answered at once: the connection ends here.
  if (client.counted) service.admission.per_source().release(client.source);
}

std::optional<pid_t> Supervisor::launch_server(RunningService& service, int fd,
                                               const net::SocketAddress* peer, Client client) {
  const services::Service& s = service.service();
  spawn::LaunchTemplate& launch_template = service.launch_template();
  spawn::PerLaunch per_launch;
  per_launch.socket_fd = fd;
  per_launch.new_session = settings_.new_session;
  net::SocketAddress local;
  if (peer != nullptr && (peer->family() == AF_INET || peer->family() == AF_INET6)) {
    per_launch.peer = peer;
    // A wildcard listener, or a tcpmux service's (no address of its own), asks
    // the kernel; the template holds the address of a listener bound to one.
    if (launch_template.needs_local_address()) {
      local.reset_length();
      // The server still starts: only its LOCALIP and LOCALPORT are then the
      // listener's own (a wildcard) rather than the connection's.
      if (getsockname(fd, local.get(), local.length_pointer()) < 0) {
        local = s.address.expand();
        log_repeated(log::Level::error, service, "getsockname_error", "{}: {}", service.name(),
                     sys::last_error("getsockname").describe());
      }
      per_launch.local = &local;
    }
  }
  auto pid = spawn::launch(launch_template, per_launch);
  if (!pid) {
    ++service.counters.spawn_failures;
    record_event(service, status::EventKind::launch_failed, 0, pid.error().code);
    log_event(log::Level::error, service, "launch_failed",
              log::event(service.name(), "launch_failed")
                  .add("step", pid.error().call)
                  .add("program", s.program)
                  .add("error", std::strerror(pid.error().code)));
    if (client.counted) service.admission.per_source().release(client.source);
    return std::nullopt;
  }
  bool was_at_cap = at_children_cap();
  children_.emplace(*pid, Child{service.shared_from_this(), std::move(client), Clock::now()});
  ++service.children;
  reconsider_at_cap_change(was_at_cap);
  record_event(service, status::EventKind::started, *pid, 0, peer);
  // A server given the socket itself: hand_over_socket logs its start and START.
  if (settings_.log_connections && peer != nullptr) log_launch(service, *pid, peer);
  if (peer != nullptr && log::logs_start(s.log_on_success)) log_start(service, *pid, peer);
  service.listener.reconsider();
  return pid.value();
}

// Datagrams the allow and deny lists refused: counted and logged.
void Supervisor::note_dropped_datagrams(RunningService& service, std::uint64_t dropped) {
  if (dropped == 0) return;
  service.count_refused(status::Refusal::access, dropped);
  log_event(log::Level::warning, service, "dropped reason=access",
            log::event(service.name(), "dropped").add("reason", "access").add("count", dropped));
}

bool Supervisor::drop_datagrams_by_policy(RunningService& service) {
  constexpr int kDropsPerWakeup = 64;  // then back to the loop; the socket stays readable
  const services::ConnectionPolicy* policy = service.service().policy();
  if (policy == nullptr) return false;
  PolicyInputs inputs = policy_clock_.inputs(*policy);
  services::PolicyVerdict verdict = services::judge(*policy, inputs.minute, inputs.load);
  if (verdict == services::PolicyVerdict::allowed) return false;
  std::uint64_t dropped = 0;
  char byte = 0;
  while (dropped < kDropsPerWakeup && ::recv(service.listener.fd(), &byte, 1, MSG_DONTWAIT) >= 0)
    ++dropped;  // each recv takes one whole datagram
  service.count_refused(verdict == services::PolicyVerdict::over_max_load ? status::Refusal::load
                                                                          : status::Refusal::time,
                        dropped);
  log::EventLine line = log::event(service.name(), "dropped");
  add_refusal_fields(line, verdict, *policy, inputs);
  log_event(log::Level::warning, service,
            verdict == services::PolicyVerdict::over_max_load ? "dropped reason=max_load"
                                                              : "dropped reason=access_times",
            line.add("count", dropped));
  return true;
}

// The fingerprint of the datagram a dgram service's server is started for:
// the first waiting, once those at the head from clients the lists refuse are
// dropped (a stream wait server accepts by itself: its lists cannot be
// checked). 0 when none is seen; nullopt when the lists refused every one.
std::optional<std::uint64_t> Supervisor::datagram_to_serve(
    RunningService& service, std::optional<net::SocketAddress>& source) {
  constexpr int kDropsPerWakeup = 64;  // then back to the loop; the socket stays readable
  if (drop_datagrams_by_policy(service)) return std::nullopt;
  int fd = service.listener.fd();
  std::uint64_t dropped = 0;
  std::optional<PeekedDatagram> first = peek_datagram(fd);
  auto refused = [&](const net::SocketAddress& from) {
    return denied(from) || (service.access && net::check_peer(*service.access, from) !=
                                                  limits::AccessList::Verdict::allowed);
  };
  while (first && refused(first->source)) {
    if (log::logs_fail(service.service().log_on_failure))
      log_fail(service, first->source, "address");
    char byte = 0;
    (void)::recv(fd, &byte, 1, MSG_DONTWAIT);  // drops the whole datagram
    first = ++dropped < kDropsPerWakeup ? peek_datagram(fd) : std::nullopt;
  }
  note_dropped_datagrams(service, dropped);
  if (first) {
    source = first->source;
    return first->fingerprint;
  }
  if (service.access || dropped > 0) return std::nullopt;
  return 0;
}

// The server takes the socket itself: a wait server holds it until it exits;
// a dgram nowait server reads the datagram waiting there, given a moment.
void Supervisor::hand_over_socket(RunningService& service) {
  std::uint64_t datagram = 0;
  std::optional<net::SocketAddress> source;
  if (service.service().socket_type == config::SocketType::dgram) {
    auto to_serve = datagram_to_serve(service, source);
    if (!to_serve) return;
    datagram = *to_serve;
  }
  ++service.counters.connections;
  if (limits::RateWindow* rate = service.admission.rate()) (void)rate->admit(Clock::now());
  auto pid = launch_server(service, service.listener.fd(), nullptr, Client{});
  // The socket is still readable, so retrying at once would spin.
  if (!pid) return back_off(service, service.crash_loop.on_launch_failure(), "launch failed");
  children_.find(*pid)->second.datagram = datagram;
  if (settings_.log_connections) log_launch(service, *pid, source ? &*source : nullptr);
  // A dgram server's client is the datagram's sender, as xinetd logs it.
  if (log::logs_start(service.service().log_on_success))
    log_start(service, *pid, source ? &*source : nullptr);
  if (service.service().wait_mode == config::WaitMode::wait)
    service.listener.hold_for_server(*pid);
  else
    service.listener.pause(ServiceState::server_reading, kDatagramNowaitPause);
}

void Supervisor::reconsider_at_cap_change(bool was_at_cap) {
  bool at_cap = at_children_cap();
  if (at_cap == was_at_cap) return;
  if (at_cap && allow_repeated_key(log::repeat_key("daemon", "at_max_children")))
    log::warning(
        "daemon: {} servers running, the --max-children cap: no service accepts until one "
        "exits",
        children_.size());
  // Once per crossing of the cap, not per launch: a daemon held at the cap
  // by a steady load crosses it at most once per exit.
  for (const auto& service : table_)
    if (!service->runs_in_loop()) service->listener.reconsider();
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
  bool was_at_cap = at_children_cap();
  children_.erase(it);
  reconsider_at_cap_change(was_at_cap);
  RunningService& service = *child.service;
  --service.children;
  if (child.client.counted) service.admission.per_source().release(child.client.source);
  auto ran = std::chrono::duration_cast<milliseconds>(Clock::now() - child.started);
  log_exit(service, pid, status, launch_failure, ran);
  if (launch_failure)
    record_event(service, status::EventKind::launch_failed, pid, launch_failure->error);
  else
    record_event(service, status::EventKind::exited, pid, status, nullptr, ran);
  if (log::logs_exit(service.service().log_on_success)) log_server_exit(service, pid, status, ran);
  if (service.removed()) return;
  bool held_socket = service.listener.release_from_server(pid);
  ServerExit exit{held_socket || service.hands_over_socket(), launch_failure.has_value(), status,
                  ran};
  // A dgram server that exits leaving the datagram it was started for first
  // in the queue would be started again for it at once, whatever its status.
  if (child.datagram != 0 && ran < kQuickExit && service.listener.is_open()) {
    auto first = peek_datagram(service.listener.fd());
    exit.left_datagram = first && first->fingerprint == child.datagram;
  }
  bool paused = service.state() == ServiceState::backing_off;
  if (apply_crash_verdict(service, service.crash_loop.on_exit(exit, paused), exit, launch_failure))
    return;
  service.listener.reconsider();
}

bool Supervisor::apply_crash_verdict(RunningService& service, const CrashLoop::Verdict& verdict,
                                     const ServerExit& exit,
                                     const std::optional<spawn::LateFailure>& launch_failure) {
  switch (verdict.kind) {
    case CrashLoop::Verdict::Kind::none:
      return false;
    case CrashLoop::Verdict::Kind::back_off:
      back_off(service, verdict,
               launch_failure ? fmt::format("{}: {}", launch_failure->step,
                                            std::strerror(launch_failure->error))
                              : describe_quick_failure(exit));
      return true;
    case CrashLoop::Verdict::Kind::recovered:
      log::notice(
          "{}: a server ran normally again ({} after {} ms) after {} that failed at once; "
          "back-off over",
          service.name(), describe_status(exit.status), exit.ran.count(), verdict.in_a_row);
      if (service.state() != ServiceState::backing_off) return false;
      service.listener.end_pause();
      return true;
  }
  return false;
}

void Supervisor::back_off(RunningService& service, const CrashLoop::Verdict& verdict,
                          const std::string& last) {
  const char* what = service.hands_over_socket() ? "not watching its socket" : "not accepting";
  long long seconds = verdict.delay.count() / 1000;
  if (!verdict.first) {
    if (settings_.log_connections)
      log::info("{}: still failing at once ({} in a row); {} for {} s", service.name(),
                verdict.in_a_row, what, seconds);
  } else if (verdict.in_a_row == 1) {
    log::warning("{}: a server failed within {} s of its start ({}); {} for {} s", service.name(),
                 kQuickExit.count() / 1000, last, what, seconds);
  } else {
    log::warning(
        "{}: {} servers in a row failed within {} s of their start (last: {}); {} for {} s",
        service.name(), verdict.in_a_row, kQuickExit.count() / 1000, last, what, seconds);
  }
  record_event(service, status::EventKind::backed_off, 0, static_cast<int>(seconds));
  service.listener.pause(ServiceState::backing_off, verdict.delay);
}

void Supervisor::log_exit(RunningService& service, pid_t pid, int status,
                          const std::optional<spawn::LateFailure>& launch_failure,
                          milliseconds ran) {
  if (launch_failure) {
    // The server never ran: say which step failed, as an immediate failure would.
    ++service.counters.spawn_failures;
    log_event(log::Level::error, service, "launch_failed",
              log::event(service.name(), "launch_failed")
                  .add("pid", pid)
                  .add("step", launch_failure->step)
                  .add("program", service.service().program)
                  .add("error", std::strerror(launch_failure->error)));
    return;
  }
  bool bad = failed(status);
  if (!bad && !settings_.log_connections) return;
  log::EventLine line = log::event(service.name(), "exit");
  line.add("pid", pid).exit_status(status).add("duration_ms", ran.count());
  // A failing server can be made to exit at a client's rate: bounded.
  if (bad) return log_event(log::Level::warning, service, "exit", line);
  log::info("{}", line.text());
}

}  // namespace ninetd::daemon
