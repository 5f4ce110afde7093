#include "config/key_values.h"

#include <fmt/format.h>

#include <array>
#include <optional>

namespace ninetd::config {
namespace {

class KeyValueParser;
using KeyHandler = void (*)(KeyValueParser&, const Option&);

struct KeyRow {
  KeyDescription description;
  std::size_t min_values;
  std::size_t max_values;
  KeyHandler apply;
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
  std::optional<bool> wait;
  std::vector<Word> args;
  bool args_given = false;
  // A NetBSD limit of 0, which lets no connection through.
  std::optional<Word> admits_nothing;

 private:
  const Option* find_checked(const KeyRow& row);
  void check_keys();
  void apply_bind(std::vector<std::string>& hosts);
  void infer_socket_type();
  void check_access_applies();
  void settle_program();

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

constexpr std::array<KeyRow, 23> kKeys{{
    {{"protocol",
      "tcp, udp, tcp4, udp4, tcp6, udp6, tcp46, udp46, unix, rpc/tcp or rpc/udp, with ,options"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) {
       p.protocol_word = o.values[0];
       p.fields().parse_protocol(o.values[0]);
     }},
    {{"bind", "an address or host name to listen on (\"*\": any)"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) { p.bind_word = o.values[0]; }},
    {{"socktype", "stream, dgram, raw or seqpacket"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) {
       p.type_word = o.values[0];
       p.fields().parse_socket_type(o.values[0]);
     }},
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
     }},
    {{"sndbuf", "a size in bytes, with an optional k or m"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) { buffer_size(p, o, p.spec().sndbuf, "sndbuf"); }},
    {{"recvbuf", "a size in bytes, with an optional k or m"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) { buffer_size(p, o, p.spec().rcvbuf, "rcvbuf"); }},
    {{"wait", "yes or no"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) {
       p.wait_word = o.values[0];
       bool value = false;
       if (yes_or_no(p, o.values[0], value)) p.wait = value;
     }},
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
     }},
    {{"rate", "launches per minute (as service_max)"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) {
       positive_limit(p, o, p.spec().max_per_minute, "service_max");
     }},
    {{"per_ip_rate", "connections per minute from one client address (as ip_max)"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) {
       positive_limit(p, o, p.spec().max_conn_per_ip_per_minute, "ip_max");
     }},
    {{"max_child_per_ip", "the most children at once for one client address"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) {
       std::optional<unsigned> none;
       positive_limit(p, o, none, "");
       p.spec().max_child_per_ip = none;
     }},
    {{"allow", "addresses and prefixes served (192.0.2.0/24, 2001:db8::/32, ::1)"},
     0,
     SIZE_MAX,
     [](KeyValueParser& p, const Option& o) { access_rules(p, o, true); }},
    {{"deny", "addresses and prefixes refused"},
     0,
     SIZE_MAX,
     [](KeyValueParser& p, const Option& o) { access_rules(p, o, false); }},
    {{"user", "the user the server runs as"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) {
       p.spec().user = o.values[0].text;
       p.spec().user_place = {o.values[0].line, o.values[0].column};
       if (o.values[0].text.empty()) p.fields().error(o.values[0], 0, "empty user name");
     }},
    {{"group", "its primary group (default: the user's)"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) {
       p.spec().group = o.values[0].text;
       if (o.values[0].text.empty()) p.fields().error(o.values[0], 0, "empty group name");
     }},
    {{"login_class", "a login class from /etc/login.conf-style limits"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) { p.spec().login_class = o.values[0].text; }},
    {{"exec", "an absolute path, or internal (the default)"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) { p.exec_word = o.values[0]; }},
    {{"args", "argv, argv0 first (default: the program's name)"},
     0,
     SIZE_MAX,
     [](KeyValueParser& p, const Option& o) {
       p.args = o.values;
       p.args_given = true;
     }},
    {{"listen_fds", "yes or no: LISTEN_FDS/LISTEN_PID for a wait server"},
     1,
     1,
     [](KeyValueParser& p, const Option& o) {
       bool value = false;
       if (yes_or_no(p, o.values[0], value)) p.spec().listen_fds = value;
     }},
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

std::string known_keys() {
  std::string list;
  for (const KeyRow& row : kKeys) {
    if (!list.empty()) list += ", ";
    list += row.description.name;
  }
  return list;
}

// Unknown and repeated keys are reported once, before any is applied.
void KeyValueParser::check_keys() {
  for (const Option& option : entry_.options) {
    const KeyRow* row = nullptr;
    for (const KeyRow& candidate : kKeys)
      if (candidate.description.name == option.key.text) row = &candidate;
    if (row == nullptr) {
      fields_.error(option.key, 0,
                    fmt::format("unknown key \"{}\" (expected {})", option.key.text, known_keys()));
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
    std::string wanted = row.min_values == row.max_values
                             ? fmt::format("{}", row.min_values)
                             : fmt::format("{} to {}", row.min_values, row.max_values);
    fields_.error(option->key, 0,
                  fmt::format("{} takes {} value{} ({}), got {}", row.description.name, wanted,
                              row.max_values == 1 ? "" : "s", row.description.values, n));
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

std::vector<ServiceSpec> KeyValueParser::parse(const DefaultHost& default_host, FailedEntry& failed,
                                               bool& switched_off) {
  check_keys();
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
  if (spec().user.empty() && fields_.ok())
    fields_.error(entry_.words[0], 0, "user is required (the user the server runs as)");
  settle_program();
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
