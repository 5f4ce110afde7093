// Options: the command line, parsed without side effects so it is unit-tested.
// Flags follow the classic inetds where they overlap (-d, -l, -p, -t).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "limits/access_list.h"

namespace ninetd::daemon {

inline constexpr const char* kDefaultConfig = "/etc/inetd.conf";
inline constexpr const char* kDefaultPidfile = "/run/ninetd.pid";
// The control socket (daemon/control_socket.h) a daemon opens unless -d, and
// --status and --metrics ask.
inline constexpr const char* kDefaultControl = "/run/ninetd/control";
// Read after the configuration file when that is kDefaultConfig (see include_dir).
inline constexpr const char* kDefaultIncludeDir = "/etc/inetd.d";

struct Options {
  bool foreground = false;         // -d, -i: do not become a background daemon
  bool log_to_stderr = false;      // -d (with -i, logs still go to syslog)
  bool log_connections = false;    // -l
  bool no_peer_addresses = false;  // --no-peer-addresses: no client address in any line
  bool wrap_servers = false;       // -w: hosts.allow/hosts.deny for launched servers
  bool wrap_builtins = false;      // -W: and for builtins
  // -c, -C, -R, -s (FreeBSD): defaults of the per-service limits; 0: none.
  unsigned max_child = 0;
  unsigned max_conn_per_ip_per_minute = 0;
  unsigned max_per_minute = 0;
  unsigned max_child_per_ip = 0;
  unsigned max_children = 0;  // --max-children N: servers at once, all services; 0: none
  // --source-prefix-ipv4 N, --source-prefix-ipv6 N: the networks per-source
  // limits count clients by.
  unsigned source_prefix_v4 = 32;
  unsigned source_prefix_v6 = 64;
  bool check_only = false;  // -t, --check
  bool convert = false;     // --convert: print the xinetd.conf as ninetd configuration
  bool help = false;
  bool version = false;
  // --status [SERVICE], --metrics: ask the running daemon, print, exit.
  enum class Query { none, status, metrics };
  Query query = Query::none;
  std::string query_service;  // --status SERVICE; empty: the whole table
  // --control PATH: the daemon's control socket (default kDefaultControl,
  // none with -d unless given); --no-control: none. Also where a query goes.
  std::optional<std::string> control;
  bool no_control = false;
  // --fd-store: at the stop, the listeners go to systemd's file descriptor
  // store for the next start (daemon/socket_handover.h).
  bool fd_store = false;
  std::optional<std::string> pidfile;  // -p FILE; default kDefaultPidfile unless -d
  std::string config = kDefaultConfig;
  bool xinetd = false;  // -x FILE, --xinetd FILE: the configuration file is xinetd.conf
  std::string login_conf = "/etc/login.conf";  // --login-conf FILE: login classes
  unsigned idle_timeout = 60;                  // --idle-timeout SECONDS: builtin sessions
  bool new_session = false;                    // --new-session: setsid for servers, not setpgid
  // --max-sessions N: in-loop builtin sessions at once; 0 (the default) means a
  // quarter of the open-files limit, at most 16384 (descriptor_budget.h).
  unsigned max_sessions = 0;
  unsigned load_timeout = 120;  // --load-timeout SECONDS: a configuration loader's time
  // The drop-in directory, empty for none: --include-dir DIR, --no-include-dir,
  // or by default kDefaultIncludeDir when the file is kDefaultConfig and none
  // otherwise (a test's or a second instance's file does not take in the
  // system's services).
  std::string include_dir;
  // --allow LIST, --deny LIST (repeatable): the access lists of every service
  // that gives none of its own (daemon/access_policy.h).
  std::vector<limits::AccessRule> access_rules;
  bool allow_given = false;
  bool deny_given = false;
};

struct OptionsResult {
  Options options;
  std::string error;  // non-empty: print with the usage and exit 2
};

OptionsResult parse_options(const std::vector<std::string>& args);
const char* usage_text();

}  // namespace ninetd::daemon
