#include "net/peer_access.h"

namespace ninetd::net {

limits::AccessList::Verdict check_peer(const limits::AccessList& access,
                                       const SocketAddress& peer) {
  std::span<const std::uint8_t> bytes = peer.address_bytes();
  if (bytes.empty()) return limits::AccessList::Verdict::allowed;
  return access.check(bytes.data(), bytes.size() == 4);
}

}  // namespace ninetd::net
