// The supervisor's in-loop builtin sessions (echo, discard, chargen, the
// tcpmux request): started after admission, counted as their service's
// children, closed when they end or make no progress.
#include <sys/socket.h>

#include <algorithm>

#include "daemon/supervisor.h"
#include "log/logger.h"
#include "log/service_lines.h"

namespace ninetd::daemon {

using Clock = loop::Clock;

void Supervisor::start_session(RunningService& service, config::Builtin kind, sys::Fd connection,
                               Client client) {
  auto session =
      std::make_unique<builtins::Session>(kind, std::move(connection), service.name(), *this);
  builtins::Session* key = session.get();
  sessions_.emplace(
      key, SessionEntry{std::move(session), service.shared_from_this(), std::move(client)});
  ++service.children;
  // start() may already end the session (a short exchange served at once).
  if (!key->start()) {
    end_session(*key);
    return;
  }
  if (!sessions_.count(key)) return;
  service.listener.reconsider();
  arm_session_sweep();
}

void Supervisor::arm_session_sweep() {
  if (!sweep_timer_)
    sweep_timer_ = loop_.schedule(Clock::now() + settings_.session_idle_timeout,
                                  [this] { sweep_idle_sessions(); });
}

void Supervisor::end_session(builtins::Session& session) {
  auto it = sessions_.find(&session);
  if (it == sessions_.end()) return;
  SessionEntry entry = std::move(it->second);
  sessions_.erase(it);
  session.detach();
  // Closed now, not with the object after the batch: the client is waiting
  // for this end of file.
  session.take_fd().reset();
  loop_.retire(std::move(entry.session));
  RunningService& service = *entry.service;
  --service.children;
  if (entry.client.counted) service.admission.per_source().release(entry.client.source);
  service.listener.reconsider();
}

void Supervisor::sweep_idle_sessions() {
  sweep_timer_.reset();
  Clock::time_point now = Clock::now();
  Clock::time_point oldest = now;
  std::vector<builtins::Session*> idle;
  for (auto& [key, entry] : sessions_) {
    if (key->last_activity() + settings_.session_idle_timeout <= now)
      idle.push_back(key);
    else
      oldest = std::min(oldest, key->last_activity());
  }
  for (builtins::Session* session : idle) {
    if (settings_.log_connections)
      log_idle_close(session->service_name(), sessions_.at(session).client);
    end_session(*session);
  }
  oldest = sweep_idle_forwards(now, oldest);
  if (!sessions_.empty() || !forwards_.empty())
    sweep_timer_ =
        loop_.schedule(oldest + settings_.session_idle_timeout, [this] { sweep_idle_sessions(); });
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
    if (settings_.log_connections)
      log::info("{}", log::event(service_name, "refused")
                          .add("reason", "tcpmux_unknown")
                          .add("name", name)
                          .text());
    return reply("-Service not available\r\n");
  }
  RunningService& target = *it->second;
  net::SocketAddress peer;
  peer.reset_length();
  // Fails when the client is already gone (ENOTCONN): no server is started
  // for it, and per-source limits would get no address to count it by.
  if (getpeername(connection.get(), peer.get(), peer.length_pointer()) < 0) {
    log_repeated(log::Level::error, target, "getpeername_error", "{}: {}", target.name(),
                 sys::last_error("getpeername").describe());
    return;
  }
  ++target.counters.connections;
  Client client{peer, {}, false};
  // The one place a client is refused for a child limit: the tcpmux request
  // has been read, and the client waits for an answer, not in a queue.
  unsigned max = target.service().limits.max_child;
  if (max > 0 && target.children >= max) {
    refuse_at_limit(target, peer);
    target.refuse(status::Refusal::busy, peer);
    return reply("-Service busy\r\n");
  }
  // admit() counts a refusal by its reason.
  if (!target.listener.admit(connection.get(), peer, client)) return reply("-Service busy\r\n");
  if (target.service().tcpmux_plus) reply("+Go\r\n");
  launch_server(target, connection.get(), &peer, std::move(client));
}

void Supervisor::refuse_at_limit(RunningService& service, const net::SocketAddress& peer) {
  if (log::logs_fail(service.service().log_on_failure))
    return log_fail(service, peer, "service_limit");
  log_event(log::Level::warning, service, "refused reason=service_limit",
            log::event(service.name(), "refused")
                .peer(peer)
                .add("reason", "service_limit")
                .add("running", service.children)
                .add("limit", service.service().limits.max_child));
}

void Supervisor::count_again(RunningService& service, Client& client) const {
  if (client.source.empty() && client.peer.family() != AF_UNSPEC)
    // An IP address: no descriptor needed.
    client.source = source_of(client.peer.expand(), -1, settings_.source_prefixes);
  limits::PerSource& per_source = service.admission.per_source();
  client.counted = !client.source.empty() && per_source.counts_children();
  if (client.counted) per_source.add_child(client.source);
}

void Supervisor::recount_sources(const std::set<RunningService*>& services) {
  if (services.empty()) return;
  for (auto& [pid, child] : children_)
    if (services.count(child.service.get())) count_again(*child.service, child.client);
  for (auto& [key, entry] : sessions_)
    if (services.count(entry.service.get())) count_again(*entry.service, entry.client);
  for (auto& [key, entry] : forwards_)
    if (services.count(entry.service.get())) count_again(*entry.service, entry.client);
}

}  // namespace ninetd::daemon
