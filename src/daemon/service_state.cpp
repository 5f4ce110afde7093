#include "daemon/service_state.h"

namespace ninetd::daemon {

std::string_view describe(ServiceState state) {
  switch (state) {
    case ServiceState::listening:
      return "listening";
    case ServiceState::at_child_limit:
      return "at its child limit";
    case ServiceState::at_daemon_limit:
      return "at the daemon's child limit";
    case ServiceState::paused_by_rate:
      return "paused by rate";
    case ServiceState::short_of_resources:
      return "short of resources";
    case ServiceState::waiting_for_server:
      return "waiting for its wait server";
    case ServiceState::server_reading:
      return "server reading its datagram";
    case ServiceState::backing_off:
      return "backing off";
    case ServiceState::retrying_bind:
      return "retrying bind";
    case ServiceState::via_tcpmux:
      return "through tcpmux";
    case ServiceState::no_ipv6:
      return "no IPv6";
    case ServiceState::removed:
      return "removed";
  }
  return "?";
}

std::string_view state_name(ServiceState state) {
  switch (state) {
    case ServiceState::listening:
      return "listening";
    case ServiceState::at_child_limit:
      return "at_child_limit";
    case ServiceState::at_daemon_limit:
      return "at_daemon_limit";
    case ServiceState::paused_by_rate:
      return "paused_by_rate";
    case ServiceState::short_of_resources:
      return "short_of_resources";
    case ServiceState::waiting_for_server:
      return "waiting_for_server";
    case ServiceState::server_reading:
      return "server_reading";
    case ServiceState::backing_off:
      return "backing_off";
    case ServiceState::retrying_bind:
      return "retrying_bind";
    case ServiceState::via_tcpmux:
      return "via_tcpmux";
    case ServiceState::no_ipv6:
      return "no_ipv6";
    case ServiceState::removed:
      return "removed";
  }
  return "unknown";
}

bool is_timed(ServiceState state) {
  switch (state) {
    case ServiceState::paused_by_rate:
    case ServiceState::short_of_resources:
    case ServiceState::server_reading:
    case ServiceState::backing_off:
    case ServiceState::retrying_bind:
      return true;
    default:
      return false;
  }
}

}  // namespace ninetd::daemon
