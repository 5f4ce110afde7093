#include "services/service.h"

#include <fmt/format.h>

namespace ninetd::services {

std::string Service::key() const {
  if (tcpmux) return fmt::format("tcpmux {}", tcpmux_name);
  const char* transport_name = transport == config::Transport::tcp   ? "tcp"
                               : transport == config::Transport::udp ? "udp"
                                                                     : "unix";
  return fmt::format("{} {} {}{}{}", config::to_string(socket_type), transport_name,
                     address.to_string(), v6only ? " v6only" : "",
                     is_rpc() ? fmt::format(" rpc {}", rpc_program) : std::string());
}

bool Service::key_less(const Service& a, const Service& b) {
  if (a.tcpmux != b.tcpmux) return a.tcpmux < b.tcpmux;
  if (a.tcpmux) return a.tcpmux_name < b.tcpmux_name;
  if (a.socket_type != b.socket_type) return a.socket_type < b.socket_type;
  if (a.transport != b.transport) return a.transport < b.transport;
  if (int order = a.address.compare(b.address); order != 0) return order < 0;
  if (a.v6only != b.v6only) return a.v6only < b.v6only;
  return a.rpc_program < b.rpc_program;
}

bool Service::same_launch(const Service& other) const {
  return name == other.name && same_server(other);
}

bool Service::same_server(const Service& other) const {
  return wait_mode == other.wait_mode && limits == other.limits && builtin == other.builtin &&
         tcpmux_plus == other.tcpmux_plus && program == other.program && argv == other.argv &&
         credentials == other.credentials && extras.same(other.extras) &&
         listen_fds == other.listen_fds && allow_given == other.allow_given &&
         deny_given == other.deny_given && access_rules == other.access_rules &&
         log_on_success == other.log_on_success && log_on_failure == other.log_on_failure &&
         log_target == other.log_target;
}

bool Service::same_socket_options(const Service& other) const {
  return sndbuf == other.sndbuf && rcvbuf == other.rcvbuf && defer_accept == other.defer_accept &&
         nodelay == other.nodelay && keepalive == other.keepalive && same_rpc_versions(other);
}

}  // namespace ninetd::services
