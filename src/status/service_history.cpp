#include "status/service_history.h"

#include <cstring>

namespace ninetd::status {

PeerBytes::PeerBytes(const net::SocketAddress* peer) {
  if (peer == nullptr || (peer->family() != AF_INET && peer->family() != AF_INET6)) return;
  auto length = static_cast<std::size_t>(peer->length());
  if (length > bytes_.size()) return;
  std::memcpy(bytes_.data(), peer->get(), length);
  length_ = static_cast<std::uint8_t>(length);
}

net::SocketAddress PeerBytes::address() const {
  sockaddr_in6 raw{};
  std::memcpy(&raw, bytes_.data(), length_);
  return net::SocketAddress::from_raw(reinterpret_cast<const sockaddr*>(&raw), length_);
}

void ServiceHistory::count_refusals(Refusal reason, std::uint64_t clients) {
  refused_[static_cast<std::size_t>(reason)] += clients;
}

void ServiceHistory::record(const ServiceEvent& event) {
  ring_[recorded_ % kEvents] = event;
  ++recorded_;
}

std::vector<ServiceEvent> ServiceHistory::events() const {
  std::vector<ServiceEvent> out;
  std::uint64_t kept = recorded_ < kEvents ? recorded_ : kEvents;
  out.reserve(kept);
  for (std::uint64_t i = recorded_ - kept; i < recorded_; ++i) out.push_back(ring_[i % kEvents]);
  return out;
}

}  // namespace ninetd::status
