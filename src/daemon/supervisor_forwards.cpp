// The supervisor's forwarded connections (xinetd's redirect): started after
// every admission check a server would get, counted as their service's
// children and as in-loop sessions, closed when they end or go idle.
#include <cstring>

#include "daemon/supervisor.h"
#include "log/logger.h"

namespace ninetd::daemon {

using Clock = loop::Clock;

void Supervisor::start_forward(RunningService& service, sys::Fd connection, Client client) {
  auto forwarder = std::make_unique<forward::Forwarder>(std::move(connection),
                                                        service.service().redirect()->expand(),
                                                        builtins::kProgressBytes, *this);
  forward::Forwarder* key = forwarder.get();
  forwards_.emplace(
      key, ForwardEntry{std::move(forwarder), service.shared_from_this(), std::move(client)});
  ++service.children;
  int error = 0;
  if (!key->start(error)) {
    forward_failed(*key, error);
    end_forward(*key);
    return;
  }
  // start() may already have ended it (a target that refused at once).
  if (!forwards_.count(key)) return;
  service.listener.reconsider();
  arm_session_sweep();
}

// Through the repeat limiter: every client of a dead target would otherwise
// add a line.
void Supervisor::forward_failed(forward::Forwarder& forwarder, int error) {
  auto it = forwards_.find(&forwarder);
  if (it == forwards_.end()) return;
  const RunningService& service = *it->second.service;
  log_event(log::Level::error, service, "redirect_failed",
            log::event(service.name(), "redirect_failed")
                .add("target", forwarder.target().to_string())
                .add("error", std::strerror(error)));
}

void Supervisor::end_forward(forward::Forwarder& forwarder) {
  auto it = forwards_.find(&forwarder);
  if (it == forwards_.end()) return;
  ForwardEntry entry = std::move(it->second);
  forwards_.erase(it);
  // Closed now, not with the object after the batch: the client is waiting
  // for this end of file.
  forwarder.close();
  loop_.retire(std::move(entry.forwarder));
  RunningService& service = *entry.service;
  --service.children;
  if (entry.client.counted) service.admission.per_source().release(entry.client.source);
  service.listener.reconsider();
}

Clock::time_point Supervisor::sweep_idle_forwards(Clock::time_point now, Clock::time_point oldest) {
  std::vector<forward::Forwarder*> idle;
  for (auto& [key, entry] : forwards_) {
    if (key->last_activity() + settings_.session_idle_timeout <= now)
      idle.push_back(key);
    else
      oldest = std::min(oldest, key->last_activity());
  }
  for (forward::Forwarder* forwarder : idle) {
    const RunningService& service = *forwards_.at(forwarder).service;
    if (!forwarder->connected())
      log_event(log::Level::error, service, "redirect_failed",
                log::event(service.name(), "redirect_failed")
                    .add("target", forwarder->target().to_string())
                    .add("error", "no answer")
                    .add("seconds", settings_.session_idle_timeout.count()));
    else if (settings_.log_connections)
      log_idle_close(service.name(), forwards_.at(forwarder).client);
    end_forward(*forwarder);
  }
  return oldest;
}

}  // namespace ninetd::daemon
