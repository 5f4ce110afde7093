// The sensors (xinetd's SENSOR flag, the builtin "sensor"): a client that
// touches one is refused by every service for the sensor's deny time. The
// list is the daemon's, kept across reloads, bounded (limits/deny_list.h).
#include <sys/socket.h>

#include "config/deny_time.h"
#include "daemon/supervisor.h"
#include "log/event_line.h"

namespace ninetd::daemon {

void Supervisor::sense(const RunningService& service, const net::SocketAddress& peer) {
  if (peer.family() != AF_INET && peer.family() != AF_INET6) return;
  const std::vector<std::string>& argv = service.service().argv;
  config::DenyTime time;
  if (argv.size() > 1) time = config::parse_deny_time(argv[1]).value_or(config::DenyTime{});
  std::string address = peer.unmapped().ip();
  if (time.kind == config::DenyTime::Kind::never) {
    log_event(log::Level::warning, service, "sensor",
              log::event(service.name(), "sensor").peer(peer).add("deny_time", "NEVER"));
    return;
  }
  std::optional<std::chrono::minutes> length;
  if (time.kind == config::DenyTime::Kind::minutes) length = time.length;
  switch (deny_list_.add(address, length, loop::Clock::now())) {
    case limits::DenyList::Added::added:
    case limits::DenyList::Added::extended:
      log_event(log::Level::warning, service, "sensor",
                log::event(service.name(), "sensor")
                    .peer(peer)
                    .add("deny_time", time.kind == config::DenyTime::Kind::forever
                                          ? std::string("FOREVER")
                                          : std::to_string(time.length.count()))
                    .add("listed", deny_list_.size()));
      return;
    case limits::DenyList::Added::unchanged:
      return;
    case limits::DenyList::Added::full:
      log_event(log::Level::error, service, "sensor reason=full",
                log::event(service.name(), "sensor")
                    .peer(peer)
                    .add("listed", deny_list_.size())
                    .add("error", "the deny list is full; not added"));
      return;
  }
}

void Supervisor::sense_datagrams(RunningService& service) {
  constexpr int kDatagramsPerWakeup = 64;  // then back to the loop; the socket stays readable
  for (int i = 0; i < kDatagramsPerWakeup; ++i) {
    net::SocketAddress source;
    source.reset_length();
    char byte = 0;  // the payload means nothing; MSG_TRUNC drops the rest of it
    if (::recvfrom(service.listener.fd(), &byte, 1, MSG_DONTWAIT | MSG_TRUNC, source.get(),
                   source.length_pointer()) < 0)
      return;
    service.refuse(status::Refusal::sensor, source);
    sense(service, source);
  }
}

bool Supervisor::denied(const net::SocketAddress& peer) {
  if (deny_list_.size() == 0) return false;
  if (peer.family() != AF_INET && peer.family() != AF_INET6) return false;
  return deny_list_.denies(peer.unmapped().ip(), loop::Clock::now());
}

}  // namespace ninetd::daemon
