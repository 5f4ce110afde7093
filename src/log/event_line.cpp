#include "log/event_line.h"

#include <fmt/format.h>
#include <string.h>
#include <sys/wait.h>

#include <iterator>

#include "log/escape.h"

namespace ninetd::log {
namespace {

// Between the service and the event in a repeat key: no service name holds
// it (names come from configuration lines, where it is no word character).
constexpr char kKeySeparator = '\x1f';

bool plain(unsigned char byte) {
  return byte > 0x20 && byte < 0x7f && byte != '"' && byte != '=' && byte != '\\';
}

bool needs_quotes(std::string_view value) {
  if (value.empty()) return true;
  for (char c : value)
    if (!plain(static_cast<unsigned char>(c))) return true;
  return false;
}

}  // namespace

void append_value(std::string& out, std::string_view value) {
  if (!needs_quotes(value)) {
    out += value;
    return;
  }
  out += '"';
  append_escaped(out, value, /*quote=*/true);
  out += '"';
}

EventLine::EventLine(std::string_view service, std::string_view event, bool show_peers)
    : show_peers_(show_peers) {
  text_.reserve(service.size() + event.size() + 64);
  text_ += service;
  text_ += ": ";
  text_ += event;
}

EventLine& EventLine::add(std::string_view key, std::string_view value) {
  text_ += ' ';
  text_ += key;
  text_ += '=';
  append_value(text_, value);
  return *this;
}

EventLine& EventLine::add_number(std::string_view key, std::int64_t value) {
  fmt::format_to(std::back_inserter(text_), " {}={}", key, value);
  return *this;
}

EventLine& EventLine::add_number(std::string_view key, std::uint64_t value) {
  fmt::format_to(std::back_inserter(text_), " {}={}", key, value);
  return *this;
}

EventLine& EventLine::peer(std::string_view address, int port) {
  if (!show_peers_ || address.empty()) return *this;
  add("peer", address);
  if (port >= 0) add("port", port);
  return *this;
}

EventLine& EventLine::peer(const net::SocketAddress& address) {
  if (!show_peers_) return *this;
  net::SocketAddress plain_address = address.unmapped();
  bool has_port = plain_address.family() == AF_INET || plain_address.family() == AF_INET6;
  return peer(plain_address.ip(), has_port ? plain_address.port() : -1);
}

EventLine& EventLine::add_peer_field(std::string_view key, std::string_view value) {
  if (show_peers_) add(key, value);
  return *this;
}

EventLine& EventLine::exit_status(int wait_status) {
  if (!WIFSIGNALED(wait_status)) return add("status", WEXITSTATUS(wait_status));
  int signal = WTERMSIG(wait_status);
  // sigabbrev_np is a table lookup; realtime signals have no name there.
  if (const char* name = sigabbrev_np(signal))
    add("signal", name);
  else
    add("signal", signal);
  if (WCOREDUMP(wait_status)) add("core", "yes");
  return *this;
}

std::string repeat_key(std::string_view service, std::string_view event) {
  std::string key;
  key.reserve(service.size() + 1 + event.size());
  key += service;
  key += kKeySeparator;
  key += event;
  return key;
}

std::string repeat_summary_line(std::string_view key, std::uint64_t count, std::int64_t seconds) {
  std::size_t separator = key.find(kKeySeparator);
  std::string_view service = key.substr(0, separator);
  std::string_view event = separator == std::string_view::npos ? "" : key.substr(separator + 1);
  EventLine line(service, "repeated");
  // The event's own word and fields, as the lines it stands for wrote them.
  if (!event.empty()) line.add("event", event.substr(0, event.find(' ')));
  std::size_t fields = event.find(' ');
  std::string text = line.text();
  if (fields != std::string_view::npos) text += event.substr(fields);
  return fmt::format("{} count={} seconds={}", text, count, seconds);
}

}  // namespace ninetd::log
