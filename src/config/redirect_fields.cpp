// The redirect setting of FieldParser (fields.h): xinetd's `redirect = HOST
// PORT`, also ninetd's key=value `redirect`. Only the form is checked here;
// the loader resolves a host name and a port name once per load, never per
// connection.
#include <fmt/format.h>

#include <algorithm>

#include "config/fields.h"

namespace ninetd::config {
namespace {

// Host names (RFC 1123 letters, digits, '-', '.'; '_' as resolvers accept
// it) and IPv4 or IPv6 literals (hex digits, ':', '.', and '%' for a scope).
bool host_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == ':' || c == '%';
}

// /etc/services names: letters, digits, '-', '_', '.', '+', '/' excluded.
bool service_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '+';
}

}  // namespace

void FieldParser::set_redirect(const Word& host, const Word& port) {
  std::string_view text = host.text;
  // "[::1]", as addresses with a port are often written, is "::1".
  if (text.size() > 2 && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() > 253 || !std::all_of(text.begin(), text.end(), host_byte)) {
    error(host, 0, fmt::format("redirect: \"{}\" is not a host name or an IP address", host.text));
    return;
  }
  const std::string& p = port.text;
  bool digits =
      !p.empty() && std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits ? !parse_number(p, 65535) || parse_number(p, 65535) == 0
             : p.empty() || p.size() > 64 || !std::all_of(p.begin(), p.end(), service_byte)) {
    error(port, 0,
          fmt::format("redirect: the port must be a number from 1 to 65535 or a service name, "
                      "got \"{}\"",
                      p));
    return;
  }
  spec_.redirect = ServiceSpec::Redirect{std::string(text), p, {host.line, host.column}};
}

void FieldParser::check_redirect(const Word& type_word, const Word& protocol_word,
                                 const Word& wait_word) {
  if (spec_.socket_type != SocketType::stream)
    error(type_word, 0, "redirect needs socket type stream: it forwards TCP connections");
  else if (spec_.transport != Transport::tcp || spec_.rpc)
    error(protocol_word, 0,
          fmt::format("redirect needs protocol tcp, tcp4, tcp6 or tcp46, not \"{}\"",
                      spec_.protocol));
  if (spec_.wait_mode == WaitMode::wait)
    error(wait_word, 0,
          "redirect needs \"nowait\": the daemon accepts each connection and forwards it");
  if (spec_.tcpmux)
    error(protocol_word, 0, "a tcpmux/ service cannot redirect: it has no socket of its own");
  if (spec_.builtin != Builtin::none || !spec_.program.empty())
    error(Word{"", spec_.redirect->place.line, spec_.redirect->place.column}, 0,
          "redirect serves the connection itself: give no server program and no \"internal\"");
}

}  // namespace ninetd::config
