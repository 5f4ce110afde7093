#include "config/spec_writer.h"

#include <fmt/format.h>

#include <array>
#include <iterator>

#include "config/lexer.h"
#include "config/log_settings.h"
#include "limits/load_limit.h"

namespace ninetd::config {
namespace {

bool printable(unsigned char c) {
  return c > 0x20 && c != 0x7f;
}

// A word either form reads as one, as it is: no blank, line end, control
// byte or '#' (a comment in the key=value form, at a line's start in both).
bool plain_word(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (!printable(static_cast<unsigned char>(c)) || c == '#') return false;
  return true;
}

bool bare_value(std::string_view text) {
  return plain_word(text) && text.find_first_of(",;\"'\\") == std::string_view::npos;
}

// A classic field word that must not hold `separators` either.
bool classic_word(std::string_view text, std::string_view separators = "") {
  return plain_word(text) && text.find_first_of(separators) == std::string_view::npos;
}

bool limit(const std::optional<unsigned>& value, std::vector<std::string>& out) {
  if (!value || *value == 0) return false;  // 0 is no limit, as the resolver reads it
  out.push_back(std::to_string(*value));
  return true;
}

bool size(const std::optional<int>& value, std::vector<std::string>& out) {
  if (!value) return false;
  out.push_back(std::to_string(*value));
  return true;
}

bool text(const std::optional<std::string>& value, std::vector<std::string>& out) {
  if (!value) return false;
  out.push_back(*value);
  return true;
}

bool yes(bool value, std::vector<std::string>& out) {
  if (!value) return false;
  out.emplace_back("yes");
  return true;
}

// A yes-or-no key whose default is yes: written only when no.
bool no(bool value, std::vector<std::string>& out) {
  if (value) return false;
  out.emplace_back("no");
  return true;
}

bool text(const std::string& value, std::vector<std::string>& out) {
  if (value.empty()) return false;
  out.push_back(value);
  return true;
}

// A prefix as allow and deny take it: one address without its /32 or /128.
std::string prefix_text(const limits::AddressPrefix& prefix) {
  std::string written = limits::to_string(prefix);
  std::string_view whole = prefix.v4 ? "/32" : "/128";
  if (written.ends_with(whole)) written.resize(written.size() - whole.size());
  return written;
}

bool access(const ServiceSpec& spec, bool allow, std::vector<std::string>& out) {
  if (!(allow ? spec.allow_given : spec.deny_given)) return false;
  for (const auto& rule : spec.access_rules)
    if (rule.allow == allow) out.push_back(prefix_text(rule.prefix));
  return true;
}

bool has_address(const ServiceSpec& spec) {
  return spec.transport != Transport::local && !spec.tcpmux;
}

bool words(std::vector<std::string> values, std::vector<std::string>& out) {
  if (values.empty()) return false;
  out.insert(out.end(), std::make_move_iterator(values.begin()),
             std::make_move_iterator(values.end()));
  return true;
}

bool banner(const ServiceSpec& spec, BannerKind kind, std::vector<std::string>& out) {
  const std::string& path = spec.policy.banners[static_cast<std::size_t>(kind)].path;
  if (path.empty()) return false;
  out.push_back(path);
  return true;
}

std::string clock_word(unsigned minute) {
  return fmt::format("{}:{:02}", minute / 60, minute % 60);
}

// "8:00-12:30": each range as it reads back; a range to 23:59 followed by
// one from 0:00 that ends before it starts is one range across midnight
// ("22:00-6:00"), which is what the reader split (and the only way to write
// a half of one minute, as "23:59-0:00" gives).
bool access_times(const ServiceSpec& spec, std::vector<std::string>& out) {
  const auto& ranges = spec.policy.access_times;
  if (!spec.policy.access_times_given || ranges.empty()) return false;
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    const limits::MinuteRange& range = ranges[i];
    if (range.last == limits::kMinutesPerDay - 1 && i + 1 < ranges.size() &&
        ranges[i + 1].first == 0 && ranges[i + 1].last < range.first) {
      out.push_back(clock_word(range.first) + "-" + clock_word(ranges[++i].last));
      continue;
    }
    out.push_back(clock_word(range.first) + "-" + clock_word(range.last));
  }
  return true;
}

template <Rlimit kWhich>
bool rlimit(const ServiceSpec& spec, std::vector<std::string>& out) {
  for (const RlimitSetting& setting : spec.launch.rlimits) {
    if (setting.which != kWhich) continue;
    out.push_back(setting.value == kUnlimited ? std::string("UNLIMITED")
                                              : std::to_string(setting.value));
    return true;
  }
  return false;
}

using Out = std::vector<std::string>;

// clang-format off
constexpr std::array<KeyWriter, 43> kWriters{{
    {"protocol", true, [](const ServiceSpec& s, Out& o) { o.push_back(s.protocol); return true; }},
    {"bind", true, [](const ServiceSpec& s, Out& o) { return has_address(s) && text(s.host, o); }},
    // A named service on a given port (xinetd's service NAME with port): the
    // name goes before "on", the port here.
    {"port", false,
     [](const ServiceSpec& s, Out& o) { return !s.label.empty() && (o.push_back(s.service), true); }},
    {"socktype", true,
     [](const ServiceSpec& s, Out& o) { o.emplace_back(to_string(s.socket_type)); return true; }},
    {"acceptfilter", true,
     [](const ServiceSpec& s, Out& o) { return s.defer_accept && (o.emplace_back("dataready"), true); }},
    {"sndbuf", true, [](const ServiceSpec& s, Out& o) { return size(s.sndbuf, o); }},
    {"recvbuf", true, [](const ServiceSpec& s, Out& o) { return size(s.rcvbuf, o); }},
    {"nodelay", false, [](const ServiceSpec& s, Out& o) { return yes(s.nodelay, o); }},
    {"keepalive", false, [](const ServiceSpec& s, Out& o) { return yes(s.keepalive, o); }},
    {"wait", true,
     [](const ServiceSpec& s, Out& o) {
       o.emplace_back(s.wait_mode == WaitMode::wait ? "yes" : "no");
       return true;
     }},
    {"max_child", true, [](const ServiceSpec& s, Out& o) { return limit(s.max_child, o); }},
    {"rate", true, [](const ServiceSpec& s, Out& o) { return limit(s.max_per_minute, o); }},
    {"per_ip_rate", true,
     [](const ServiceSpec& s, Out& o) { return limit(s.max_conn_per_ip_per_minute, o); }},
    {"max_child_per_ip", true,
     [](const ServiceSpec& s, Out& o) { return limit(s.max_child_per_ip, o); }},
    {"allow", false, [](const ServiceSpec& s, Out& o) { return access(s, true, o); }},
    {"deny", false, [](const ServiceSpec& s, Out& o) { return access(s, false, o); }},
    {"banner", false,
     [](const ServiceSpec& s, Out& o) { return banner(s, BannerKind::always, o); }},
    {"banner_success", false,
     [](const ServiceSpec& s, Out& o) { return banner(s, BannerKind::success, o); }},
    {"banner_fail", false,
     [](const ServiceSpec& s, Out& o) { return banner(s, BannerKind::fail, o); }},
    {"access_times", false, [](const ServiceSpec& s, Out& o) { return access_times(s, o); }},
    {"max_load", false,
     [](const ServiceSpec& s, Out& o) {
       return s.policy.max_load && (o.push_back(limits::format_load(*s.policy.max_load)), true);
     }},
    {"user", true, [](const ServiceSpec& s, Out& o) { o.push_back(s.user); return true; }},
    {"group", true, [](const ServiceSpec& s, Out& o) { return text(s.group, o); }},
    {"login_class", true, [](const ServiceSpec& s, Out& o) { return text(s.login_class, o); }},
    {"groups", false, [](const ServiceSpec& s, Out& o) { return no(s.supplementary_groups, o); }},
    {"env", false, [](const ServiceSpec& s, Out& o) { return words(s.launch.env, o); }},
    {"passenv", false, [](const ServiceSpec& s, Out& o) { return words(s.launch.passenv, o); }},
    {"nice", false,
     [](const ServiceSpec& s, Out& o) {
       return s.launch.nice && (o.push_back(std::to_string(*s.launch.nice)), true);
     }},
    {"umask", false,
     [](const ServiceSpec& s, Out& o) {
       return s.launch.umask && (o.push_back(fmt::format("{:03o}", *s.launch.umask)), true);
     }},
    {"rlimit_as", false, rlimit<Rlimit::as>},
    {"rlimit_cpu", false, rlimit<Rlimit::cpu>},
    {"rlimit_data", false, rlimit<Rlimit::data>},
    {"rlimit_rss", false, rlimit<Rlimit::rss>},
    {"rlimit_stack", false, rlimit<Rlimit::stack>},
    {"rlimit_files", false, rlimit<Rlimit::files>},
    // A redirecting service runs no program: no exec, which would contradict it.
    {"exec", true,
     [](const ServiceSpec& s, Out& o) {
       if (s.redirect) return false;
       o.push_back(s.builtin != Builtin::none ? std::string("internal") : s.program);
       return true;
     }},
    {"args", true,
     [](const ServiceSpec& s, Out& o) {
       o.insert(o.end(), s.args.begin(), s.args.end());
       return !s.args.empty();
     }},
    {"redirect", false,
     [](const ServiceSpec& s, Out& o) {
       if (!s.redirect) return false;
       o.push_back(s.redirect->host);
       o.push_back(s.redirect->port);
       return true;
     }},
    {"libwrap", false, [](const ServiceSpec& s, Out& o) { return text(s.libwrap, o); }},
    {"listen_fds", true, [](const ServiceSpec& s, Out& o) { return yes(s.listen_fds, o); }},
    {"log_on_success", false,
     [](const ServiceSpec& s, Out& o) { return words(log_flag_names(s.log_on_success, true), o); }},
    {"log_on_failure", false,
     [](const ServiceSpec& s, Out& o) { return words(log_flag_names(s.log_on_failure, false), o); }},
    {"log_type", false,
     [](const ServiceSpec& s, Out& o) { return s.log_type && words(log_type_words(*s.log_type), o); }},
}};
// clang-format on

// "wait", "nowait.60", "nowait/10/0/2": the wait field with the limits it
// can hold; `max_child_in_type` when the socket type's ",N" must hold
// max_child (a rate and a child limit together). nullopt: no classic form.
std::optional<std::string> wait_field(const ServiceSpec& spec, bool& max_child_in_type) {
  std::string field = spec.wait_mode == WaitMode::wait ? "wait" : "nowait";
  auto value = [](const std::optional<unsigned>& v) { return v.value_or(0); };
  unsigned rate = value(spec.max_per_minute);
  std::array<unsigned, 3> slashes{value(spec.max_child), value(spec.max_conn_per_ip_per_minute),
                                  value(spec.max_child_per_ip)};
  max_child_in_type = false;
  if (rate != 0) {
    if (slashes[1] != 0 || slashes[2] != 0) return std::nullopt;
    max_child_in_type = slashes[0] != 0;
    return fmt::format("{}.{}", field, rate);
  }
  std::size_t used = slashes.size();
  while (used > 0 && slashes[used - 1] == 0) --used;
  for (std::size_t i = 0; i < used; ++i) field += fmt::format("/{}", slashes[i]);
  return field;
}

// "user[:group][/class]", when the names hold none of the separators.
std::optional<std::string> user_field(const ServiceSpec& spec) {
  std::string field = spec.user;
  if (!classic_word(spec.user, spec.group ? ":/" : ":./")) return std::nullopt;
  if (spec.group) {
    if (!classic_word(*spec.group, "/")) return std::nullopt;
    field += ":" + *spec.group;
  }
  if (spec.login_class) {
    if (!classic_word(*spec.login_class)) return std::nullopt;
    field += "/" + *spec.login_class;
  }
  return field;
}

std::optional<std::string> host_prefix(const ServiceSpec& spec) {
  if (!spec.host || !has_address(spec)) return std::string();
  const std::string& host = *spec.host;
  if (!classic_word(host, ",*[]")) return std::nullopt;
  return host.find(':') != std::string::npos ? "[" + host + "]:" : host + ":";
}

std::string protocol_field(const ServiceSpec& spec) {
  std::string field = spec.protocol;
  if (spec.sndbuf) field += fmt::format(",sndbuf={}", *spec.sndbuf);
  if (spec.rcvbuf) field += fmt::format(",rcvbuf={}", *spec.rcvbuf);
  if (spec.listen_fds) field += ",listen_fds";
  return field;
}

// A key's line in the entry: values after "key =", a long list carried on
// to further lines (a value may not be cut, a line may not pass kMaxLineLength).
void append_key(std::string& out, std::string_view key, const std::vector<std::string>& values) {
  std::string line = fmt::format("\t{} =", key);
  bool first = true;
  for (const std::string& value : values) {
    std::string quoted = quote_value(value);
    if (!first && line.size() + 1 + quoted.size() > 96) {
      out += line + "\n";
      line = "\t\t";
    } else {
      line += ' ';
    }
    line += quoted;
    first = false;
  }
  out += line;
}

bool lines_fit(std::string_view text) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (end - start > kMaxLineLength) return false;
    start = end + 1;
  }
  return true;
}

}  // namespace

std::string quote_value(std::string_view text) {
  if (bare_value(text)) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '\\':
      case '"':
        out += '\\';
        out += c;
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
          out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        else
          out += c;
    }
  }
  return out + "\"";
}

std::string comment_text(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f)
      out += fmt::format("\\x{:02x}", byte);
    else
      out += c;
  }
  return out;
}

std::span<const KeyWriter> key_writers() {
  return kWriters;
}

std::optional<std::string> service_word(const ServiceSpec& spec) {
  if (spec.label.find_first_of(":/[") != std::string::npos) return std::nullopt;
  std::string word = spec.label.empty() ? spec.service : spec.label;
  if (spec.tcpmux) word = fmt::format("tcpmux/{}{}", spec.tcpmux_plus ? "+" : "", spec.service);
  if (spec.rpc) {
    word += fmt::format("/{}", spec.rpc_low_version);
    if (spec.rpc_high_version != spec.rpc_low_version)
      word += fmt::format("-{}", spec.rpc_high_version);
  }
  // A "." begins a directive, not a service; a byte-order mark first would
  // be dropped by the reader when the entry starts a file.
  if (!plain_word(word) || word.starts_with(".") || word.starts_with("\xEF\xBB\xBF"))
    return std::nullopt;
  return word;
}

std::optional<std::string> classic_line(const ServiceSpec& spec) {
  std::vector<std::string> values;
  for (const KeyWriter& row : kWriters)
    if (!row.classic && row.values(spec, values)) return std::nullopt;
  auto word = service_word(spec);
  auto host = host_prefix(spec);
  bool max_child_in_type = false;
  auto wait = wait_field(spec, max_child_in_type);
  auto user = user_field(spec);
  if (!word || !host || !wait || !user) return std::nullopt;
  std::string type = to_string(spec.socket_type);
  if (max_child_in_type) type += fmt::format(",{}", *spec.max_child);
  if (spec.defer_accept) type += ":dataready";
  std::string program = spec.builtin != Builtin::none ? "internal" : spec.program;
  std::string protocol = protocol_field(spec);
  if (!classic_word(program) || !classic_word(protocol)) return std::nullopt;
  std::string line =
      fmt::format("{}{}\t{}\t{}\t{}\t{}\t{}", *host, *word, type, protocol, *wait, *user, program);
  for (const std::string& arg : spec.args) {
    if (!classic_word(arg)) return std::nullopt;
    line += ' ';
    line += arg;
  }
  if (line.size() > kMaxLineLength) return std::nullopt;
  return line + "\n";
}

std::optional<std::string> key_value_entry(const ServiceSpec& spec, bool off,
                                           std::string& problem) {
  auto word = service_word(spec);
  if (!word) {
    problem = fmt::format("the service name \"{}\" cannot be written as a ninetd entry",
                          comment_text(spec.service));
    return std::nullopt;
  }
  // The bind key reads "*" as any address, which a host of that name is not.
  if (spec.host == "*" && has_address(spec)) {
    problem = "the bind address \"*\" cannot be written as a ninetd entry";
    return std::nullopt;
  }
  std::string out = fmt::format("{} {}", *word, off ? "off" : "on");
  const char* separator = "\n";
  for (const KeyWriter& row : kWriters) {
    std::vector<std::string> values;
    if (!row.values(spec, values)) continue;
    out += separator;
    separator = ",\n";
    append_key(out, row.key, values);
  }
  out += ";\n";
  if (!lines_fit(out)) {
    problem = fmt::format("a value is too long for a line of at most {} bytes", kMaxLineLength);
    return std::nullopt;
  }
  return out;
}

WrittenSpec write_spec(const ServiceSpec& spec, bool off) {
  WrittenSpec written;
  if (!off)
    if (auto line = classic_line(spec)) {
      written.text = std::move(*line);
      return written;
    }
  if (auto entry = key_value_entry(spec, off, written.problem)) written.text = std::move(*entry);
  return written;
}

}  // namespace ninetd::config
