// The key table of the key=value form: one row per key, with its values, how
// it is read and how it is written back (key_value_parser.h's KeyRow). The
// rows are applied in this order, protocol first, and --convert and -t write
// keys in it. Built at compile time, so the writer's view below is too.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "config/key_value_parser.h"
#include "config/key_values.h"
#include "config/launch_spec.h"
#include "config/log_settings.h"
#include "config/policy_fields.h"
#include "config/value_words.h"
#include "config/wrap_name.h"
#include "limits/load_limit.h"

namespace ninetd::config {
namespace {

using namespace key_values_detail;
using written::Words;

constexpr std::array<KeyRow, 47> kKeys{{
    {{"protocol",
      "tcp, udp, tcp4, udp4, tcp6, udp6, tcp46, udp46, unix, rpc/tcp or rpc/udp, with ,options"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) {
       p.protocol_word = o.values[0];
       p.fields().parse_protocol(o.values[0]);
     },
     [](const ServiceSpec& s, Words& o) {
       o.push_back(s.protocol);
       return true;
     },
     true},
    {{"bind", "an address or host name to listen on (\"*\": any)"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) { p.bind_word = o.values[0]; },
     [](const ServiceSpec& s, Words& o) {
       return written::has_address(s) && written::text(s.host, o);
     },
     true},
    {{"port", "a port number: the service word is then the name logs use"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) { p.apply_port(o.values[0]); },
     [](const ServiceSpec& s, Words& o) {
       return !s.label.empty() && (o.push_back(s.service), true);
     },
     false},
    {{"socktype", "stream, dgram, raw or seqpacket"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) {
       p.type_word = o.values[0];
       p.fields().parse_socket_type(o.values[0]);
     },
     [](const ServiceSpec& s, Words& o) {
       o.emplace_back(to_string(s.socket_type));
       return true;
     },
     true},
    {{"accept_max", "the most children at once (nowait)"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) {
       if (auto v = limit_value(p, o); v && *v > 0) p.fields().set_accept_max(o.values[0]);
     }},
    {{"acceptfilter", "dataready or httpready"},
     1,
     2,
     [](KeyValueParser& p, const Option& o) {
       p.fields().set_accept_filter(o.values[0]);
       if (o.values.size() > 1)
         p.fields().warning(o.values[1], 0, "the accept filter's argument is not used on Linux");
     },
     [](const ServiceSpec& s, Words& o) {
       return s.defer_accept && (o.emplace_back("dataready"), true);
     },
     true},
    {{"sndbuf", "a size in bytes, with an optional k or m"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) { buffer_size(p, o, p.spec().sndbuf, "sndbuf"); },
     [](const ServiceSpec& s, Words& o) { return written::size(s.sndbuf, o); },
     true},
    {{"recvbuf", "a size in bytes, with an optional k or m"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) { buffer_size(p, o, p.spec().rcvbuf, "rcvbuf"); },
     [](const ServiceSpec& s, Words& o) { return written::size(s.rcvbuf, o); },
     true},
    {{"nodelay", "yes or no: TCP_NODELAY on every connection (xinetd's NODELAY flag)"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) { yes_or_no(p, o.values[0], p.spec().nodelay); },
     [](const ServiceSpec& s, Words& o) { return written::yes(s.nodelay, o); },
     false},
    {{"keepalive", "yes or no: SO_KEEPALIVE on every connection (xinetd's KEEPALIVE flag)"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) { yes_or_no(p, o.values[0], p.spec().keepalive); },
     [](const ServiceSpec& s, Words& o) { return written::yes(s.keepalive, o); },
     false},
    {{"wait", "yes or no"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) {
       p.wait_word = o.values[0];
       bool value = false;
       if (yes_or_no(p, o.values[0], value)) p.wait = value;
     },
     [](const ServiceSpec& s, Words& o) {
       o.emplace_back(s.wait_mode == WaitMode::wait ? "yes" : "no");
       return true;
     },
     true},
    {{"service_max", "launches per minute (0: none)"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) {
       if (auto v = limit_value(p, o); v && *v > 0) p.spec().max_per_minute = *v;
     }},
    {{"ip_max", "launches per minute for one client address (0: none)"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) {
       if (auto v = limit_value(p, o); v && *v > 0) p.spec().max_conn_per_ip_per_minute = *v;
     }},
    {{"max_child", "the most children at once (as accept_max)"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) {
       positive_limit(p, o, p.spec().max_child, "accept_max (or the socket type's ,N)");
     },
     [](const ServiceSpec& s, Words& o) { return written::limit(s.max_child, o); },
     true},
    {{"rate", "launches per minute (as service_max)"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) {
       positive_limit(p, o, p.spec().max_per_minute, "service_max");
     },
     [](const ServiceSpec& s, Words& o) { return written::limit(s.max_per_minute, o); },
     true},
    {{"per_ip_rate", "connections per minute from one client address (as ip_max)"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) {
       positive_limit(p, o, p.spec().max_conn_per_ip_per_minute, "ip_max");
     },
     [](const ServiceSpec& s, Words& o) { return written::limit(s.max_conn_per_ip_per_minute, o); },
     true},
    {{"max_child_per_ip", "the most children at once for one client address"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) {
       std::optional<unsigned> none;
       positive_limit(p, o, none, "");
       p.spec().max_child_per_ip = none;
     },
     [](const ServiceSpec& s, Words& o) { return written::limit(s.max_child_per_ip, o); },
     true},
    {{"allow", "addresses and prefixes served (192.0.2.0/24, 2001:db8::/32, ::1)"},
     0,
     SIZE_MAX,
     [](KeyValueParser& p, const Option& o) { access_rules(p, o, true); },
     [](const ServiceSpec& s, Words& o) { return written::access(s, true, o); },
     false},
    {{"deny", "addresses and prefixes refused"},
     0,
     SIZE_MAX,
     [](KeyValueParser& p, const Option& o) { access_rules(p, o, false); },
     [](const ServiceSpec& s, Words& o) { return written::access(s, false, o); },
     false},
    {{"banner", "the absolute path of a file written to every connection"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) { banner(p, o, BannerKind::always); },
     [](const ServiceSpec& s, Words& o) { return written::banner(s, BannerKind::always, o); },
     false},
    {{"banner_success", "the absolute path of a file written to each client served"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) { banner(p, o, BannerKind::success); },
     [](const ServiceSpec& s, Words& o) { return written::banner(s, BannerKind::success, o); },
     false},
    {{"banner_fail", "the absolute path of a file written to each client refused"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) { banner(p, o, BannerKind::fail); },
     [](const ServiceSpec& s, Words& o) { return written::banner(s, BannerKind::fail, o); },
     false},
    {{"access_times", "hour:min-hour:min ranges of the day when the service serves"},
     1,
     SIZE_MAX,
     [](KeyValueParser& p, const Option& o) {
       p.access_times_key = o.key;
       const Word* bad = nullptr;
       if (auto problem = read_access_times(o.values, p.spec().policy, bad); !problem.empty())
         p.fields().error(*bad, 0, fmt::format("access_times: {}", problem));
     },
     [](const ServiceSpec& s, Words& o) { return written::access_times(s, o); },
     false},
    {{"max_load", "the one-minute load average at which clients are refused"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) {
       p.max_load_key = o.key;
       if (auto problem = read_max_load(o.values[0], p.spec().policy); !problem.empty())
         p.fields().error(o.values[0], 0, problem);
     },
     [](const ServiceSpec& s, Words& o) {
       return s.policy.max_load && (o.push_back(limits::format_load(*s.policy.max_load)), true);
     },
     false},
    {{"user", "the user the server runs as"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) {
       p.spec().user = o.values[0].text;
       p.spec().user_place = {o.values[0].line, o.values[0].column};
       if (o.values[0].text.empty()) p.fields().error(o.values[0], 0, "empty user name");
     },
     [](const ServiceSpec& s, Words& o) {
       o.push_back(s.user);
       return true;
     },
     true},
    {{"group", "its primary group (default: the user's)"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) {
       p.spec().group = o.values[0].text;
       if (o.values[0].text.empty()) p.fields().error(o.values[0], 0, "empty group name");
     },
     [](const ServiceSpec& s, Words& o) { return written::text(s.group, o); },
     true},
    {{"login_class", "a login class from /etc/login.conf-style limits"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) { p.spec().login_class = o.values[0].text; },
     [](const ServiceSpec& s, Words& o) { return written::text(s.login_class, o); },
     true},
    {{"groups", "yes or no: no runs the server with its group alone, none of the user's others"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) {
       yes_or_no(p, o.values[0], p.spec().supplementary_groups);
     },
     [](const ServiceSpec& s, Words& o) { return written::no(s.supplementary_groups, o); },
     false},
    {{"env", "NAME=VALUE strings added to the server's environment"},
     0,
     SIZE_MAX,
     launch_key,
     [](const ServiceSpec& s, Words& o) { return written::words(s.launch.env, o); },
     false},
    {{"passenv", "names of variables passed on from ninetd's own environment"},
     0,
     SIZE_MAX,
     launch_key,
     [](const ServiceSpec& s, Words& o) { return written::words(s.launch.passenv, o); },
     false},
    {{"nice", "the server's nice value, -20 to 19"},
     1,
     1,
     launch_key,
     [](const ServiceSpec& s, Words& o) {
       return s.launch.nice && (o.push_back(std::to_string(*s.launch.nice)), true);
     },
     false},
    {{"umask", "the server's umask, octal, at most 0777"},
     1,
     1,
     launch_key,
     [](const ServiceSpec& s, Words& o) {
       return s.launch.umask && (o.push_back(fmt::format("{:03o}", *s.launch.umask)), true);
     },
     false},
    {{"rlimit_as", "address space in bytes (K, M) or UNLIMITED"},
     1,
     1,
     launch_key,
     written::rlimit<Rlimit::as>,
     false},
    {{"rlimit_cpu", "CPU seconds or UNLIMITED"},
     1,
     1,
     launch_key,
     written::rlimit<Rlimit::cpu>,
     false},
    {{"rlimit_data", "data size in bytes (K, M) or UNLIMITED"},
     1,
     1,
     launch_key,
     written::rlimit<Rlimit::data>,
     false},
    {{"rlimit_rss", "resident set size in bytes (K, M) or UNLIMITED"},
     1,
     1,
     launch_key,
     written::rlimit<Rlimit::rss>,
     false},
    {{"rlimit_stack", "stack size in bytes (K, M) or UNLIMITED"},
     1,
     1,
     launch_key,
     written::rlimit<Rlimit::stack>,
     false},
    {{"rlimit_files", "open files (K, M) or UNLIMITED"},
     1,
     1,
     launch_key,
     written::rlimit<Rlimit::files>,
     false},
    {{"exec", "an absolute path, or internal (the default)"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) { p.exec_word = o.values[0]; },
     [](const ServiceSpec& s, Words& o) {
       if (s.redirect) return false;
       o.push_back(s.builtin != Builtin::none ? std::string("internal") : s.program);
       return true;
     },
     true},
    {{"args", "argv, argv0 first (default: the program's name)"},
     0,
     SIZE_MAX,
     [](KeyValueParser& p, const Option& o) {
       p.args = o.values;
       p.args_given = true;
     },
     [](const ServiceSpec& s, Words& o) {
       o.insert(o.end(), s.args.begin(), s.args.end());
       return !s.args.empty();
     },
     true},
    {{"redirect", "a host (address or name) and a port: each connection forwarded there"},
     2,
     2,
     [](KeyValueParser& p, const Option& o) {
       p.redirect_word = o.key;
       p.fields().set_redirect(o.values[0], o.values[1]);
     },
     [](const ServiceSpec& s, Words& o) {
       if (!s.redirect) return false;
       o.push_back(s.redirect->host);
       o.push_back(s.redirect->port);
       return true;
     },
     false},
    {{"libwrap", "the daemon name hosts.allow and hosts.deny are checked under (-w, -W)"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) {
       if (auto problem = wrap_name_problem(o.values[0].text); !problem.empty())
         return p.fields().error(o.values[0], 0, std::move(problem));
       p.spec().libwrap = o.values[0].text;
     },
     [](const ServiceSpec& s, Words& o) { return written::text(s.libwrap, o); },
     false},
    {{"listen_fds", "yes or no: LISTEN_FDS/LISTEN_PID for a wait server"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) {
       bool value = false;
       if (yes_or_no(p, o.values[0], value)) p.spec().listen_fds = value;
     },
     [](const ServiceSpec& s, Words& o) { return written::yes(s.listen_fds, o); },
     true},
    {{"log_on_success", "PID, HOST, USERID, EXIT, DURATION, TRAFFIC: START and EXIT lines"},
     0,
     SIZE_MAX,
     [](KeyValueParser& p, const Option& o) { log_flags(p, o, true); },
     [](const ServiceSpec& s, Words& o) {
       return written::words(log_flag_names(s.log_on_success, true), o);
     },
     false},
    {{"log_on_failure", "HOST, USERID, ATTEMPT: a FAIL line for a refused client"},
     0,
     SIZE_MAX,
     [](KeyValueParser& p, const Option& o) { log_flags(p, o, false); },
     [](const ServiceSpec& s, Words& o) {
       return written::words(log_flag_names(s.log_on_failure, false), o);
     },
     false},
    {{"log_type", "SYSLOG facility [level] or FILE path [soft_limit [hard_limit]]"},
     1,
     4,
     [](KeyValueParser& p, const Option& o) {
       p.spec().log_type = parse_log_type(o.values, o.key, reporter(p));
     },
     [](const ServiceSpec& s, Words& o) {
       return s.log_type && written::words(log_type_words(*s.log_type), o);
     },
     false},
    {{"ipsec", "an IPsec policy (not applied on Linux: a warning)"},
     0,
     1,
     [](KeyValueParser& p, const Option& o) {
       if (!o.values.empty() && !o.values[0].text.empty())
         p.fields().warning(o.values[0], 0,
                            fmt::format("IPsec policy \"{}\" is not applied on Linux; the "
                                        "service runs without it",
                                        o.values[0].text));
     }},
}};

// The writer's view of the table: the rows that are written, in its order
// (the order --convert and -t write keys in).
constexpr std::size_t kWrittenKeys = static_cast<std::size_t>(std::count_if(
    kKeys.begin(), kKeys.end(), [](const KeyRow& row) { return row.write != nullptr; }));
constexpr std::array<KeyWriter, kWrittenKeys> kWriters = [] {
  std::array<KeyWriter, kWrittenKeys> out{};
  std::size_t i = 0;
  for (const KeyRow& row : kKeys)
    if (row.write != nullptr) out[i++] = {row.description.name, row.classic, row.write};
  return out;
}();

}  // namespace

std::span<const key_values_detail::KeyRow> key_values_detail::key_rows() {
  return kKeys;
}

std::span<const KeyWriter> key_writers() {
  return kWriters;
}

std::span<const KeyDescription> key_descriptions() {
  static const auto descriptions = [] {
    std::array<KeyDescription, kKeys.size()> out{};
    for (std::size_t i = 0; i < kKeys.size(); ++i) out[i] = kKeys[i].description;
    return out;
  }();
  return descriptions;
}

}  // namespace ninetd::config
