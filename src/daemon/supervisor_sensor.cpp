// The sensors (xinetd's SENSOR flag, the builtin "sensor"): a client that
// touches one is refused by every service for the sensor's deny time. The
// list is the daemon's, kept across reloads, bounded (limits/deny_list.h).
#include <sys/socket.h>

#include "config/deny_time.h"
#include "daemon/supervisor.h"
#include "log/escape.h"

namespace ninetd::daemon {

void Supervisor::sense(const RunningService& service, const net::SocketAddress& peer) {
  if (peer.family() != AF_INET && peer.family() != AF_INET6) return;
  const std::vector<std::string>& argv = service.service().argv;
  config::DenyTime time;
  if (argv.size() > 1) time = config::parse_deny_time(argv[1]).value_or(config::DenyTime{});
  std::string address = peer.unmapped().ip();
  if (time.kind == config::DenyTime::Kind::never) {
    log_repeated(log::Level::warning, service, "sensor",
                 "{}: {} touched the sensor (deny time NEVER: not refused elsewhere)",
                 service.name(), log::escaped(address));
    return;
  }
  std::optional<std::chrono::minutes> length;
  if (time.kind == config::DenyTime::Kind::minutes) length = time.length;
  switch (deny_list_.add(address, length, loop::Clock::now())) {
    case limits::DenyList::Added::added:
    case limits::DenyList::Added::extended:
      log_repeated(log::Level::warning, service, "sensor",
                   "{}: {} touched the sensor; every service refuses it for {}", service.name(),
                   log::escaped(address), config::describe(time));
      return;
    case limits::DenyList::Added::unchanged:
      return;
    case limits::DenyList::Added::full:
      log_repeated(log::Level::error, service, "sensor: list full",
                   "{}: {} touched the sensor, but the deny list holds {} addresses, its most; "
                   "not added",
                   service.name(), log::escaped(address), deny_list_.size());
      return;
  }
}

bool Supervisor::denied(const net::SocketAddress& peer) {
  if (deny_list_.size() == 0) return false;
  if (peer.family() != AF_INET && peer.family() != AF_INET6) return false;
  return deny_list_.denies(peer.unmapped().ip(), loop::Clock::now());
}

}  // namespace ninetd::daemon
