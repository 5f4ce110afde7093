// The tcpmux request line (RFC 1078): the client names the service it wants,
// ends the name with CR LF, and everything after that belongs to the server.
// Pure: it judges the bytes received so far, so the session can call it after
// every read and the fuzzer can feed it anything.
#pragma once

#include <cstddef>
#include <string_view>

namespace ninetd::builtins {

// The longest request line, its line end included. A name is a service name
// from inetd.conf; 256 bytes is far more than any, and the cap keeps what a
// silent or hostile client can make the daemon hold small.
inline constexpr std::size_t kTcpmuxMaxRequest = 256;

enum class TcpmuxVerdict {
  need_more,  // no line end yet, and nothing wrong so far
  complete,   // a whole line: name and consumed are set
  too_long,   // no line end within kTcpmuxMaxRequest bytes
  bad_byte,   // a byte no service name has (see below), before the line end
};

struct TcpmuxRequest {
  TcpmuxVerdict verdict = TcpmuxVerdict::need_more;
  // complete: the name without its line end; it points into the bytes given.
  std::string_view name;
  // complete: the bytes of the request line, line end included; those after it
  // are the server's to read.
  std::size_t consumed = 0;
};

// The line ends at the first LF; one CR right before it is part of the line
// end (RFC 1078 asks for CR LF, a bare LF is taken too). The name may hold
// printable ASCII only (0x20-0x7e): RFC 1078 names are ASCII text, and a
// control byte (NUL, a CR not followed by LF, escape sequences) or a byte above
// 0x7e could only reach the logs, where it does harm, never name a service.
// The verdict is the first that applies in the order of the bytes: a bad byte
// is refused at once, without waiting for the line end. An empty name is
// complete: answering it is the caller's business, as for any unknown name.
TcpmuxRequest parse_tcpmux_request(std::string_view received);

}  // namespace ninetd::builtins
