// The key per-source limits count a client under: its network, IPv4 /32 and
// IPv6 /64 by default. One host on IPv6 usually holds a whole /64 and can
// pick a new address from it for every connection, so counting addresses
// would let it past every per-source limit. Pure.
#pragma once

#include <cstdint>
#include <string>

#include "net/socket_address.h"

namespace ninetd::net {

struct SourcePrefixes {
  std::uint8_t v4 = 32;  // --source-prefix-ipv4
  std::uint8_t v6 = 64;  // --source-prefix-ipv6
};

// "192.0.2.7" (a whole address), "192.0.2.0/24", "2001:db8:1:2::/64"; an
// IPv4-mapped client counts as IPv4. Empty for a family without addresses.
std::string source_key(const SocketAddress& peer, SourcePrefixes prefixes);

}  // namespace ninetd::net
