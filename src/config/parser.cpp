#include "config/parser.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <climits>
#include <optional>

#include "config/lexer.h"

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

constexpr const char* kExpectedProtocols =
    "tcp, udp, tcp4, udp4, tcp6, udp6, tcp46, udp46 or unix";
constexpr const char* kExpectedWait =
    "\"wait\" or \"nowait\", optionally followed by .max-per-minute or "
    "/max-child[/max-conn-per-ip-per-minute[/max-child-per-ip]]";

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
    if (unit == 'm' || unit == 'M') scale = 1024 * 1024;
    if (scale != 1) text.remove_suffix(1);
  }
  auto value = parse_number(text, INT_MAX / scale);
  if (!value || *value == 0) return std::nullopt;
  return static_cast<int>(*value * scale);
}

std::string basename_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Parses one entry; collects every problem in it rather than stopping at the first.
class EntryParser {
 public:
  EntryParser(const std::string& file, const Entry& entry, const std::optional<std::string>& host,
              std::vector<Diagnostic>& diagnostics)
      : file_(file), entry_(entry), default_host_(host), diagnostics_(diagnostics) {}

  // Returns one spec per bind host ("a,b:echo" gives two), none on error.
  std::vector<ServiceSpec> parse(FailedEntry& failed);

 private:
  void error(const Word& word, std::size_t offset, std::string message) {
    diagnostics_.push_back({file_, word.line, word.column + static_cast<int>(offset),
                            Severity::error, std::move(message)});
    ok_ = false;
  }
  void warning(const Word& word, std::size_t offset, std::string message) {
    diagnostics_.push_back({file_, word.line, word.column + static_cast<int>(offset),
                            Severity::warning, std::move(message)});
  }

  void parse_protocol(const Word& word);
  void parse_service(const Word& word, std::vector<std::string>& hosts);
  void parse_socket_type(const Word& word);
  void parse_wait(const Word& word);
  void parse_user(const Word& word);
  void parse_program(std::size_t first_program_word);
  void check_combination(const Word& type_word, const Word& protocol_word, const Word& wait_word);

  const std::string& file_;
  const Entry& entry_;
  const std::optional<std::string>& default_host_;
  std::vector<Diagnostic>& diagnostics_;
  ServiceSpec spec_;
  bool ok_ = true;
};

void EntryParser::parse_protocol(const Word& word) {
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
  if (!known) {
    if (base.starts_with("rpc/"))
      error(word, 0, fmt::format("RPC services (\"{}\") are not supported", base));
    else
      error(word, 0, fmt::format("unknown protocol \"{}\" (expected {})", base, kExpectedProtocols));
  }
  while (comma != std::string_view::npos) {
    std::size_t start = comma + 1;
    comma = text.find(',', start);
    std::string_view option = text.substr(start, comma == std::string_view::npos ? comma : comma - start);
    std::size_t eq = option.find('=');
    std::string_view key = option.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view() : option.substr(eq + 1);
    if (key == "sndbuf" || key == "rcvbuf") {
      auto size = parse_size(value);
      if (!size)
        error(word, start, fmt::format("{} needs a size in bytes, with an optional k or m, "
                                       "got \"{}\"", key, value));
      else
        (key == "sndbuf" ? spec_.sndbuf : spec_.rcvbuf) = size;
    } else if (option == "listen_fds") {
      spec_.listen_fds = true;
    } else {
      error(word, start, fmt::format("unknown protocol option \"{}\" (expected sndbuf=SIZE, "
                                     "rcvbuf=SIZE or listen_fds)", option));
    }
  }
}

void EntryParser::parse_service(const Word& word, std::vector<std::string>& hosts) {
  std::string_view text = word.text;
  spec_.service_place = {word.line, word.column};
  std::size_t offset = 0;
  if (spec_.transport == Transport::local) {
    if (!text.starts_with("/"))
      error(word, 0, fmt::format("unix socket path \"{}\" is not absolute", text));
    spec_.service = std::string(text);
    return;
  }
  std::optional<std::string> host = default_host_;
  if (text.starts_with("[")) {
    std::size_t close = text.find("]:");
    if (close == std::string_view::npos) {
      error(word, 0, fmt::format("expected [IPv6-address]:service, got \"{}\"", text));
      return;
    }
    host = std::string(text.substr(1, close - 1));
    offset = close + 2;
  } else if (std::size_t colon = text.rfind(':'); colon != std::string_view::npos) {
    host = std::string(text.substr(0, colon));
    offset = colon + 1;
  }
  if (host) {
    if (host->empty()) {
      error(word, 0, "empty host before \":\" (use \"*\" for any address)");
    } else if (*host != "*") {
      std::string_view list = *host;
      while (!list.empty()) {
        std::size_t comma = list.find(',');
        std::string_view one = list.substr(0, comma);
        if (one.empty()) error(word, 0, fmt::format("empty name in host list \"{}\"", *host));
        hosts.emplace_back(one);
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
      }
    }
  }
  std::string_view name = text.substr(offset);
  if (name.starts_with("tcpmux/")) {
    // A tcpmux service is reached through the tcpmux port, never bound itself.
    if (offset > 0) warning(word, 0, "a tcpmux/ service has no socket of its own; host ignored");
    hosts.clear();
    spec_.host.reset();
    spec_.tcpmux = true;
    name.remove_prefix(7);
    offset += 7;
    if (name.starts_with("+")) {
      spec_.tcpmux_plus = true;
      name.remove_prefix(1);
      offset += 1;
    }
    if (name.empty()) error(word, offset, "missing service name after \"tcpmux/\"");
    spec_.service = std::string(name);
    return;
  }
  if (name.empty()) {
    error(word, offset, "missing service name or port");
    return;
  }
  if (name.find('/') != std::string_view::npos) {
    error(word, offset, fmt::format("RPC services (\"{}\") are not supported", name));
    return;
  }
  if (name.front() >= '0' && name.front() <= '9') {
    auto port = parse_number(name, 65535);
    if (!port || *port == 0)
      error(word, offset, fmt::format("port \"{}\" out of range (expected 1-65535 or a name "
                                      "from /etc/services)", name));
  }
  spec_.service = std::string(name);
}

void EntryParser::parse_socket_type(const Word& word) {
  static constexpr std::array<SocketType, 4> kTypes{SocketType::stream, SocketType::dgram,
                                                    SocketType::raw, SocketType::seqpacket};
  for (SocketType type : kTypes) {
    if (word.text == to_string(type)) {
      spec_.socket_type = type;
      return;
    }
  }
  error(word, 0, fmt::format("unknown socket type \"{}\" (expected stream, dgram, raw or "
                             "seqpacket)", word.text));
}

void EntryParser::parse_wait(const Word& word) {
  std::string_view text = word.text;
  std::size_t offset = 0;
  if (text.starts_with("nowait")) {
    spec_.wait_mode = WaitMode::nowait;
    offset = 6;
  } else if (text.starts_with("wait")) {
    spec_.wait_mode = WaitMode::wait;
    offset = 4;
  } else {
    error(word, 0, fmt::format("expected {}, got \"{}\"", kExpectedWait, text));
    return;
  }
  std::string_view rest = text.substr(offset);
  if (rest.empty()) return;
  constexpr unsigned long kLimit = 1'000'000'000;
  if (rest.front() == '.' || rest.front() == ':') {
    auto max = parse_number(rest.substr(1), kLimit);
    if (!max)
      error(word, offset + 1, fmt::format("expected a number of launches per minute after "
                                          "\"{}\", got \"{}\"", rest.front(), rest.substr(1)));
    else
      spec_.max_per_minute = static_cast<unsigned>(*max);
    return;
  }
  if (rest.front() != '/') {
    error(word, 0, fmt::format("expected {}, got \"{}\"", kExpectedWait, text));
    return;
  }
  static constexpr std::array<const char*, 3> kNames{"max-child", "max-conn-per-ip-per-minute",
                                                     "max-child-per-ip"};
  std::array<std::optional<unsigned>*, 3> targets{&spec_.max_child,
                                                  &spec_.max_conn_per_ip_per_minute,
                                                  &spec_.max_child_per_ip};
  std::size_t index = 0;
  while (!rest.empty()) {
    rest.remove_prefix(1);
    ++offset;
    std::size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    if (index == kNames.size()) {
      error(word, offset, fmt::format("too many limits in \"{}\" (at most {})", text, kExpectedWait));
      return;
    }
    auto value = parse_number(part, kLimit);
    if (!value)
      error(word, offset, fmt::format("{} must be a number, got \"{}\"", kNames[index], part));
    else
      *targets[index] = static_cast<unsigned>(*value);
    ++index;
    offset += part.size();
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
}

void EntryParser::parse_user(const Word& word) {
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

void EntryParser::parse_program(std::size_t first) {
  const Word& word = entry_.words[first];
  spec_.program_place = {word.line, word.column};
  for (std::size_t i = first + 1; i < entry_.words.size(); ++i)
    spec_.args.push_back(entry_.words[i].text);
  if (word.text == "internal") {
    // The builtin is named by the service, or by argv0 when the service is a
    // port number or a unix path (FreeBSD takes the path's last component).
    std::string name = spec_.service;
    if (spec_.transport == Transport::local) name = basename_of(name);
    if (!spec_.args.empty() && builtin_from_name(spec_.args.front())) name = spec_.args.front();
    if (spec_.tcpmux) {
      error(word, 0, fmt::format("tcpmux/{} needs a server program, not \"internal\"",
                                 spec_.service));
      return;
    }
    auto builtin = builtin_from_name(name);
    if (!builtin) {
      error(word, 0, fmt::format("unknown internal service \"{}\" (expected echo, discard, "
                                 "chargen, daytime, time or tcpmux; a port number needs the "
                                 "builtin's name as argument)", name));
      return;
    }
    spec_.builtin = *builtin;
    if (spec_.args.size() > 1)
      warning(entry_.words[first + 2], 0,
              fmt::format("arguments of internal service {} are ignored", name));
    return;
  }
  if (!word.text.starts_with("/")) {
    error(word, 0, fmt::format("server program \"{}\" is not an absolute path (or \"internal\")",
                               word.text));
    return;
  }
  spec_.program = word.text;
  if (spec_.args.empty()) spec_.args.push_back(basename_of(spec_.program));
}

void EntryParser::check_combination(const Word& type_word, const Word& protocol_word,
                                    const Word& wait_word) {
  SocketType type = spec_.socket_type;
  Transport transport = spec_.transport;
  if (type == SocketType::stream && transport == Transport::udp)
    error(protocol_word, 0, fmt::format("protocol \"{}\" does not go with socket type stream "
                                        "(expected tcp, tcp4, tcp6, tcp46 or unix)", spec_.protocol));
  if (type == SocketType::dgram && transport == Transport::tcp)
    error(protocol_word, 0, fmt::format("protocol \"{}\" does not go with socket type dgram "
                                        "(expected udp, udp4, udp6, udp46 or unix)", spec_.protocol));
  if (type == SocketType::seqpacket && transport != Transport::local)
    error(type_word, 0, "seqpacket sockets need protocol unix");
  if (type == SocketType::raw && transport == Transport::local)
    error(type_word, 0, "raw sockets need an IP protocol, not unix");

  Builtin builtin = spec_.builtin;
  if (builtin != Builtin::none && type == SocketType::stream && spec_.wait_mode == WaitMode::wait)
    error(wait_word, 0, fmt::format("internal service {} over stream must be \"nowait\"",
                                    to_string(builtin)));
  if (builtin != Builtin::none && (type == SocketType::raw || type == SocketType::seqpacket))
    error(type_word, 0, fmt::format("internal service {} needs socket type stream or dgram",
                                    to_string(builtin)));
  if (builtin == Builtin::tcpmux && (type != SocketType::stream || transport != Transport::tcp))
    error(type_word, 0, "internal service tcpmux needs socket type stream over tcp (RFC 1078)");
  if (spec_.tcpmux) {
    if (type != SocketType::stream || transport != Transport::tcp)
      error(type_word, 0, "tcpmux services need socket type stream over tcp (RFC 1078)");
    if (spec_.wait_mode == WaitMode::wait)
      error(wait_word, 0, "tcpmux services must be \"nowait\": each gets one connection");
  }
  if (spec_.listen_fds && spec_.wait_mode != WaitMode::wait)
    error(protocol_word, 0, "listen_fds hands over the listening socket, so it needs \"wait\"");
}

std::vector<ServiceSpec> EntryParser::parse(FailedEntry& failed) {
  static constexpr std::array<const char*, 6> kFields{
      "service name", "socket type", "protocol", "wait/nowait", "user",
      "server program"};
  static constexpr std::array<const char*, 6> kForms{
      "[host:]service", "stream, dgram, raw or seqpacket", kExpectedProtocols,
      "wait or nowait", "user[:group][/login-class]", "an absolute path or \"internal\""};
  const auto& words = entry_.words;
  spec_.file = file_;
  spec_.line = entry_.line();
  if (words.size() < kFields.size()) {
    const Word& last = words.back();
    diagnostics_.push_back({file_, last.line, last.column + static_cast<int>(last.text.size()) + 1,
                            Severity::error,
                            fmt::format("missing {} field (expected {}); entry has {} of the 6 "
                                        "required fields", kFields[words.size()],
                                        kForms[words.size()], words.size())});
    failed = {spec_.line, words[0].text, words.size() > 2 ? words[2].text : ""};
    return {};
  }
  std::vector<std::string> hosts;
  parse_protocol(words[2]);
  parse_service(words[0], hosts);
  parse_socket_type(words[1]);
  parse_wait(words[3]);
  parse_user(words[4]);
  parse_program(5);
  if (ok_) check_combination(words[1], words[2], words[3]);
  if (!ok_) {
    failed = {spec_.line, spec_.service, spec_.protocol};
    return {};
  }
  std::vector<ServiceSpec> specs;
  if (hosts.empty()) {
    if (spec_.host && *spec_.host == "*") spec_.host.reset();
    specs.push_back(spec_);
  }
  for (auto& host : hosts) {
    specs.push_back(spec_);
    specs.back().host = host;
  }
  return specs;
}

// A line that is only "host:" sets the bind address of the entries after it.
std::optional<std::optional<std::string>> host_line(const Entry& entry) {
  if (entry.words.size() != 1) return std::nullopt;
  const std::string& word = entry.words[0].text;
  if (word.size() < 2 || word.back() != ':') return std::nullopt;
  std::string host = word.substr(0, word.size() - 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host == "*") return std::optional<std::string>();
  return std::optional<std::string>(host);
}

}  // namespace

ParseResult parse_config(std::string_view text, const std::string& file) {
  ParseResult result;
  std::optional<std::string> default_host;
  for (const Entry& entry : split_entries(text, file, result.diagnostics)) {
    if (auto host = host_line(entry)) {
      default_host = *host;
      continue;
    }
    FailedEntry failed;
    EntryParser parser(file, entry, default_host, result.diagnostics);
    auto specs = parser.parse(failed);
    if (specs.empty()) result.failed.push_back(std::move(failed));
    for (auto& spec : specs) result.services.push_back(std::move(spec));
  }
  return result;
}

}  // namespace ninetd::config
