// ServiceSpec: one inetd.conf entry as written, checked for syntax but not yet
// looked up (no ports, users or addresses resolved). Produced by the parser,
// consumed by services::resolve.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/launch_spec.h"
#include "config/log_settings.h"
#include "limits/access_list.h"
#include "limits/access_times.h"

namespace ninetd::config {

// One byte each: a daemon keeps these for every service.
enum class SocketType : std::uint8_t { stream, dgram, raw, seqpacket };
enum class Transport : std::uint8_t { tcp, udp, local };  // local: AF_UNIX, the "unix" protocol

// Which sockets a protocol name opens (see docs/compatibility.md).
enum class FamilyRule : std::uint8_t {
  both,     // tcp, udp: an IPv4 socket and an IPv6-only socket, as Debian's openbsd-inetd
  v4,       // tcp4, udp4
  v6_only,  // tcp6, udp6: IPV6_V6ONLY on
  dual,     // tcp46, udp46: one IPv6 socket that also takes IPv4-mapped peers
  local,    // unix
};

enum class WaitMode : std::uint8_t { wait, nowait };

// The builtins' names for the configuration; what each does is its row in
// builtins/table.cpp (in this order).
enum class Builtin : std::uint8_t {
  none,
  echo,
  discard,
  chargen,
  daytime,
  time,
  tcpmux,
  metrics,
  sensor
};

const char* to_string(SocketType type);
std::string_view to_string(Builtin builtin);
std::optional<Builtin> builtin_from_name(std::string_view name);
// RFC 1078 matches service names without regard to case: the form both the
// configured names and the clients' requests are compared in.
std::string tcpmux_key(std::string_view name);

// A word's place in the file, kept so later steps can point at it.
struct Place {
  int line = 0;
  int column = 0;
};

// xinetd's banners: written at accept whatever the checks decide, when a
// client is admitted, and when one is refused.
enum class BannerKind : std::uint8_t { always, success, fail };
inline constexpr std::size_t kBannerKinds = 3;
std::string_view banner_key(BannerKind kind);  // "banner", "banner_success", "banner_fail"

// A banner file as given; the resolver reads it and reports a problem at
// `place` of `file` (an xinetd defaults block may be in another file than the
// service; empty: the spec's own).
struct BannerSpec {
  std::string path;  // empty: none
  std::string file;
  Place place;
};

// What a service does with each connection beyond the access lists and
// limits: banners, the times of day it serves and the load at which it
// refuses.
struct PolicySpec {
  std::array<BannerSpec, kBannerKinds> banners;   // by BannerKind
  std::vector<limits::MinuteRange> access_times;  // with access_times_given
  bool access_times_given = false;
  std::optional<std::uint32_t> max_load;  // hundredths (limits/load_limit.h)

  bool has_banner() const;
  bool limits_admission() const { return access_times_given || max_load.has_value(); }
};

struct ServiceSpec {
  std::string file;
  int line = 0;
  // The file's place in the load's list of files (config_tree.h): 0 the main file.
  std::uint16_t file_index = 0;

  // Field 1: [host:]service, tcpmux/[+]name, or a path for unix.
  std::string service;
  std::optional<std::string> host;  // nullopt: any address
  // What logs call a service whose field 1 is a bare port: xinetd's service
  // NAME (or its id) when the block gives `port`. Empty: field 1 itself.
  std::string label;
  bool tcpmux = false;       // service is tcpmux/NAME (RFC 1078)
  bool tcpmux_plus = false;  // tcpmux/+NAME: ninetd sends the "+" reply
  // An RPC service (protocol rpc/tcp, rpc/udp, ...): `service` is the program's
  // name in /etc/rpc (or its number), from "name/version" or "name/low-high".
  bool rpc = false;
  std::uint32_t rpc_low_version = 0;
  std::uint32_t rpc_high_version = 0;
  Place service_place;

  SocketType socket_type = SocketType::stream;
  // NetBSD's "dataready" accept filter: TCP_DEFER_ACCEPT on the listener.
  bool defer_accept = false;
  // xinetd's NODELAY and KEEPALIVE flags (keys nodelay, keepalive): TCP_NODELAY
  // and SO_KEEPALIVE on the listener, which accepted sockets inherit.
  bool nodelay = false;
  bool keepalive = false;

  std::string protocol;  // as written, without ",options" ("rpc/udp" for RPC)
  Transport transport = Transport::tcp;
  FamilyRule family = FamilyRule::both;
  std::optional<int> sndbuf;
  std::optional<int> rcvbuf;
  bool listen_fds = false;  // ",listen_fds": LISTEN_FDS/LISTEN_PID for wait servers
  Place protocol_place;

  WaitMode wait_mode = WaitMode::nowait;
  std::optional<unsigned> max_per_minute;              // nowait.N (OpenBSD, NetBSD)
  std::optional<unsigned> max_child;                   // nowait/N (FreeBSD)
  std::optional<unsigned> max_conn_per_ip_per_minute;  // nowait/N/N
  std::optional<unsigned> max_child_per_ip;            // nowait/N/N/N

  // The allow and deny keys: their prefixes, and which of the two lists were
  // given (a list given empty still counts: an empty allow list serves nobody).
  std::vector<limits::AccessRule> access_rules;
  bool allow_given = false;
  bool deny_given = false;

  // log_on_success and log_on_failure (log_settings.h's flags) and log_type
  // (nullopt: the daemon's own log).
  std::uint8_t log_on_success = 0;
  std::uint8_t log_on_failure = 0;
  std::optional<LogTarget> log_type;
  PolicySpec policy;

  std::string user;
  std::optional<std::string> group;
  std::optional<std::string> login_class;
  Place user_place;
  // xinetd's groups: false (groups = no) runs the server with its group as
  // its only group, none of the user's supplementary groups.
  bool supplementary_groups = true;

  // env, passenv, nice, umask, rlimit_*: empty for most services.
  LaunchSpec launch;
  // xinetd's redirect: every connection is forwarded, in the daemon's loop, to
  // this host (an address or a name the loader resolves) and port (a number
  // or a service name); no server is run.
  struct Redirect {
    std::string host;
    std::string port;
    Place place;  // of the host
  };
  std::optional<Redirect> redirect;
  // xinetd's libwrap: the daemon name for hosts.allow and hosts.deny (-w, -W);
  // empty: the one ninetd derives (config/wrap_name.h).
  std::string libwrap;

  Builtin builtin = Builtin::none;  // set when the program is "internal"
  std::string program;              // absolute path, empty for builtins
  std::vector<std::string> args;    // argv, args[0] is argv0 when given
  Place program_place;

  // What the source said that this spec does not carry, or carries changed
  // (an xinetd attribute ninetd does not apply, what cps became): one line
  // each, written as a comment by ninetd --convert. Empty for inetd.conf.
  std::vector<std::string> notes;

  // "echo/tcp", "tcpmux/+foo/tcp", "/run/x.sock/unix": the name logs use.
  std::string display_name() const;
};

}  // namespace ninetd::config
