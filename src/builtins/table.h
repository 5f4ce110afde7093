// The builtin services, one row each, as FreeBSD's biltins[] holds them: the
// name, which socket types have it, how a stream connection is served and what
// a datagram gets back. Everything else (parser checks, TCP_DEFER_ACCEPT on the
// listener, the supervisor's choice between an answer at accept and a session,
// the session's behaviour) is read from the row, so a new builtin is a new
// enum value in config::Builtin, one row in table.cpp and its handler.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "config/service_spec.h"

namespace ninetd::builtins {

// How a stream connection is served.
enum class StreamStyle : std::uint8_t {
  answer,   // one answer written at accept, then the connection closes
  session,  // a state machine in the loop until the client goes (session.h)
  request,  // a session that reads one request line and hands the connection on (tcpmux)
};

// What a session does with the client's bytes.
enum class ClientInput : std::uint8_t {
  echo,          // written back, read only once the last of it is written
  drop,          // read and thrown away
  request_line,  // peeked up to CR LF, then the owner takes the connection
  http_request,  // read up to the end of an HTTP head, then answered with the owner's metrics
};

// Room enough for any answer a handler writes into its scratch.
inline constexpr std::size_t kAnswerScratch = 128;

// The answer to one request: a datagram's payload, or nothing for a stream
// connection. Returns the bytes to send: a part of `scratch`, or of `request`
// itself (echo: an empty datagram gets an empty one back).
using Answer = std::span<const char> (*)(std::span<const char> request,
                                         std::span<char, kAnswerScratch> scratch);

// Fills `out` with the next part of an endless output, `position` on from
// where the last call stopped; returns the bytes written.
using Generator = std::size_t (*)(std::uint64_t& position, std::span<char> out);

struct BuiltinRow {
  config::Builtin id;
  std::string_view name;
  StreamStyle stream;
  ClientInput input;         // sessions: what the client's bytes are for
  bool client_speaks_first;  // the listener waits for its first bytes (TCP_DEFER_ACCEPT)
  Generator generate;        // sessions that write without being asked; null: none
  Answer answer;             // answer style and datagrams; null: never answers
  bool datagram;             // has a dgram form

  // A session stays in the loop after its accept and counts against the
  // daemon's bound on sessions.
  bool holds_session() const { return stream != StreamStyle::answer; }
};

// The row of a builtin; `id` is not config::Builtin::none.
const BuiltinRow& row(config::Builtin id);
// The row named `name`, or null.
const BuiltinRow* find(std::string_view name);
// "echo, discard, ... or tcpmux": the names, for error messages.
std::string names_for_humans();

}  // namespace ninetd::builtins
