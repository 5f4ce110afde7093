#include "spawn/environment.h"

#include <fmt/format.h>

namespace ninetd::spawn {

void Environment::reset() {
  variables_.clear();
  variables_.emplace_back(kDefaultPath);
}

void Environment::add(std::string variable) { variables_.push_back(std::move(variable)); }

void Environment::add_connection(const char* transport, const net::SocketAddress& local,
                                 const net::SocketAddress& remote) {
  net::SocketAddress peer = remote.unmapped();
  net::SocketAddress self = local.unmapped();
  // ucspi-tcp6 names the IPv6 forms PROTO=TCP6 and TCP6REMOTEIP...
  std::string proto = peer.family() == AF_INET6 ? fmt::format("{}6", transport) : transport;
  add(fmt::format("PROTO={}", proto));
  add(fmt::format("{}REMOTEIP={}", proto, peer.ip()));
  add(fmt::format("{}REMOTEPORT={}", proto, peer.port()));
  add(fmt::format("{}LOCALIP={}", proto, self.ip()));
  add(fmt::format("{}LOCALPORT={}", proto, self.port()));
}

char* const* Environment::envp() {
  pointers_.clear();
  for (auto& v : variables_) pointers_.push_back(v.data());
  pointers_.push_back(nullptr);
  return pointers_.data();
}

}  // namespace ninetd::spawn
