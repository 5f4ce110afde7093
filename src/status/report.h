// What the daemon reports about itself: a copy of its counters and states,
// taken in the loop and formatted anywhere (the status table, the metrics).
// Plain data, so the formatters are pure and tested with made-up reports.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "limits/deny_list.h"
#include "status/refusal.h"
#include "status/service_history.h"

namespace ninetd::status {

struct ServiceReport {
  std::string name;     // "echo/tcp"
  std::string address;  // "0.0.0.0:7", "[::]:7", a unix path; tcpmux's name for a tcpmux service
  std::string socket;   // "stream/tcp"
  std::string state;    // ServiceState's name: "listening", "paused_by_rate", ...
  std::string
      state_text;      // in words, with what it waits for: "waiting for its wait server (pid 42)"
  std::string server;  // "internal echo", "redirect 127.0.0.1:8080", or the program and its argv
  unsigned children = 0;  // servers and in-loop sessions running now
  std::uint64_t connections = 0;
  std::uint64_t refused = 0;
  std::array<std::uint64_t, kRefusalKinds> refused_by{};
  std::uint64_t launch_failures = 0;
  std::vector<ServiceEvent> events;  // oldest first; filled for the one-service view only
};

struct DaemonReport {
  std::string version;
  std::int64_t pid = 0;
  std::int64_t started_unix = 0;  // seconds
  std::int64_t now_unix = 0;
  std::uint64_t reloads = 0;             // applied
  std::uint64_t reload_failures = 0;     // refused: the running configuration was kept
  std::size_t servers = 0;               // launched servers running now
  std::size_t sessions = 0;              // builtin sessions and forwarded connections in the loop
  std::uint64_t datagrams_answered = 0;  // by the UDP builtins
  std::uint64_t datagrams_refused = 0;
  std::uint64_t log_lines_dropped = 0;  // syslog's socket was full
  // The sensors' deny list: how many it refuses now, the first of them in
  // address order (none under --no-peer-addresses), and the most it holds.
  limits::DenyList::Listing deny_list;
  std::size_t deny_list_max = 0;
  std::vector<ServiceReport> services;
};

}  // namespace ninetd::status
