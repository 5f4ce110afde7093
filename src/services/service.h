// Service: one socket's worth of a configured service, resolved and ready to
// run: the address to bind, the credentials and argv to launch with. Computed
// once at load, so nothing is looked up per connection.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/service_spec.h"
#include "net/compact_address.h"
#include "services/group_list.h"
#include "services/service_extras.h"

namespace ninetd::services {

// The user's name is not kept: a launch needs only the numbers.
struct Credentials {
  bool switch_user = false;  // only when the daemon runs as root
  uid_t uid = 0;
  gid_t gid = 0;
  GroupList groups;  // supplementary groups, from getgrouplist
  bool operator==(const Credentials&) const = default;
};

// 0 means unlimited.
struct Limits {
  unsigned max_child = 0;
  unsigned max_per_minute = 0;
  unsigned max_conn_per_ip_per_minute = 0;
  unsigned max_child_per_ip = 0;
  bool operator==(const Limits&) const = default;
};

struct Service {
  std::string name;  // "echo/tcp", as logs print it
  int line = 0;      // of its configuration file, `file`

  config::SocketType socket_type = config::SocketType::stream;
  config::Transport transport = config::Transport::tcp;
  bool v6only = false;
  // The log settings (config/log_settings.h), each in a byte of padding: a
  // service without them costs nothing more. log_on_success's flags here,
  // log_on_failure's after wait_mode, the log target after tcpmux_plus.
  std::uint8_t log_on_success = 0;
  net::CompactAddress address;  // unset for tcpmux/NAME services, which have no socket
  std::optional<int> sndbuf;
  std::optional<int> rcvbuf;
  // One bit each, in one byte: the rpc version below sits right after it.
  bool listen_fds : 1 = false;
  bool defer_accept : 1 = false;  // TCP_DEFER_ACCEPT asked for (NetBSD's "dataready")
  bool nodelay : 1 = false;       // TCP_NODELAY on the listener (xinetd's NODELAY)
  bool keepalive : 1 = false;     // SO_KEEPALIVE on the listener (xinetd's KEEPALIVE)
  // The service's own allow and deny keys (daemon/access_policy.h adds the
  // daemon-wide lists where it gives none).
  bool allow_given : 1 = false;
  bool deny_given : 1 = false;
  // An RPC service's versions (rpc_program below), in the padding here.
  std::uint32_t rpc_low_version = 0;
  std::vector<limits::AccessRule> access_rules;

  config::WaitMode wait_mode = config::WaitMode::nowait;
  std::uint8_t log_on_failure = 0;
  // The index of the file it was read from in the load's LoadedConfig::files
  // (0: the main file). The daemon keeps no file names (a name per service
  // cost memory it never read): only the loader and the checker use it. Two
  // bytes here, where the padding before `limits` was.
  std::uint16_t file = 0;
  Limits limits;

  config::Builtin builtin = config::Builtin::none;
  bool tcpmux = false;  // reached through the tcpmux builtin under tcpmux_name
  bool tcpmux_plus = false;
  // Where the START, EXIT and FAIL lines go: 0 the daemon's own log, else
  // 1 + an index into the load's LoadedConfig::log_targets (the daemon
  // turns it into a slot of its own, daemon/service_log.h).
  std::uint8_t log_target = 0;
  // An RPC service: its program number (from /etc/rpc) and the versions it
  // registers with rpcbind (rpc_low_version above, rpc_high_version), each on
  // the port the socket got (bound to port 0). rpc_program 0: not an RPC
  // service. All three sit in padding: an RPC service costs no byte more.
  std::uint32_t rpc_program = 0;
  std::uint32_t rpc_high_version = 0;
  std::string tcpmux_name;

  std::string program;
  std::vector<std::string> argv;
  Credentials credentials;
  // Launch settings, connection policy, redirect target, libwrap name
  // (service_extras.h): null when none, as for most services. Immutable and
  // shared; the loader fills in the login class's limits.
  ExtrasRef extras;

  bool has_socket() const { return !tcpmux; }
  bool is_rpc() const { return rpc_program != 0; }
  // The parts of `extras`, null when the service has none: a service without
  // extras pays one null test for each.
  const LaunchSettings* launch_settings() const {
    return extras && extras->launch ? &*extras->launch : nullptr;
  }
  const ConnectionPolicy* policy() const {
    return extras && extras->policy ? &*extras->policy : nullptr;
  }
  const net::CompactAddress* redirect() const {
    return extras && extras->redirect ? &*extras->redirect : nullptr;
  }
  bool redirects() const { return redirect() != nullptr; }
  // The libwrap key's daemon name; empty: none given.
  std::string_view wrap_name() const { return extras ? extras->libwrap : std::string_view(); }
  const LoginClass* login_class() const {
    const LaunchSettings* settings = launch_settings();
    return settings && settings->login_class ? &*settings->login_class : nullptr;
  }
  // What a reload matches on: a service whose key survives keeps its socket.
  // The key's parts: the tcpmux name, or socket type, transport, address,
  // v6only and the RPC program (RPC sockets all have port 0 in the address). key() writes them out
  // (for tests); key_less orders them without making the string, for the tables a daemon keeps per
  // service.
  std::string key() const;
  static bool key_less(const Service& a, const Service& b);
  // Everything but the socket: a change here takes effect on the next connection.
  bool same_launch(const Service& other) const;
  // same_launch but for the name: the same server started the same way.
  bool same_server(const Service& other) const;
  // Everything that the socket itself depends on, beyond the key.
  bool same_socket_options(const Service& other) const;
  // The same RPC versions (to register with rpcbind).
  bool same_rpc_versions(const Service& other) const {
    return rpc_low_version == other.rpc_low_version && rpc_high_version == other.rpc_high_version;
  }
};

}  // namespace ninetd::services
