// Escaping for bytes that reach a log line from outside the daemon (a client's
// tcpmux request, a path): printable ASCII stays as it is, a backslash is
// doubled, anything else becomes \xNN. A client can then neither end the
// line and forge another, nor send terminal control sequences to whoever
// reads the log. Pure.
#pragma once

#include <string>
#include <string_view>

namespace ninetd::log {

std::string escaped(std::string_view bytes);
// The same written onto `out`; with `quote`, a '"' is escaped too (a quoted
// logfmt value, log/event_line.h).
void append_escaped(std::string& out, std::string_view bytes, bool quote = false);

}  // namespace ninetd::log
