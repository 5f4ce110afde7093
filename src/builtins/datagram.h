// Builtin services over UDP: each datagram gets one answer datagram (none for
// discard). Answers are refused to sources that could turn the service into
// an amplifier or a loop: another builtin's port (the echo/chargen ping-pong),
// port 0, and broadcast or multicast sources.
#pragma once

#include <cstdint>
#include <set>

#include "config/service_spec.h"
#include "net/socket_address.h"

namespace ninetd::builtins {

// Pure: should a datagram from `source` be answered?
bool may_answer(const net::SocketAddress& source, const std::set<std::uint16_t>& guarded_ports);

struct DatagramStats {
  std::uint64_t answered = 0;
  std::uint64_t refused = 0;
};

// Answers up to a batch of waiting datagrams on `fd` without blocking.
void answer_datagrams(int fd, config::Builtin kind, const std::set<std::uint16_t>& guarded_ports,
                      DatagramStats& stats);

}  // namespace ninetd::builtins
