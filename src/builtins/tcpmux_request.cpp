#include "builtins/tcpmux_request.h"

namespace ninetd::builtins {
namespace {

bool printable(char c) {
  return c >= 0x20 && c <= 0x7e;
}

}  // namespace

TcpmuxRequest parse_tcpmux_request(std::string_view received) {
  TcpmuxRequest request;
  // Only the first kTcpmuxMaxRequest bytes can hold the line end.
  std::size_t limit = received.size() < kTcpmuxMaxRequest ? received.size() : kTcpmuxMaxRequest;
  for (std::size_t i = 0; i < limit; ++i) {
    char c = received[i];
    if (c == '\n') {
      std::size_t end = i > 0 && received[i - 1] == '\r' ? i - 1 : i;
      request.verdict = TcpmuxVerdict::complete;
      request.name = received.substr(0, end);
      request.consumed = i + 1;
      return request;
    }
    if (c == '\r') {
      // A CR is the line end's first half only when an LF follows it; if that
      // LF has not arrived yet, the next read decides.
      if (i + 1 == limit) break;
      if (received[i + 1] == '\n') continue;
    }
    if (!printable(c)) {
      request.verdict = TcpmuxVerdict::bad_byte;
      return request;
    }
  }
  request.verdict =
      received.size() >= kTcpmuxMaxRequest ? TcpmuxVerdict::too_long : TcpmuxVerdict::need_more;
  return request;
}

}  // namespace ninetd::builtins
