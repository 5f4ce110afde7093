#include "builtins/datagram.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstddef>

#include "builtins/table.h"
#include "net/peer_access.h"

namespace ninetd::builtins {
namespace {

constexpr int kDatagramsPerWakeup = 64;
constexpr std::size_t kMaxDatagram = 65536;

}  // namespace

bool may_answer(const net::SocketAddress& source, const std::set<std::uint16_t>& guarded_ports) {
  net::SocketAddress peer = source.unmapped();
  // A unix datagram client can be answered only if it bound itself a name.
  if (peer.family() == AF_UNIX) return peer.length() > offsetof(sockaddr_un, sun_path) + 1;
  std::uint16_t port = peer.port();
  if (port == 0 || guarded_ports.count(port) != 0) return false;
  if (peer.family() == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(peer.get());
    std::uint32_t ip = ntohl(sin->sin_addr.s_addr);
    if (ip == INADDR_BROADCAST || IN_MULTICAST(ip) || ip == INADDR_ANY) return false;
  } else if (peer.family() == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(peer.get());
    if (IN6_IS_ADDR_MULTICAST(&sin6->sin6_addr) || IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr))
      return false;
  }
  return true;
}

bool is_loopback(const net::SocketAddress& source) {
  net::SocketAddress peer = source.unmapped();
  if (peer.family() == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(peer.get());
    return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
  }
  if (peer.family() == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(peer.get());
    return IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
  }
  return false;
}

namespace {

// A source a sensor saw (daemon/supervisor_sensor.cpp) gets no answer.
bool denied_by_sensor(const limits::DenyList* list, const net::SocketAddress& source,
                      limits::RateWindow::TimePoint now) {
  if (list == nullptr || list->size() == 0) return false;
  int family = source.family();
  return (family == AF_INET || family == AF_INET6) && list->denies(source.unmapped().ip(), now);
}

}  // namespace

void answer_datagrams(int fd, config::Builtin kind, DatagramGuard& guard, DatagramStats& stats,
                      limits::RateWindow::TimePoint now) {
  static char buffer[kMaxDatagram];
  Answer answer = row(kind).answer;
  for (int i = 0; i < kDatagramsPerWakeup; ++i) {
    net::SocketAddress source;
    source.reset_length();
    ssize_t n =
        ::recvfrom(fd, buffer, sizeof(buffer), MSG_DONTWAIT, source.get(), source.length_pointer());
    if (n < 0) return;  // EAGAIN: drained; anything else: nothing to answer
    if ((guard.access != nullptr &&
         net::check_peer(*guard.access, source) != limits::AccessList::Verdict::allowed) ||
        denied_by_sensor(guard.denied, source, now)) {
      ++stats.refused_by_access;
      continue;
    }
    if (answer == nullptr) continue;  // discard
    if (!may_answer(source, guard.guarded_ports)) {
      ++stats.refused;
      continue;
    }
    if (guard.rate != nullptr && !guard.rate->admit(now)) {
      ++stats.over_rate;
      continue;
    }
    net::SocketAddress peer = source.unmapped();
    if (!is_loopback(peer) && !guard.budget.admit(peer.address_bytes(), now)) {
      ++stats.over_budget;
      continue;
    }
    std::array<char, kAnswerScratch> scratch;
    std::span<const char> reply = answer({buffer, static_cast<std::size_t>(n)}, scratch);
    // A full send buffer drops the answer, as UDP may: never block the loop.
    ::sendto(fd, reply.data(), reply.size(), MSG_DONTWAIT | MSG_NOSIGNAL, source.get(),
             source.length());
    ++stats.answered;
  }
}

}  // namespace ninetd::builtins
