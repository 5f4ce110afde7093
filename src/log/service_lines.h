// The lines of xinetd's log_on_success and log_on_failure, in ninetd's log
// style ("service: what happened", key=value facts, written by
// log/event_line.h): START when a server is launched, EXIT when it ends, FAIL
// when a client is refused. Which facts a line carries is the service's flags
// (config/log_settings.h); the client's address is xinetd's from= field, left
// out when `show_peers` is false (--no-peer-addresses). Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/log_settings.h"

namespace ninetd::log {

// Whether the flags ask for the line at all: START for any log_on_success
// flag, EXIT for EXIT or DURATION, FAIL for any log_on_failure flag (as xinetd).
// Inline: a service without flags pays a byte test per launch and exit.
inline bool logs_start(std::uint8_t on_success) {
  return on_success != 0;
}
inline bool logs_exit(std::uint8_t on_success) {
  return (on_success & (config::log_success::kExit | config::log_success::kDuration)) != 0;
}
inline bool logs_fail(std::uint8_t on_failure) {
  return on_failure != 0;
}

// "echo/tcp: START pid=4711 from=192.0.2.7". `host` empty: no from= (a
// stream wait server, given the listening socket itself, has no one client).
std::string start_line(std::string_view service, std::uint8_t on_success, int pid,
                       std::string_view host, bool show_peers = true);
// "echo/tcp: EXIT status=0 pid=4711 duration=3s" (signal=N for a server a
// signal ended); `wait_status` as waitpid(2) gives it.
std::string exit_line(std::string_view service, std::uint8_t on_success, int pid, int wait_status,
                      std::int64_t seconds);
// "echo/tcp: FAIL reason=address from=198.51.100.9"; `reason` is one of
// xinetd's words (address, libwrap, per_source_limit) or ninetd's own
// (per_source_rate).
std::string fail_line(std::string_view service, std::uint8_t on_failure, std::string_view reason,
                      std::string_view host, bool show_peers = true);

}  // namespace ninetd::log
