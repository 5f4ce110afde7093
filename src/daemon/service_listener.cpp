#include "daemon/service_listener.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "builtins/table.h"
#include "daemon/banner.h"
#include "daemon/running_service.h"
#include "log/logger.h"
#include "log/service_lines.h"
#include "net/listener.h"

namespace ninetd::daemon {
namespace {

using Clock = loop::Clock;
using std::chrono::milliseconds;

constexpr int kAcceptsPerWakeup = 32;
constexpr milliseconds kResourcePause(100);  // EMFILE, ENFILE, ENOBUFS, ENOMEM, the session bound
constexpr milliseconds kRetryOpen(10000);

bool is_ipv6_missing(const services::Service& s, int error) {
  return s.address.family() == AF_INET6 && (error == EAFNOSUPPORT || error == EADDRNOTAVAIL);
}

}  // namespace

std::string service_summary(const services::Service& s) {
  std::string what = s.builtin != config::Builtin::none
                         ? fmt::format("internal {}", config::to_string(s.builtin))
                     : s.redirects() ? fmt::format("redirect to {}", s.redirect()->to_string())
                                     : s.program;
  return fmt::format("{}, {}, {}", config::to_string(s.socket_type),
                     s.wait_mode == config::WaitMode::wait ? "wait" : "nowait", what);
}

std::string source_of(const net::SocketAddress& peer, int fd, net::SourcePrefixes prefixes) {
  if (peer.family() != AF_UNIX) return net::source_key(peer, prefixes);
  ucred credentials{};
  socklen_t length = sizeof(credentials);
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) < 0) return "uid unknown";
  return fmt::format("uid {}", credentials.uid);
}

ServiceListener::ServiceListener(RunningService& service, ListenerOwner& owner)
    : service_(service), owner_(owner) {}

template <typename... Args>
void ServiceListener::log_repeated(bool error, std::string_view event,
                                   fmt::format_string<Args...> f, Args&&... args) {
  if (!owner_.allow_repeated(service_, event)) return;
  log::write(error ? log::Level::error : log::Level::warning,
             fmt::format(f, std::forward<Args>(args)...));
}

// The line is made only when it is to be written: a flood of refused
// clients costs a count each, not a line each.
template <typename MakeLine>
void ServiceListener::log_refused(std::string_view key, MakeLine make_line) {
  if (owner_.allow_repeated(service_, key)) log::write(log::Level::warning, make_line().text());
}

void ServiceListener::set_state(ServiceState next) {
  bool watch = next == ServiceState::listening;
  if (watch && !registered_) {
    if (auto added = owner_.event_loop().add(socket_.get(), EPOLLIN, this); !added) {
      log::error("{}: {}; trying again in {} ms", service_.name(), added.error().describe(),
                 kResourcePause.count());
      return pause(ServiceState::short_of_resources, kResourcePause);
    }
    registered_ = true;
  } else if (!watch && registered_) {
    owner_.event_loop().remove(socket_.get());
    registered_ = false;
  }
  state_ = next;
}

void ServiceListener::reconsider() {
  if (state_ != ServiceState::listening && state_ != ServiceState::at_child_limit &&
      state_ != ServiceState::at_daemon_limit)
    return;
  unsigned max = service_.service().limits.max_child;
  if (max > 0 && service_.children >= max) {
    // Clients now wait in the kernel's queue, unseen: said once as the
    // service reaches its limit (xinetd logs each client it closes for it,
    // "FAIL: service_limit"; ninetd closes none).
    if (state_ == ServiceState::listening)
      log_repeated(false, "at child limit",
                   "{}: {} {}, its limit; new clients wait in the listen queue until one ends",
                   service_.name(), service_.children,
                   service_.runs_in_loop() ? "sessions open" : "servers running");
    set_state(ServiceState::at_child_limit);
  } else if (!service_.runs_in_loop() && owner_.at_children_cap())
    set_state(ServiceState::at_daemon_limit);
  else
    set_state(ServiceState::listening);
}

void ServiceListener::pause(ServiceState why, milliseconds how_long) {
  cancel_timer();
  set_state(why);
  std::weak_ptr<RunningService> alive = service_.weak_from_this();
  timer_armed_ = true;
  timer_ = owner_.event_loop().schedule(Clock::now() + how_long, [this, alive] {
    auto keep = alive.lock();
    if (!keep) return;
    timer_armed_ = false;
    if (state_ == ServiceState::retrying_bind) return open();
    // The pause was logged when it began; its end is logged once too.
    if (state_ == ServiceState::paused_by_rate)
      log::notice("{}: its rate's minute is over; accepting again", service_.name());
    state_ = ServiceState::at_child_limit;
    reconsider();
  });
}

void ServiceListener::cancel_timer() {
  if (timer_armed_) owner_.event_loop().cancel(timer_);
  timer_armed_ = false;
}

void ServiceListener::end_pause() {
  if (!is_timed(state_)) return;
  cancel_timer();
  if (state_ == ServiceState::retrying_bind) return open();
  state_ = ServiceState::at_child_limit;
  reconsider();
}

void ServiceListener::hold_for_server(pid_t pid) {
  wait_pid_ = pid;  // never 0: a pid is positive
  set_state(ServiceState::waiting_for_server);
}

bool ServiceListener::release_from_server(pid_t pid) {
  if (wait_pid_ == 0 || wait_pid_ != pid) return false;
  wait_pid_ = 0;
  sync_socket_mode();
  if (state_ == ServiceState::waiting_for_server) state_ = ServiceState::at_child_limit;
  return true;
}

void ServiceListener::sync_socket_mode() {
  if (!socket_ || wait_pid_ != 0) return;
  bool nonblocking = !service_.hands_over_socket();
  if (nonblocking_ == nonblocking) return;
  if (auto done = net::set_nonblocking(socket_.get(), nonblocking); !done)
    log::error("{}: {}", service_.name(), done.error().describe());
  else
    nonblocking_ = nonblocking;
}

void ServiceListener::apply_socket_options(bool buffers_changed) {
  if (!socket_) return;
  if (buffers_changed) {
    if (auto done = net::set_buffer_sizes(socket_.get(), service_.service()); !done)
      log::error("{}: {}", service_.name(), done.error().describe());
    if (auto done = net::set_defer_accept(socket_.get(), service_.service()); !done)
      log::error("{}: {}", service_.name(), done.error().describe());
    if (auto done = net::set_tcp_flags(socket_.get(), service_.service(), true); !done)
      log::error("{}: {}", service_.name(), done.error().describe());
  }
  // Left as it is while a wait server holds the socket: the flag is shared.
  sync_socket_mode();
}

void ServiceListener::open() {
  const services::Service& s = service_.service();
  if (!s.has_socket()) {
    log::notice("{}: reachable through tcpmux as \"{}\" ({})", s.name, s.tcpmux_name,
                service_summary(s));
    return set_state(ServiceState::via_tcpmux);
  }
  // A socket the last daemon handed over (socket_handover.h) keeps the
  // clients it queued meanwhile; its options are set as a reload sets them.
  if (std::optional<sys::Fd> adopted = owner_.inherited_socket(s)) {
    socket_ = std::move(*adopted);
    nonblocking_ = service_.hands_over_socket();  // unknown: sync sets it either way
    apply_socket_options(true);
    log::notice("{}: listening on {} ({}), the socket kept across the restart", s.name,
                s.address.to_string(), service_summary(s));
    return settle_opened();
  }
  auto fd = net::open_listener(s, !service_.hands_over_socket());
  if (!fd) {
    int error = fd.error().code;
    if (is_ipv6_missing(s, error) && s.address.is_any()) {
      log::notice("{}: no IPv6 on this host ({}); its IPv6 socket is not opened", s.name,
                  fd.error().describe());
      return set_state(ServiceState::no_ipv6);
    }
    log::error("{}: {} {}: {}; retrying every {} s", s.name, fd.error().call, s.address.to_string(),
               std::strerror(error), kRetryOpen.count() / 1000);
    return pause(ServiceState::retrying_bind, kRetryOpen);
  }
  socket_ = std::move(*fd);
  nonblocking_ = !service_.hands_over_socket();
  if (s.address.family() == AF_UNIX) {
    struct stat bound {};
    if (lstat(s.address.ip().c_str(), &bound) == 0)
      socket_file_.emplace(bound.st_dev, bound.st_ino);
  }
  if (s.is_rpc()) {
    announce_rpc();
  } else {
    log::notice("{}: listening on {} ({})", s.name, s.address.to_string(), service_summary(s));
  }
  settle_opened();
}

void ServiceListener::settle_opened() {
  // A wait server may still hold the socket this one replaces: this one waits
  // for it too, or two servers would run.
  if (wait_pid_ != 0) return set_state(ServiceState::waiting_for_server);
  state_ = ServiceState::at_child_limit;
  reconsider();
}

void ServiceListener::hand_over() {
  if (registered_) owner_.event_loop().remove(socket_.get());
  registered_ = false;
  cancel_timer();
  socket_.reset();  // no shutdown: the socket goes on listening in the store
  state_ = ServiceState::removed;
}

void ServiceListener::announce_rpc() {
  const services::Service& s = service_.service();
  if (!socket_ || !s.is_rpc()) return;
  net::SocketAddress bound;
  bound.reset_length();
  if (getsockname(socket_.get(), bound.get(), bound.length_pointer()) < 0) {
    log::error("{}: getsockname: {}; not registered with rpcbind", s.name, std::strerror(errno));
    return;
  }
  std::string versions = s.rpc_low_version == s.rpc_high_version
                             ? fmt::format("version {}", s.rpc_low_version)
                             : fmt::format("versions {}-{}", s.rpc_low_version, s.rpc_high_version);
  log::notice("{}: listening on {}, RPC program {} {} ({})", s.name, bound.to_string(),
              s.rpc_program, versions, service_summary(s));
  owner_.rpc_bound(service_, bound);
}

void ServiceListener::close() {
  if (socket_ && service_.service().is_rpc()) owner_.rpc_closed(service_);
  if (registered_) owner_.event_loop().remove(socket_.get());
  registered_ = false;
  cancel_timer();
  if (socket_ && service_.service().address.family() == AF_UNIX) {
    // Only the daemon's own socket file: in a directory others can write,
    // the name may have been replaced since the bind.
    std::string path = service_.service().address.ip();
    struct stat now {};
    if (socket_file_ && lstat(path.c_str(), &now) == 0 && S_ISSOCK(now.st_mode) &&
        now.st_dev == socket_file_->first && now.st_ino == socket_file_->second)
      ::unlink(path.c_str());
  }
  socket_file_.reset();
  // A server just launched may still hold a copy of the descriptor until its
  // exec; the socket would go on listening through it, and the clients it
  // queued meanwhile would be reset. Shut down, it stops listening at once
  // (and its port is free for a new socket). Not while a wait server holds
  // it: that server goes on serving.
  bool listens = service_.service().socket_type == config::SocketType::stream ||
                 service_.service().socket_type == config::SocketType::seqpacket;
  if (socket_ && listens && wait_pid_ == 0) (void)::shutdown(socket_.get(), SHUT_RD);
  socket_.reset();
}

void ServiceListener::reopen() {
  close();
  open();
}

void ServiceListener::remove() {
  close();
  state_ = ServiceState::removed;
}

void ServiceListener::on_event(std::uint32_t) {
  if (state_ != ServiceState::listening) return;
  if (service_.is_builtin() && service_.service().socket_type == config::SocketType::dgram)
    return owner_.answer_datagrams(service_);
  if (service_.hands_over_socket()) {
    if (pause_if_over_rate()) return;
    return owner_.hand_over_socket(service_);
  }
  accept_connections();
}

// A service over its rate (nowait.N) pauses until its minute ends, leaving later
// clients in the kernel's queue rather than refusing them.
bool ServiceListener::pause_if_over_rate() {
  Clock::time_point now = Clock::now();
  limits::RateWindow* rate = service_.admission.rate();
  if (rate == nullptr || !rate->full(now)) return false;
  auto wait = std::chrono::duration_cast<milliseconds>(rate->window_end() - now);
  // The rate may have been written as nowait.N, rate =, xinetd's cps or -R:
  // the line names none of them, so that it is true for every one.
  log::warning("{}: more than {} connections in a minute, its rate; service paused for {} s",
               service_.name(), service_.service().limits.max_per_minute,
               (wait.count() + 999) / 1000);
  pause(ServiceState::paused_by_rate, wait);
  return true;
}

// In-loop sessions (builtins', forwarded connections) are bounded in total: a
// service that would go past the bound waits (its clients in the kernel's
// queue) as it does at its max-child.
bool ServiceListener::sessions_full() {
  bool holds_sessions =
      service_.redirects() ||
      (service_.is_builtin() && builtins::row(service_.service().builtin).holds_session());
  if (!holds_sessions || owner_.sessions_open() < owner_.sessions_max()) return false;
  log_repeated(false, "session_limit",
               "{}: {} in-loop sessions open, the most the daemon holds; accepting again in {} ms",
               service_.name(), owner_.sessions_open(), kResourcePause.count());
  pause(ServiceState::short_of_resources, kResourcePause);
  return true;
}

void ServiceListener::accept_connections() {
  for (int i = 0; i < kAcceptsPerWakeup && state_ == ServiceState::listening; ++i) {
    // Only a wakeup proves a client is waiting: a full window met later in the
    // batch just ends it, and the next wakeup (if any) pauses the service.
    if (i == 0 ? pause_if_over_rate() : service_.admission.over_rate(Clock::now())) return;
    if (sessions_full()) return;
    // The wakeup vouches for the first connection only; for the next, asking
    // is far cheaper than an accept that finds the queue empty.
    if (i > 0 && !net::has_pending_connection(socket_.get())) return;
    net::SocketAddress peer;
    peer.reset_length();
    // Blocking, so a server gets the socket as it expects; builtins pass
    // MSG_DONTWAIT; a forwarder needs it non-blocking for every call.
    sys::Fd connection(accept4(socket_.get(), peer.get(), peer.length_pointer(),
                               SOCK_CLOEXEC | (service_.redirects() ? SOCK_NONBLOCK : 0)));
    if (!connection) {
      int error = errno;
      switch (sys::classify_errno(error)) {
        case sys::ErrnoClass::again:
          return;
        case sys::ErrnoClass::resource:
          log_repeated(false, "accept_paused", "{}: accept: {}; pausing for {} ms", service_.name(),
                       std::strerror(error), kResourcePause.count());
          return pause(ServiceState::short_of_resources, kResourcePause);
        case sys::ErrnoClass::other:
          log_repeated(true, "accept_error", "{}: accept: {}", service_.name(),
                       std::strerror(error));
          return;
      }
    }
    ++service_.counters.connections;
    if (service_.service().builtin == config::Builtin::sensor) {  // never served
      service_.refuse(status::Refusal::sensor, peer);
      log_fail(peer, "address");
      owner_.sense(service_, peer);
      continue;
    }
    const services::ConnectionPolicy* policy = service_.service().policy();
    // xinetd's banner goes to every connection, before any check decides.
    write_banner(connection.get(), policy, config::BannerKind::always);
    if (service_.access && !allowed(peer)) {  // closed at once
      write_banner(connection.get(), policy, config::BannerKind::fail);
      continue;
    }
    Client client{peer, {}, false};
    if (!admit(connection.get(), peer, client)) {  // counted by its reason
      write_banner(connection.get(), policy, config::BannerKind::fail);
      continue;
    }
    owner_.serve_connection(service_, std::move(connection), peer, std::move(client));
  }
}

// A refused client's FAIL line, for a service with log_on_failure flags: it
// stands for the warning otherwise logged. False: no such flags.
bool ServiceListener::log_fail(const net::SocketAddress& peer, std::string_view reason) {
  if (!log::logs_fail(service_.service().log_on_failure)) return false;
  owner_.log_fail(service_, peer, reason);
  return true;
}

// The allow and deny lists, before any other limit counts the client.
bool ServiceListener::allowed(const net::SocketAddress& peer) {
  auto verdict = net::check_peer(*service_.access, peer);
  if (verdict == limits::AccessList::Verdict::allowed) return true;
  service_.refuse(status::Refusal::access, peer);
  if (log_fail(peer, "address")) return false;
  log_refused("refused reason=access", [&] {
    return log::event(service_.name(), "refused")
        .peer(peer)
        .add("reason", "access")
        .add("list", describe_list(verdict));
  });
  return false;
}

bool ServiceListener::within_policy(const net::SocketAddress& peer) {
  const services::ConnectionPolicy* policy = service_.service().policy();
  if (policy == nullptr) return true;
  PolicyInputs inputs = owner_.policy_inputs(*policy);
  services::PolicyVerdict verdict = services::judge(*policy, inputs.minute, inputs.load);
  if (verdict == services::PolicyVerdict::allowed) return true;
  service_.refuse(verdict == services::PolicyVerdict::over_max_load ? status::Refusal::load
                                                                    : status::Refusal::time,
                  peer);
  // xinetd's words for these refusals in its FAIL lines.
  if (log_fail(peer, verdict == services::PolicyVerdict::over_max_load ? "load" : "time"))
    return false;
  log_refused(verdict == services::PolicyVerdict::over_max_load ? "refused reason=max_load"
                                                                : "refused reason=access_times",
              [&] {
                log::EventLine line = log::event(service_.name(), "refused").peer(peer);
                add_refusal_fields(line, verdict, *policy, inputs);
                return line;
              });
  return false;
}

// The sensors' deny list, access_times and max_load, the service-wide rate
// (nowait.N) and FreeBSD's per-source limits; a connection refused by any is
// closed at once.
bool ServiceListener::admit(int fd, const net::SocketAddress& peer, Client& client) {
  if (owner_.denied(peer)) {
    service_.refuse(status::Refusal::deny_list, peer);
    // xinetd's reason: its sensor check is part of the address check.
    if (log_fail(peer, "address")) return false;
    log_refused("refused reason=deny_list", [&] {
      return log::event(service_.name(), "refused").peer(peer).add("reason", "deny_list");
    });
    return false;
  }
  if (!within_policy(peer)) return false;
  limits::Admission& admission = service_.admission;
  if (!admission.limits_anything()) return true;
  if (admission.needs_source()) client.source = source_of(peer, fd, owner_.source_prefixes());
  switch (admission.admit(client.source, Clock::now(), client.counted)) {
    case limits::Admission::Verdict::admit:
      return true;
    case limits::Admission::Verdict::over_rate:
      service_.refuse(status::Refusal::service_rate, peer);
      return false;
    case limits::Admission::Verdict::too_many_children:
      service_.refuse(status::Refusal::per_source_limit, peer);
      if (log_fail(peer, "per_source_limit")) return false;
      log_refused("refused reason=per_source_children", [&] {
        return log::event(service_.name(), "refused")
            .peer(peer)
            .add("reason", "per_source_children")
            .add_peer_field("source", client.source)
            .add("running", admission.per_source().children_of(client.source))
            .add("limit", service_.service().limits.max_child_per_ip);
      });
      return false;
    case limits::Admission::Verdict::too_fast:
      service_.refuse(status::Refusal::per_source_rate, peer);
      if (log_fail(peer, "per_source_rate")) return false;
      log_refused("refused reason=per_source_rate", [&] {
        return log::event(service_.name(), "refused")
            .peer(peer)
            .add("reason", "per_source_rate")
            .add_peer_field("source", client.source)
            .add("limit", service_.service().limits.max_conn_per_ip_per_minute)
            .add("seconds", 60);
      });
      return false;
  }
  return false;
}

}  // namespace ninetd::daemon
