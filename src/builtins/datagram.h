// Builtin services over UDP: each datagram gets one answer datagram (none for
// discard). Answers are refused to sources that could turn the service into
// an amplifier or a loop: another builtin's port (the echo/chargen ping-pong),
// port 0, and broadcast or multicast sources. Since a source address can be
// forged, the answers are also bounded: by the service's rate (wait.N), and
// per source address per second (a ReplyBudget) for all but loopback sources,
// which only this host can use.
#pragma once

#include <cstdint>
#include <set>

#include "config/service_spec.h"
#include "limits/access_list.h"
#include "limits/deny_list.h"
#include "limits/rate_window.h"
#include "limits/reply_budget.h"
#include "net/socket_address.h"

namespace ninetd::builtins {

// Pure: should a datagram from `source` be answered?
bool may_answer(const net::SocketAddress& source, const std::set<std::uint16_t>& guarded_ports);

// Pure: is `source` a loopback address (127.0.0.0/8, ::1, or v4-mapped)?
bool is_loopback(const net::SocketAddress& source);

struct DatagramStats {
  std::uint64_t answered = 0;
  std::uint64_t refused = 0;            // by may_answer
  std::uint64_t over_rate = 0;          // the service's wait.N
  std::uint64_t over_budget = 0;        // a source's answers per second
  std::uint64_t refused_by_access = 0;  // dropped by the allow and deny lists
};

struct DatagramGuard {
  const std::set<std::uint16_t>& guarded_ports;
  limits::RateWindow* rate;  // null: no rate
  limits::ReplyBudget& budget;
  const limits::AccessList* access = nullptr;  // null: anyone
  const limits::DenyList* denied = nullptr;    // the sensors' list; null: none
};

// Answers up to a batch of waiting datagrams on `fd` without blocking.
void answer_datagrams(int fd, config::Builtin kind, DatagramGuard& guard, DatagramStats& stats,
                      limits::RateWindow::TimePoint now);

}  // namespace ninetd::builtins
