#include "spawn/environment.h"

#include <fmt/format.h>

namespace ninetd::spawn {

void Environment::reset() {
  variables_.clear();
  variables_.emplace_back(kDefaultPath);
}

void Environment::add(std::string variable) {
  variables_.push_back(std::move(variable));
}

void Environment::add_connection(const char* transport, const net::SocketAddress& local,
                                 const net::SocketAddress& remote) {
  net::SocketAddress peer = remote.unmapped();
  net::SocketAddress self = local.unmapped();
  std::string remote_ip = peer.ip();
  std::string local_ip = self.ip();
  bool ipv6 = peer.family() == AF_INET6;
  // ucspi-tcp6 says PROTO=TCP6 and names the IPv6 forms TCP6REMOTEIP...;
  // s6-networking and servers written for plain tcpserver read TCPREMOTEIP
  // whatever the family. Both sets are given, so either kind of server works.
  add(fmt::format("PROTO={}{}", transport, ipv6 ? "6" : ""));
  auto add_set = [&](std::string_view prefix) {
    add(fmt::format("{}REMOTEIP={}", prefix, remote_ip));
    add(fmt::format("{}REMOTEPORT={}", prefix, peer.port()));
    add(fmt::format("{}LOCALIP={}", prefix, local_ip));
    add(fmt::format("{}LOCALPORT={}", prefix, self.port()));
  };
  add_set(transport);
  if (ipv6) add_set(fmt::format("{}6", transport));
}

char* const* Environment::envp() {
  pointers_.clear();
  for (auto& v : variables_) pointers_.push_back(v.data());
  pointers_.push_back(nullptr);
  return pointers_.data();
}

}  // namespace ninetd::spawn
