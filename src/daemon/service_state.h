// ServiceState: where a service's socket stands, one value at a time. The
// socket is in the event loop exactly when the state is `listening`; every
// other state says why not and what brings it back. The names are what an
// administrator reads in the SIGUSR1 table (and later the status command).
#pragma once

#include <cstdint>
#include <string_view>

namespace ninetd::daemon {

enum class ServiceState : std::uint8_t {
  listening,           // watched: the next client is accepted (or its datagram answered)
  at_child_limit,      // max-child servers or sessions run; watched again when one ends
  at_daemon_limit,     // --max-children servers run, all services together; until one ends
  paused_by_rate,      // over nowait.N; watched again when its minute ends
  short_of_resources,  // out of descriptors or memory, or the daemon's session bound: a short pause
  waiting_for_server,  // a wait server holds the socket; watched again when it exits
  server_reading,      // dgram nowait: a server was started to read the datagram; a short pause
  backing_off,         // its servers failed at once; watched again after a growing delay
  retrying_bind,       // the socket could not be opened; tried again every few seconds
  via_tcpmux,          // no socket of its own: reached through the tcpmux builtin
  no_ipv6,             // an IPv6 socket on a host without IPv6: left closed
  removed,             // dropped by a reload; its running servers go on
};

// The state in an administrator's words ("paused by rate").
std::string_view describe(ServiceState state);
// The state as one word, for a metric label ("paused_by_rate").
std::string_view state_name(ServiceState state);

// States that end by themselves when a timer fires.
bool is_timed(ServiceState state);

}  // namespace ninetd::daemon
