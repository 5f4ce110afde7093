// Why a client was refused: the reasons the status table and the metrics
// break refusals down by. The words are xinetd's FAIL reasons where xinetd has
// one, so a FAIL line, a status line and a metric label say the same thing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ninetd::status {

enum class Refusal : std::uint8_t {
  access,            // the service's allow and deny lists (or the daemon-wide ones)
  libwrap,           // hosts.allow and hosts.deny (-w, -W)
  per_source_limit,  // servers running for the client's network (max-child-per-ip)
  per_source_rate,   // connections a minute from the client's network
  service_rate,      // the service's own connections a minute (nowait.N)
  time,              // outside access_times
  load,              // the machine's load above max_load
  busy,              // tcpmux: the named service is at its child limit
  deny_list,         // a sensor listed the client's address (xinetd's deny_time)
  sensor,            // the client touched this sensor: never served
};
inline constexpr std::size_t kRefusalKinds = 10;

// "access", "per_source_limit", ...: one word, fit for a metric label.
std::string_view name(Refusal reason);

}  // namespace ninetd::status
