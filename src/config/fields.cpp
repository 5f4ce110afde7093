#include "config/fields.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <climits>
#include <cstdint>
#include <optional>

#include "builtins/table.h"
#include "config/deny_time.h"

namespace ninetd::config {
namespace {

struct ProtocolName {
  const char* name;
  Transport transport;
  FamilyRule family;
};

constexpr std::array<ProtocolName, 9> kProtocols{{
    {"tcp", Transport::tcp, FamilyRule::both},
    {"udp", Transport::udp, FamilyRule::both},
    {"tcp4", Transport::tcp, FamilyRule::v4},
    {"udp4", Transport::udp, FamilyRule::v4},
    {"tcp6", Transport::tcp, FamilyRule::v6_only},
    {"udp6", Transport::udp, FamilyRule::v6_only},
    {"tcp46", Transport::tcp, FamilyRule::dual},
    {"udp46", Transport::udp, FamilyRule::dual},
    {"unix", Transport::local, FamilyRule::local},
}};

constexpr const char* kExpectedWait =
    "\"wait\" or \"nowait\", optionally followed by .max-per-minute or "
    "/max-child[/max-conn-per-ip-per-minute[/max-child-per-ip]]";

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string basename_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::optional<unsigned long> parse_number(std::string_view text, unsigned long limit) {
  if (text.empty()) return std::nullopt;
  unsigned long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > limit) return std::nullopt;
  return value;
}

// Buffer sizes as OpenBSD inetd writes them: a number with an optional k or m.
std::optional<int> parse_size(std::string_view text) {
  unsigned long scale = 1;
  if (!text.empty()) {
    char unit = text.back();
    if (unit == 'k' || unit == 'K') scale = 1024;
    if (unit == 'm' || unit == 'M') scale = 1024UL * 1024;
    if (scale != 1) text.remove_suffix(1);
  }
  auto value = parse_number(text, INT_MAX / scale);
  if (!value || *value == 0) return std::nullopt;
  return static_cast<int>(*value * scale);
}

void FieldParser::error(const Word& word, std::size_t offset, std::string message) {
  diagnostics_.push_back({file_, word.line, word.column + static_cast<int>(offset), Severity::error,
                          std::move(message)});
  ok_ = false;
}

void FieldParser::warning(const Word& word, std::size_t offset, std::string message) {
  diagnostics_.push_back({file_, word.line, word.column + static_cast<int>(offset),
                          Severity::warning, std::move(message)});
}

void FieldParser::parse_protocol(const Word& word) {
  std::string_view text = word.text;
  std::size_t comma = text.find(',');
  std::string_view base = text.substr(0, comma);
  spec_.protocol = std::string(base);
  spec_.protocol_place = {word.line, word.column};
  bool known = false;
  for (const auto& p : kProtocols) {
    if (base == p.name) {
      spec_.transport = p.transport;
      spec_.family = p.family;
      known = true;
    }
  }
  if (!known && base.starts_with("rpc/")) {
    parse_rpc_protocol(word, base);
  } else if (!known) {
    error(word, 0, fmt::format("unknown protocol \"{}\" (expected {})", base, kExpectedProtocols));
  }
  while (comma != std::string_view::npos) {
    std::size_t start = comma + 1;
    comma = text.find(',', start);
    std::string_view option =
        text.substr(start, comma == std::string_view::npos ? comma : comma - start);
    std::size_t eq = option.find('=');
    std::string_view key = option.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : option.substr(eq + 1);
    if (option.empty()) {
      error(word, start,
            "empty protocol option after \",\" (expected sndbuf=SIZE, "
            "rcvbuf=SIZE or listen_fds)");
    } else if (key == "sndbuf" || key == "rcvbuf") {
      auto size = parse_size(value);
      if (!size)
        error(word, start,
              fmt::format("{} needs a size in bytes, with an optional k or m, "
                          "got \"{}\"",
                          key, value));
      else
        (key == "sndbuf" ? spec_.sndbuf : spec_.rcvbuf) = size;
    } else if (option == "listen_fds") {
      spec_.listen_fds = true;
    } else {
      error(word, start,
            fmt::format("unknown protocol option \"{}\" (expected sndbuf=SIZE, "
                        "rcvbuf=SIZE or listen_fds)",
                        option));
    }
  }
}

void FieldParser::parse_rpc_protocol(const Word& word, std::string_view base) {
  // RPC over tcp or udp, on the families the plain names open. Not tcp46 or
  // udp46: rpcbind registers an address per netid (udp, udp6), and a
  // dual-stack socket would have one port under both; not unix either.
  rpc_ = true;
  std::string_view ip = base.substr(4);
  for (const auto& p : kProtocols) {
    if (ip != p.name || p.family == FamilyRule::dual || p.family == FamilyRule::local) continue;
    spec_.transport = p.transport;
    spec_.family = p.family;
    spec_.rpc = true;
    return;
  }
  error(word, 0,
        fmt::format("unknown RPC protocol \"{}\" (expected rpc/tcp, rpc/udp, rpc/tcp4, "
                    "rpc/udp4, rpc/tcp6 or rpc/udp6)",
                    base));
}

void FieldParser::parse_service(const Word& word, const DefaultHost& default_host,
                                std::vector<std::string>& hosts) {
  std::string_view text = word.text;
  spec_.service_place = {word.line, word.column};
  if (spec_.transport == Transport::local) {
    if (!text.starts_with("/"))
      error(word, 0,
            fmt::format("unix socket path \"{}\" is not absolute (the service field of "
                        "a unix entry is the socket's path)",
                        text));
    spec_.service = std::string(text);
    return;
  }
  std::optional<std::string> explicit_host;
  std::size_t offset = 0;
  if (!parse_service_host(word, explicit_host, offset, hosts)) return;
  std::string_view name = text.substr(offset);
  if (name.starts_with("tcpmux/")) {
    // A tcpmux service is reached through the tcpmux port, never bound itself.
    if (explicit_host) warning(word, 0, "a tcpmux/ service has no socket of its own; host ignored");
    hosts.clear();
    parse_tcpmux_name(word, name, offset);
    return;
  }
  if (explicit_host) {
    if (*explicit_host != "*" && text.starts_with("[")) hosts.push_back(*explicit_host);
  } else if (default_host.bad_line != 0) {
    error(word, 0,
          fmt::format("no usable bind address: the host line at {}:{} has errors "
                      "(add a valid \"host:\" or \"*:\" line before this entry)",
                      file_, default_host.bad_line));
  } else {
    hosts = default_host.hosts;
  }
  parse_service_name(word, name, offset);
}

// The "host:" or "[v6]:" before the service name, if any: its text into
// `explicit_host`, the name's offset into `offset`, the listed hosts of
// "a,b:service" into `hosts`. False when the rest of the field cannot be read.
bool FieldParser::parse_service_host(const Word& word, std::optional<std::string>& explicit_host,
                                     std::size_t& offset, std::vector<std::string>& hosts) {
  std::string_view text = word.text;
  if (text.starts_with("[")) {
    std::size_t close = text.find("]:");
    if (close == std::string_view::npos) {
      error(word, 0, fmt::format("expected [IPv6-address]:service, got \"{}\"", text));
      return false;
    }
    explicit_host = std::string(text.substr(1, close - 1));
    if (explicit_host->empty()) error(word, 0, "empty IPv6 address in \"[]:\"");
    offset = close + 2;
  } else if (std::size_t colon = text.rfind(':'); colon != std::string_view::npos) {
    explicit_host = std::string(text.substr(0, colon));
    if (explicit_host->empty())
      error(word, 0, "empty host before \":\" (use \"*:\" for any address)");
    else
      split_hosts(*explicit_host, word, 0, hosts);
    offset = colon + 1;
  }
  return true;
}

// "tcpmux/NAME" or "tcpmux/+NAME", `name` still holding the prefix, which
// starts at `offset` in the field.
void FieldParser::parse_tcpmux_name(const Word& word, std::string_view name, std::size_t offset) {
  spec_.tcpmux = true;
  name.remove_prefix(7);
  offset += 7;
  if (name.starts_with("+")) {
    spec_.tcpmux_plus = true;
    name.remove_prefix(1);
    offset += 1;
  }
  if (name.empty())
    error(word, offset,
          fmt::format("missing service name after \"{}\"",
                      spec_.tcpmux_plus ? "tcpmux/+" : "tcpmux/"));
  // RFC 1078: the multiplexer itself answers HELP with the list of services.
  if (name.size() == 4 && std::equal(name.begin(), name.end(), "help", [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == b;
      }))
    error(word, offset,
          fmt::format("tcpmux service name \"{}\" is reserved: the tcpmux "
                      "builtin answers HELP with the list of services",
                      name));
  spec_.service = std::string(name);
}

// The service name or port after the host, at `offset` in the field.
void FieldParser::parse_service_name(const Word& word, std::string_view name, std::size_t offset) {
  if (name.empty()) {
    error(word, offset, "missing service name or port after the host");
    return;
  }
  if (rpc_) return parse_rpc_name(word, name, offset);
  if (std::size_t slash = name.find('/'); slash != std::string_view::npos) {
    error(word, offset + slash,
          fmt::format("\"{}\" is an RPC program and its versions: it needs protocol rpc/tcp or "
                      "rpc/udp, not \"{}\"",
                      name, spec_.protocol));
    return;
  }
  // Names may start with a digit ("3com-tsmux" is in /etc/services); only an
  // all-digit field is a port number.
  if (all_digits(name)) {
    auto port = parse_number(name, 65535);
    if (!port || *port == 0)
      error(word, offset,
            fmt::format("port {} out of range (expected 1-65535 or a service "
                        "name from /etc/services)",
                        name));
  }
  spec_.service = std::string(name);
}

// "name/version" or "name/low-high" of an RPC service, at `offset` in the field.
void FieldParser::parse_rpc_name(const Word& word, std::string_view name, std::size_t offset) {
  if (!spec_.rpc) return;  // the protocol's error says what is wrong
  std::size_t slash = name.find('/');
  if (slash == std::string_view::npos) {
    error(
        word, offset + name.size(),
        fmt::format("RPC service \"{}\" needs its versions: name/version or name/low-high", name));
    return;
  }
  if (slash == 0) error(word, offset, "missing RPC program name before \"/\"");
  spec_.service = std::string(name.substr(0, slash));  // names the entry even when it fails
  std::string_view versions = name.substr(slash + 1);
  std::size_t dash = versions.find('-');
  std::string_view low_text = versions.substr(0, dash);
  std::string_view high_text =
      dash == std::string_view::npos ? low_text : versions.substr(dash + 1);
  std::size_t low_at = offset + slash + 1;
  std::size_t high_at = dash == std::string_view::npos ? low_at : low_at + dash + 1;
  auto low = parse_number(low_text, UINT32_MAX);
  auto high = parse_number(high_text, UINT32_MAX);
  if (!low) error(word, low_at, fmt::format("RPC version must be a number, got \"{}\"", low_text));
  if (!high && high_at != low_at)
    error(word, high_at, fmt::format("RPC version must be a number, got \"{}\"", high_text));
  if (low && high && *low > *high)
    error(word, low_at,
          fmt::format("RPC versions \"{}\": the low version is above the high one", versions));
  if (!low || !high) return;
  spec_.rpc_low_version = static_cast<std::uint32_t>(*low);
  spec_.rpc_high_version = static_cast<std::uint32_t>(*high);
}

void FieldParser::split_hosts(std::string_view list, const Word& word, std::size_t offset,
                              std::vector<std::string>& hosts) {
  if (list == "*") return;
  std::size_t start = 0;
  for (;;) {
    std::size_t comma = list.find(',', start);
    std::string_view one =
        list.substr(start, comma == std::string_view::npos ? comma : comma - start);
    if (one.empty())
      error(word, offset + start, fmt::format("empty address in host list \"{}\"", list));
    else if (one == "*")
      error(word, offset + start,
            fmt::format("\"*\" (any address) cannot be part of host list "
                        "\"{}\"",
                        list));
    else
      hosts.emplace_back(one);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

void FieldParser::parse_socket_type(const Word& word) {
  static constexpr std::array<SocketType, 4> kTypes{SocketType::stream, SocketType::dgram,
                                                    SocketType::raw, SocketType::seqpacket};
  std::string_view text = word.text;
  // NetBSD: socket-type[,accept-max][:accept-filter].
  std::size_t colon = text.find(':');
  if (colon != std::string_view::npos) {
    parse_accept_filter(word, colon + 1, text.substr(colon + 1));
    text = text.substr(0, colon);
  }
  std::size_t comma = text.find(',');
  if (comma != std::string_view::npos) {
    parse_accept_max(word, comma + 1, text.substr(comma + 1));
    text = text.substr(0, comma);
  }
  for (SocketType type : kTypes) {
    if (text == to_string(type)) {
      spec_.socket_type = type;
      return;
    }
  }
  error(word, 0,
        fmt::format("unknown socket type \"{}\" (expected stream, dgram, raw or "
                    "seqpacket)",
                    text));
}

void FieldParser::parse_accept_max(const Word& word, std::size_t offset, std::string_view text) {
  auto max = parse_number(text, kMaxLimit);
  if (!max || *max == 0) {
    error(word, offset,
          fmt::format("accept-max after \",\" must be a number of children from 1 up, got \"{}\"",
                      text));
    return;
  }
  spec_.max_child = static_cast<unsigned>(*max);
  accept_max_set_ = true;
}

void FieldParser::parse_accept_filter(const Word& word, std::size_t offset, std::string_view name) {
  // Linux has no accept filters; TCP_DEFER_ACCEPT is what "dataready" does
  // (accept once the client has sent data), and the nearest to "httpready".
  if (name == "dataready") {
    spec_.defer_accept = true;
  } else if (name == "httpready") {
    spec_.defer_accept = true;
    warning(word, offset,
            "accept filter httpready waits for a whole HTTP request on BSD; on Linux the "
            "connection is accepted once its first data arrives (TCP_DEFER_ACCEPT)");
  } else {
    error(word, offset,
          fmt::format("unknown accept filter \"{}\" (expected dataready or httpready)", name));
  }
}

void FieldParser::parse_wait(const Word& word) {
  std::string_view text = word.text;
  std::size_t offset = 0;
  if (text.starts_with("nowait")) {
    spec_.wait_mode = WaitMode::nowait;
    offset = 6;
  } else if (text.starts_with("wait")) {
    spec_.wait_mode = WaitMode::wait;
    offset = 4;
  } else {
    error(word, 0,
          fmt::format("unknown wait/nowait value \"{}\" (expected {})", text, kExpectedWait));
    return;
  }
  std::string_view rest = text.substr(offset);
  if (rest.empty()) return;
  if (rest.front() == '.' || rest.front() == ':') {
    auto max = parse_number(rest.substr(1), kMaxLimit);
    if (!max)
      error(word, offset + 1,
            fmt::format("max-per-minute after \"{}\" must be a number, got "
                        "\"{}\"",
                        rest.front(), rest.substr(1)));
    else
      spec_.max_per_minute = static_cast<unsigned>(*max);
    return;
  }
  if (rest.front() != '/') {
    error(word, 0,
          fmt::format("unknown wait/nowait value \"{}\" (expected {})", text, kExpectedWait));
    return;
  }
  parse_wait_limits(word, offset);
}

// FreeBSD's "/max-child[/max-conn-per-ip-per-minute[/max-child-per-ip]]", at
// `offset` in the wait field.
void FieldParser::parse_wait_limits(const Word& word, std::size_t offset) {
  std::string_view text = word.text;
  std::string_view rest = text.substr(offset);
  static constexpr std::array<const char*, 3> kNames{"max-child", "max-conn-per-ip-per-minute",
                                                     "max-child-per-ip"};
  std::array<std::optional<unsigned>*, 3> targets{
      &spec_.max_child, &spec_.max_conn_per_ip_per_minute, &spec_.max_child_per_ip};
  std::size_t index = 0;
  while (!rest.empty()) {
    rest.remove_prefix(1);
    ++offset;
    std::size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    if (index == kNames.size()) {
      error(word, offset,
            fmt::format("too many limits in \"{}\" (at most three: "
                        "/max-child/max-conn-per-ip-per-minute/max-child-per-ip)",
                        text));
      return;
    }
    auto value = parse_number(part, kMaxLimit);
    if (index == 0 && accept_max_set_) {
      error(word, offset, "max-child is given twice: here and as the socket type's \",N\"");
      return;
    }
    if (!value)
      error(word, offset, fmt::format("{} must be a number, got \"{}\"", kNames[index], part));
    else
      *targets[index] = static_cast<unsigned>(*value);
    ++index;
    offset += part.size();
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
}

void FieldParser::parse_user(const Word& word) {
  std::string_view text = word.text;
  spec_.user_place = {word.line, word.column};
  if (std::size_t slash = text.find('/'); slash != std::string_view::npos) {
    std::string_view login_class = text.substr(slash + 1);
    if (login_class.empty()) error(word, slash + 1, "empty login class after \"/\"");
    spec_.login_class = std::string(login_class);
    text = text.substr(0, slash);
  }
  // ':' separates the group as in FreeBSD; '.' is the older form OpenBSD still reads.
  std::size_t sep = text.find(':');
  if (sep == std::string_view::npos) sep = text.find('.');
  if (sep != std::string_view::npos) {
    std::string_view group = text.substr(sep + 1);
    if (group.empty()) error(word, sep + 1, fmt::format("empty group after \"{}\"", text[sep]));
    spec_.group = std::string(group);
    text = text.substr(0, sep);
  }
  if (text.empty()) error(word, 0, "empty user name (expected user[:group][/login-class])");
  spec_.user = std::string(text);
}

// "internal sensor [deny-time]": the sensor's one argument is how long the
// clients it sees are refused (config/deny_time.h), NEVER when left out.
void FieldParser::parse_sensor_args(std::span<const Word> args) {
  if (args.size() > 2)
    error(args[2], 0, "the sensor takes one argument, its deny time; more are given");
  if (args.size() == 2 && !parse_deny_time(args[1].text))
    error(args[1], 0,
          fmt::format("the sensor's deny time must be minutes from 0 to {}, FOREVER or NEVER, "
                      "got \"{}\"",
                      kMaxDenyMinutes, args[1].text));
}

void FieldParser::parse_program(const Word& word, std::span<const Word> args) {
  spec_.program_place = {word.line, word.column};
  for (const Word& arg : args) spec_.args.push_back(arg.text);
  if (word.text == "internal") {
    // The builtin is named by the service (for a unix path, by its last
    // component, as FreeBSD does); when that names no builtin, as for a port
    // number, by argv0.
    std::string name = spec_.service;
    if (spec_.transport == Transport::local) name = basename_of(name);
    // Given by port (key=value's port, xinetd's port), the service is named by its label.
    if (!builtin_from_name(name) && !spec_.label.empty()) name = spec_.label;
    if (!builtin_from_name(name) && !spec_.args.empty()) name = spec_.args.front();
    if (spec_.tcpmux) {
      error(word, 0,
            fmt::format("tcpmux/{} needs a server program, not \"internal\"", spec_.service));
      return;
    }
    auto builtin = builtin_from_name(name);
    if (!builtin && spec_.service.empty()) {
      ok_ = false;  // the service field's own error says what is wrong
      return;
    }
    if (!builtin) {
      error(word, 0,
            fmt::format("unknown internal service \"{}\" (expected {}; for a port "
                        "number, give the builtin's name after \"internal\")",
                        name, builtins::names_for_humans()));
      return;
    }
    spec_.builtin = *builtin;
    if (*builtin == Builtin::sensor) return parse_sensor_args(args);
    if (spec_.args.size() > 1)
      warning(args[1], 0, fmt::format("arguments of internal service {} are ignored", name));
    return;
  }
  if (!word.text.starts_with("/")) {
    error(word, 0,
          fmt::format("server program \"{}\" is not an absolute path (expected "
                      "/path/to/program or \"internal\")",
                      word.text));
    return;
  }
  spec_.program = word.text;
  if (spec_.args.empty()) spec_.args.push_back(basename_of(spec_.program));
}

// The socket an internal service is given must be one its builtin can serve.
void FieldParser::check_builtin(const Word& type_word, const Word& wait_word) {
  SocketType type = spec_.socket_type;
  Transport transport = spec_.transport;
  Builtin builtin = spec_.builtin;
  const builtins::BuiltinRow* row = &builtins::row(builtin);
  if (type == SocketType::stream && spec_.wait_mode == WaitMode::wait)
    error(wait_word, 0,
          fmt::format("internal service {} over stream must be \"nowait\"", to_string(builtin)));
  // A unix datagram answer goes to the path the client bound, looked up again
  // at the send: a local user could swap that path for a symlink to any
  // socket and have the daemon, as root, send it bytes of the user's choosing.
  if (type == SocketType::dgram && transport == Transport::local && row->answer != nullptr &&
      row->datagram)
    error(type_word, 0,
          fmt::format("internal service {} over a unix dgram socket is refused: "
                      "its answers would go, as root, to a path the client chose "
                      "(use a stream socket)",
                      to_string(builtin)));
  if (type == SocketType::raw || type == SocketType::seqpacket)
    error(type_word, 0,
          fmt::format("internal service {} needs socket type stream or dgram", to_string(builtin)));
  if (row->stream == builtins::StreamStyle::request &&
      (type != SocketType::stream || transport != Transport::tcp))
    error(type_word, 0,
          fmt::format("internal service {} needs socket type stream over tcp", row->name));
  else if (!row->datagram && type == SocketType::dgram)
    error(type_word, 0, fmt::format("internal service {} has no dgram form", row->name));
  if (builtin == Builtin::sensor && type == SocketType::dgram && transport != Transport::local)
    warning(type_word, 0,
            "a sensor over udp lists the source address each datagram claims: a spoofed one "
            "has any address refused, yours too (a stream sensor lists only clients that "
            "complete a handshake)");
}

void FieldParser::check_combination(const Word& type_word, const Word& protocol_word,
                                    const Word& wait_word) {
  SocketType type = spec_.socket_type;
  Transport transport = spec_.transport;
  if (type == SocketType::stream && transport == Transport::udp)
    error(protocol_word, 0,
          fmt::format("protocol \"{}\" does not go with socket type stream "
                      "(expected tcp, tcp4, tcp6, tcp46 or unix)",
                      spec_.protocol));
  if (type == SocketType::dgram && transport == Transport::tcp)
    error(protocol_word, 0,
          fmt::format("protocol \"{}\" does not go with socket type dgram "
                      "(expected udp, udp4, udp6, udp46 or unix)",
                      spec_.protocol));
  if (type == SocketType::seqpacket && transport != Transport::local)
    error(type_word, 0, "seqpacket sockets need protocol unix");
  if (type == SocketType::raw && transport == Transport::local)
    error(type_word, 0, "raw sockets need an IP protocol, not unix");
  if ((spec_.nodelay || spec_.keepalive) &&
      (type != SocketType::stream || transport != Transport::tcp)) {
    warning(type_word, 0, "nodelay and keepalive apply to tcp stream services only; ignored");
    spec_.nodelay = spec_.keepalive = false;
  }

  Builtin builtin = spec_.builtin;
  if (builtin != Builtin::none) check_builtin(type_word, wait_word);
  if (spec_.tcpmux) {
    if (type != SocketType::stream || transport != Transport::tcp)
      error(type_word, 0, "tcpmux services need socket type stream over tcp (RFC 1078)");
    if (spec_.wait_mode == WaitMode::wait)
      error(wait_word, 0, "tcpmux services must be \"nowait\": each gets one connection");
  }
  if (spec_.redirect) check_redirect(type_word, protocol_word, wait_word);
  if (spec_.listen_fds && builtin != Builtin::none)
    error(protocol_word, 0, "listen_fds is for server programs, not internal services");
  if (spec_.listen_fds && spec_.wait_mode != WaitMode::wait)
    error(protocol_word, 0, "listen_fds hands over the listening socket, so it needs \"wait\"");
}

void FieldParser::parse_host_line(const Word& word, DefaultHost& host) {
  std::string_view text = std::string_view(word.text);
  text.remove_suffix(1);
  host = DefaultHost{};
  if (text.empty()) {
    error(word, 0, "empty host line \":\" (use \"*:\" for any address)");
  } else if (text.starts_with("[")) {
    if (text.size() < 3 || !text.ends_with("]"))
      error(word, 0, fmt::format("expected [IPv6-address]: on a host line, got \"{}\"", word.text));
    else
      host.hosts.emplace_back(text.substr(1, text.size() - 2));
  } else {
    split_hosts(text, word, 0, host.hosts);
  }
  if (!ok_) {
    host.hosts.clear();
    host.bad_line = word.line;
  }
}

}  // namespace ninetd::config
