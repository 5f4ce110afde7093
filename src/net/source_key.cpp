#include "net/source_key.h"

#include <algorithm>

#include "limits/access_list.h"

namespace ninetd::net {

std::string source_key(const SocketAddress& peer, SourcePrefixes prefixes) {
  SocketAddress address = peer.unmapped();
  std::span<const std::uint8_t> bytes = address.address_bytes();
  if (bytes.empty()) return {};
  limits::AddressPrefix network;
  network.v4 = bytes.size() == 4;
  network.length = network.v4 ? prefixes.v4 : prefixes.v6;
  if (network.length >= bytes.size() * 8) return address.ip();  // a whole address, as it is
  std::copy(bytes.begin(), bytes.end(), network.bytes.begin());
  return limits::to_string(limits::network_of(network));
}

}  // namespace ninetd::net
