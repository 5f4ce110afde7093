// EventLine: one event of a service as one logfmt line, "NAME: event key=value
// ...", the form every per-connection and per-process line takes (ninetd(8),
// LOGGING, has the words and fields). A value that holds a space, a quote, an
// equals sign, a backslash or a byte outside printable ASCII is quoted, with
// the quote and backslash escaped and the other bytes as \xNN: a client's
// bytes can neither end the line, forge a field nor reach a terminal raw.
// Pure.
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "net/socket_address.h"

namespace ninetd::log {

// `value` as a logfmt value, quoted only when it must be.
void append_value(std::string& out, std::string_view value);

class EventLine {
 public:
  // `show_peers` false: peer() writes nothing (--no-peer-addresses).
  EventLine(std::string_view service, std::string_view event, bool show_peers = true);

  EventLine& add(std::string_view key, std::string_view value);
  EventLine& add(std::string_view key, const char* value) {
    return add(key, std::string_view(value));
  }
  template <std::integral T>
  EventLine& add(std::string_view key, T value) {
    if constexpr (std::is_signed_v<T>)
      return add_number(key, static_cast<std::int64_t>(value));
    else
      return add_number(key, static_cast<std::uint64_t>(value));
  }
  // The client: peer=ADDRESS and, when it has one (not a unix peer), port=N;
  // nothing for an empty address or when peers are not shown.
  EventLine& peer(std::string_view address, int port = -1);
  // The same from a socket address: an IPv4-mapped one as IPv4, a unix
  // peer's path without a port.
  EventLine& peer(const net::SocketAddress& address);
  // A field that tells who the client is in other words (a per-source key):
  // written only when peers are shown.
  EventLine& add_peer_field(std::string_view key, std::string_view value);
  // A wait status as waitpid(2) gives it: status=N, or signal=NAME (SEGV, ...)
  // and core=yes when it left one.
  EventLine& exit_status(int wait_status);

  const std::string& text() const { return text_; }
  bool shows_peers() const { return show_peers_; }

 private:
  EventLine& add_number(std::string_view key, std::int64_t value);
  EventLine& add_number(std::string_view key, std::uint64_t value);
  std::string text_;
  bool show_peers_;
};

// The key a repeated event is counted under (log/repeat_limiter.h): the
// service and the event's word and fields that do not name a client.
std::string repeat_key(std::string_view service, std::string_view event);
// "echo/tcp: repeated event=refused reason=access count=12 seconds=10": what
// the limiter held back under `key` (made by repeat_key) in one interval.
std::string repeat_summary_line(std::string_view key, std::uint64_t count, std::int64_t seconds);

}  // namespace ninetd::log
