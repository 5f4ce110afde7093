// ServiceHistory: what `ninetd --status SERVICE` tells beyond the counters:
// refusals by reason, and the last few events (servers started and ended,
// refusals, launch failures, back-offs). A service gets one at its first
// event, so the hundreds that never see a client cost a null pointer. Pure:
// the caller gives the time.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "net/socket_address.h"
#include "status/refusal.h"

namespace ninetd::status {

enum class EventKind : std::uint8_t {
  started,        // pid, peer
  exited,         // pid, value: the wait status, duration_ms
  refused,        // value: the Refusal, peer
  launch_failed,  // value: the errno
  backed_off,     // value: the seconds the socket is left alone
};

// An IPv4 or IPv6 peer kept in place; a unix peer (or none) keeps no address.
class PeerBytes {
 public:
  PeerBytes() = default;
  explicit PeerBytes(const net::SocketAddress* peer);
  bool empty() const { return length_ == 0; }
  net::SocketAddress address() const;

 private:
  std::array<std::uint8_t, sizeof(sockaddr_in6)> bytes_{};
  std::uint8_t length_ = 0;
};

struct ServiceEvent {
  std::int64_t unix_ms = 0;  // wall clock, for a reader comparing with the logs
  PeerBytes peer;
  std::int32_t pid = 0;
  std::int32_t value = 0;
  std::uint32_t duration_ms = 0;
  EventKind kind = EventKind::started;
};

class ServiceHistory {
 public:
  static constexpr std::size_t kEvents = 16;

  void count_refusals(Refusal reason, std::uint64_t clients);
  std::uint64_t refusals(Refusal reason) const {
    return refused_[static_cast<std::size_t>(reason)];
  }
  const std::array<std::uint64_t, kRefusalKinds>& refusals() const { return refused_; }
  void record(const ServiceEvent& event);
  // The events kept, oldest first.
  std::vector<ServiceEvent> events() const;

 private:
  std::array<std::uint64_t, kRefusalKinds> refused_{};
  std::array<ServiceEvent, kEvents> ring_{};
  std::uint64_t recorded_ = 0;  // ever; the ring holds the last kEvents
};

}  // namespace ninetd::status
