#include "net/peer_access.h"

#include <netinet/in.h>

namespace ninetd::net {

limits::AccessList::Verdict check_peer(const limits::AccessList& access,
                                       const SocketAddress& peer) {
  if (peer.family() == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(peer.get());
    return access.check(reinterpret_cast<const std::uint8_t*>(&in->sin_addr), true);
  }
  if (peer.family() == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(peer.get());
    return access.check(reinterpret_cast<const std::uint8_t*>(&in6->sin6_addr), false);
  }
  return limits::AccessList::Verdict::allowed;
}

}  // namespace ninetd::net
