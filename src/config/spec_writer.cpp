#include "config/spec_writer.h"

#include <fmt/format.h>

#include <array>
#include <iterator>

#include "config/lexer.h"
#include "config/log_settings.h"
#include "config/value_words.h"
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
  if (!spec.host || !written::has_address(spec)) return std::string();
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
  for (const KeyWriter& row : key_writers())
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
  if (spec.host == "*" && written::has_address(spec)) {
    problem = "the bind address \"*\" cannot be written as a ninetd entry";
    return std::nullopt;
  }
  std::string out = fmt::format("{} {}", *word, off ? "off" : "on");
  const char* separator = "\n";
  for (const KeyWriter& row : key_writers()) {
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
