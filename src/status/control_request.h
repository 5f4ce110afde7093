// The control socket's protocol (/run/ninetd/control): the client sends one
// line, the daemon answers and closes. A line is "status", "status SERVICE"
// or "metrics", ended by LF (CR LF taken too). The answer's first line is
// "ok" or "error WHAT"; the text follows. Pure: it judges the bytes received
// so far, so the connection can call it after every read.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ninetd::status {

// Longer than any request; what a local client can make the daemon hold.
inline constexpr std::size_t kControlMaxRequest = 256;

enum class ControlVerb { status, metrics };

struct ControlRequest {
  enum class Verdict { need_more, complete, bad };
  Verdict verdict = Verdict::need_more;
  ControlVerb verb = ControlVerb::status;
  std::string service;  // status SERVICE: the name asked for; empty: every service
  std::string error;    // bad: why, for the "error" line
};

ControlRequest parse_control_request(std::string_view received);

// The request line for a verb (the client's side).
std::string control_request_line(ControlVerb verb, std::string_view service = {});

// Whether `name` is what `asked` names: the whole name ("echo/tcp") or the
// part before its slash ("echo" names echo/tcp, echo/tcp6 and echo/udp).
bool names_service(std::string_view asked, std::string_view name);

}  // namespace ninetd::status
