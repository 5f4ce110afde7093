#include "config/key_values.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

#include "config/key_suggestion.h"
#include "config/launch_spec.h"
#include "config/log_settings.h"
#include "config/policy_fields.h"
#include "config/value_words.h"
#include "config/wrap_name.h"
#include "limits/load_limit.h"

namespace ninetd::config {
namespace {

class KeyValueParser;
using KeyHandler = void (*)(KeyValueParser&, const Option&);

using written::Words;

// A key: how it is read (apply) and written back (write: its values for a
// spec, or false to leave it out; null for the keys that only the reader
// knows, NetBSD's spellings of a setting another key writes). `classic`: the
// six fields of a classic line carry it, so writing it needs no key=value
// entry. One row, so a key cannot be read without being written or the
// other way round.
struct KeyRow {
  KeyDescription description;
  std::size_t min_values;
  std::size_t max_values;
  KeyHandler apply;
  KeyValues write = nullptr;
  bool classic = false;
};

// One entry's reading: the table's rows are applied in the table's order,
// so that the protocol is known before the service and the rest are read.
class KeyValueParser {
 public:
  KeyValueParser(const std::string& file, const Entry& entry, std::vector<Diagnostic>& diagnostics)
      : entry_(entry), fields_(file, entry.line(), diagnostics) {}

  std::vector<ServiceSpec> parse(const DefaultHost& default_host, FailedEntry& failed,
                                 bool& switched_off);

  FieldParser& fields() { return fields_; }
  ServiceSpec& spec() { return fields_.spec(); }

  // What the handlers leave for the checks at the end.
  std::optional<Word> protocol_word;
  std::optional<Word> type_word;
  std::optional<Word> wait_word;
  std::optional<Word> exec_word;
  std::optional<Word> bind_word;
  std::optional<Word> redirect_word;
  std::optional<bool> wait;
  std::vector<Word> args;
  bool args_given = false;
  // A NetBSD limit of 0, which lets no connection through.
  std::optional<Word> admits_nothing;
  // The policy keys given, for the checks that need the whole service.
  std::array<std::optional<Word>, kBannerKinds> banner_keys;
  std::optional<Word> access_times_key;
  std::optional<Word> max_load_key;

 private:
  const Option* find_checked(const KeyRow& row);
  void check_keys();
  void apply_bind(std::vector<std::string>& hosts);
  void infer_socket_type();
  void check_access_applies();
  void check_policy_applies();
  void settle_program();
  void settle_redirect();

 public:
  // `port = N`: the socket's port is N and the service word only names it
  // (xinetd's service NAME with port = N; what --convert writes).
  void apply_port(const Word& value);

 private:
  const Entry& entry_;
  FieldParser fields_;
  std::vector<const Option*> seen_;
};

bool yes_or_no(KeyValueParser& p, const Word& word, bool& out) {
  if (word.text == "yes" || word.text == "no") {
    out = word.text == "yes";
    return true;
  }
  p.fields().error(word, 0, fmt::format("expected yes or no, got \"{}\"", word.text));
  return false;
}

std::optional<unsigned> limit_value(KeyValueParser& p, const Option& option) {
  const Word& word = option.values[0];
  auto value = parse_number(word.text, kMaxLimit);
  if (!value) {
    p.fields().error(word, 0,
                     fmt::format("{} must be a number from 0 to {}, got \"{}\"", option.key.text,
                                 kMaxLimit, word.text));
    return std::nullopt;
  }
  if (*value == 0 && !p.admits_nothing) p.admits_nothing = option.key;
  return static_cast<unsigned>(*value);
}

void buffer_size(KeyValueParser& p, const Option& option, std::optional<int>& target,
                 std::string_view protocol_option) {
  const Word& word = option.values[0];
  if (target) {
    p.fields().error(option.key, 0,
                     fmt::format("{} is given twice: here and as the protocol's ,{}=",
                                 option.key.text, protocol_option));
    return;
  }
  auto size = parse_size(word.text);
  if (!size)
    p.fields().error(word, 0,
                     fmt::format("{} needs a size in bytes, with an optional k or m, got \"{}\"",
                                 option.key.text, word.text));
  else
    target = size;
}

// ninetd's own limit keys: a number from 1 (left out, no limit), into a
// limit that one NetBSD key may have set already.
void positive_limit(KeyValueParser& p, const Option& option, std::optional<unsigned>& target,
                    std::string_view netbsd_key) {
  const Word& word = option.values[0];
  if (target) {
    p.fields().error(
        option.key, 0,
        fmt::format("{} and {} set the same limit; give one", option.key.text, netbsd_key));
    return;
  }
  auto value = parse_number(word.text, kMaxLimit);
  if (!value || *value == 0) {
    p.fields().error(word, 0,
                     fmt::format("{} must be a number from 1 up (leave it out for no limit), got "
                                 "\"{}\"",
                                 option.key.text, word.text));
    return;
  }
  target = static_cast<unsigned>(*value);
}

// allow and deny: prefixes, as separate values, or joined by commas in one
// quoted value (a bare comma ends the key). A mistake is reported at the
// value that holds it, and names the prefix.
void access_rules(KeyValueParser& p, const Option& option, bool allow) {
  (allow ? p.spec().allow_given : p.spec().deny_given) = true;
  for (const Word& value : option.values) {
    std::string_view text = value.text;
    std::size_t start = 0;
    for (;;) {
      std::size_t comma = text.find(',', start);
      std::string_view one =
          text.substr(start, comma == std::string_view::npos ? comma : comma - start);
      std::string problem;
      if (auto prefix = limits::parse_prefix(one, problem))
        p.spec().access_rules.push_back({*prefix, allow});
      else
        p.fields().error(value, 0, fmt::format("{}: {}", option.key.text, problem));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
}

// env, passenv, nice, umask and rlimit_*: xinetd's attributes of the same
// names and values (config/launch_spec.h).
void launch_key(KeyValueParser& p, const Option& option) {
  for (LaunchProblem& problem : read_launch_setting(option.key, option.values, p.spec().launch)) {
    if (problem.warning)
      p.fields().warning(problem.where, 0, std::move(problem.message));
    else
      p.fields().error(problem.where, 0, std::move(problem.message));
  }
}

LogReport reporter(KeyValueParser& p) {
  return [&p](const Word& word, Severity severity, std::string message) {
    if (severity == Severity::error)
      p.fields().error(word, 0, std::move(message));
    else
      p.fields().warning(word, 0, std::move(message));
  };
}

void log_flags(KeyValueParser& p, const Option& option, bool success) {
  auto flags = parse_log_flags(option.values, success, option.key.text, reporter(p));
  if (flags) (success ? p.spec().log_on_success : p.spec().log_on_failure) = *flags;
}

void banner(KeyValueParser& p, const Option& option, BannerKind kind) {
  const Word& value = option.values[0];
  if (auto problem = banner_path_problem(value.text); !problem.empty())
    return p.fields().error(value, 0, fmt::format("{} {}", option.key.text, problem));
  auto index = static_cast<std::size_t>(kind);
  p.spec().policy.banners[index] = {value.text, {}, {value.line, value.column}};
  p.banner_keys[index] = option.key;
}

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

void KeyValueParser::apply_port(const Word& value) {
  ServiceSpec& s = spec();
  if (s.tcpmux || s.rpc || s.transport == Transport::local) {
    fields_.error(value, 0, "port applies to tcp and udp services only");
    return;
  }
  auto number = parse_number(value.text, 65535);
  if (!number || *number == 0) {
    fields_.error(value, 0,
                  fmt::format("port must be a number from 1 to 65535, got \"{}\"", value.text));
    return;
  }
  if (s.service.empty()) return;  // the service word had errors, reported already
  s.label = std::move(s.service);
  s.service = value.text;
}

// Unknown and repeated keys are reported once, before any is applied.
void KeyValueParser::check_keys() {
  for (const Option& option : entry_.options) {
    const KeyRow* row = nullptr;
    for (const KeyRow& candidate : kKeys)
      if (candidate.description.name == option.key.text) row = &candidate;
    if (row == nullptr) {
      fields_.error(option.key, 0, unknown_key_message(option.key.text, key_descriptions()));
      continue;
    }
    for (const Option* earlier : seen_) {
      if (earlier->key.text == option.key.text)
        fields_.error(option.key, 0,
                      fmt::format("{} is given twice (first at line {}, column {})",
                                  option.key.text, earlier->key.line, earlier->key.column));
    }
    seen_.push_back(&option);
  }
}

const Option* KeyValueParser::find_checked(const KeyRow& row) {
  const Option* option = nullptr;
  for (const Option* candidate : seen_)
    if (candidate->key.text == row.description.name) option = candidate;
  if (option == nullptr) return nullptr;
  std::size_t n = option->values.size();
  if (n < row.min_values || n > row.max_values) {
    std::string wanted =
        row.max_values == SIZE_MAX ? fmt::format("at least {} value", row.min_values)
        : row.min_values == row.max_values
            ? fmt::format("{} value{}", row.min_values, row.max_values == 1 ? "" : "s")
            : fmt::format("{} to {} values", row.min_values, row.max_values);
    fields_.error(option->key, 0,
                  fmt::format("{} takes {} ({}), got {}", row.description.name, wanted,
                              row.description.values, n));
    return nullptr;
  }
  return option;
}

void KeyValueParser::apply_bind(std::vector<std::string>& hosts) {
  if (!bind_word) return;
  const std::string& service = entry_.words[0].text;
  if (spec().transport == Transport::local || spec().tcpmux) {
    fields_.warning(*bind_word, 0, "bind is ignored: this service has no address of its own");
    hosts.clear();
    return;
  }
  if (service.find(':') != std::string::npos) {
    fields_.error(*bind_word, 0,
                  "the address is given twice: in bind and before the service's \":\"");
    return;
  }
  hosts.clear();
  if (bind_word->text != "*") hosts.push_back(bind_word->text);
}

// The daemon checks a client's address where it sees the client: at accept,
// or at the datagram that wakes a dgram service.
void KeyValueParser::check_access_applies() {
  if (spec().transport == Transport::local)
    fields_.error(entry_.words[0], 0,
                  "allow and deny need an IP protocol: a unix socket's clients have no address");
  else if (wait && *wait && spec().socket_type == SocketType::stream)
    fields_.error(*wait_word, 0,
                  "allow and deny cannot apply to a stream service with wait = yes: its server "
                  "accepts the connections itself");
}

// Banners need a connection the daemon accepts; access_times and max_load a
// client it sees. Known once the socket type and wait are.
void KeyValueParser::check_policy_applies() {
  PolicySpec& policy = spec().policy;
  if (std::string_view why = banner_misfit(spec()); !why.empty()) {
    for (std::size_t i = 0; i < kBannerKinds; ++i) {
      if (!banner_keys[i]) continue;
      fields_.warning(*banner_keys[i], 0,
                      fmt::format("{} is ignored: {}", banner_keys[i]->text, why));
      policy.banners[i] = {};
    }
  }
  std::string_view why = admission_misfit(spec());
  for (const auto& key : {access_times_key, max_load_key})
    if (key && !why.empty())
      fields_.error(*key, 0, fmt::format("{} cannot apply to this service: {}", key->text, why));
  if (std::string caution = max_load_warning(policy); !caution.empty() && max_load_key)
    fields_.warning(*max_load_key, 0, caution);
}

// NetBSD: socktype may be left out when the protocol says it.
void KeyValueParser::infer_socket_type() {
  if (type_word) return;
  if (!protocol_word) return;
  if (spec().transport == Transport::local) {
    fields_.error(entry_.words[0], 0,
                  "socktype is required for protocol unix (stream, dgram or seqpacket)");
    return;
  }
  spec().socket_type = spec().transport == Transport::udp ? SocketType::dgram : SocketType::stream;
}

void KeyValueParser::settle_program() {
  if (redirect_word) return settle_redirect();
  Word program = exec_word.value_or(Word{"internal", entry_.words[0].line, entry_.words[0].column});
  bool internal = program.text == "internal";
  if (!internal && !args_given && program.text.starts_with("/"))
    args.push_back(
        Word{program.text.substr(program.text.rfind('/') + 1), program.line, program.column});
  fields_.parse_program(program, args);
  bool nowait_builtin = spec().socket_type != SocketType::dgram;
  if (spec().builtin != Builtin::none) {
    // NetBSD decides wait for its builtins; so does ninetd.
    if (wait && *wait == nowait_builtin && wait_word)
      fields_.warning(*wait_word, 0,
                      fmt::format("wait for internal service {} is \"{}\" whatever is given",
                                  to_string(spec().builtin), nowait_builtin ? "no" : "yes"));
    spec().wait_mode = nowait_builtin ? WaitMode::nowait : WaitMode::wait;
  } else if (!wait) {
    if (!wait_word)
      fields_.error(entry_.words[0], 0, "wait = yes or wait = no is required for a server program");
  } else {
    spec().wait_mode = *wait ? WaitMode::wait : WaitMode::nowait;
  }
}

// A redirecting service runs no program, so it needs neither exec nor user,
// and wait may be left out (it can only be "no").
void KeyValueParser::settle_redirect() {
  if (exec_word) fields_.error(*exec_word, 0, "exec and redirect exclude each other: give one");
  if (args_given && !args.empty())
    fields_.warning(args.front(), 0, "args is ignored: the service redirects");
  if (wait) spec().wait_mode = *wait ? WaitMode::wait : WaitMode::nowait;
}

std::vector<ServiceSpec> KeyValueParser::parse(const DefaultHost& default_host, FailedEntry& failed,
                                               bool& switched_off) {
  check_keys();
  // Known even when its values are wrong: the entry is then no builtin.
  for (const Option* option : seen_)
    if (option->key.text == "redirect") redirect_word = option->key;
  std::vector<std::string> hosts;
  for (const KeyRow& row : kKeys) {
    if (const Option* option = find_checked(row)) row.apply(*this, *option);
    // The protocol decides how the service word is read (a path for unix).
    if (row.description.name == "protocol") {
      if (!protocol_word)
        fields_.error(entry_.words[0], 0,
                      "protocol is required (tcp, udp, tcp4, udp4, tcp6, udp6, tcp46, udp46 or "
                      "unix)");
      fields_.parse_service(entry_.words[0], default_host, hosts);
    }
  }
  apply_bind(hosts);
  infer_socket_type();
  if (spec().allow_given || spec().deny_given) check_access_applies();
  if (spec().user.empty() && redirect_word)
    spec().user = "root";  // no server runs: the user changes nothing
  if (spec().user.empty() && fields_.ok())
    fields_.error(entry_.words[0], 0, "user is required (the user the server runs as)");
  settle_program();
  check_policy_applies();
  const Word& where = entry_.words[0];
  if (fields_.ok())
    fields_.check_combination(type_word.value_or(protocol_word.value_or(where)),
                              protocol_word.value_or(where), wait_word.value_or(where));
  bool off = entry_.words[1].text == "off";
  if (fields_.ok() && admits_nothing && !off) {
    fields_.warning(*admits_nothing, 0,
                    fmt::format("{} = 0 lets no connection through (as in NetBSD's inetd): the "
                                "service is not opened",
                                admits_nothing->text));
    off = true;
  }
  switched_off = off;
  return finish_specs(fields_, hosts, failed);
}

}  // namespace

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

std::vector<ServiceSpec> parse_key_values(const std::string& file, const Entry& entry,
                                          const DefaultHost& default_host,
                                          std::vector<Diagnostic>& diagnostics, FailedEntry& failed,
                                          bool& switched_off) {
  return KeyValueParser(file, entry, diagnostics).parse(default_host, failed, switched_off);
}

FailedEntry name_failed_key_values(const Entry& entry) {
  FailedEntry failed;
  failed.line = entry.line();
  if (!entry.words.empty()) {
    failed.service = entry.words[0].text;
    auto colon = failed.service.rfind(':');
    if (!failed.service.starts_with('/') && colon != std::string::npos)
      failed.service.erase(0, colon + 1);
  }
  for (const Option& option : entry.options)
    if (option.key.text == "protocol" && !option.values.empty())
      failed.protocol = option.values[0].text.substr(0, option.values[0].text.find(','));
  return failed;
}

}  // namespace ninetd::config
