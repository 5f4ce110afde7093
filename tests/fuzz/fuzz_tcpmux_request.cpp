// libFuzzer target for the tcpmux request line: any bytes in, a verdict out
// that agrees with the bytes, and the same verdict however the bytes were cut
// into reads (the session judges what it has after every read).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "builtins/tcpmux_request.h"

namespace {

using ninetd::builtins::kTcpmuxMaxRequest;
using ninetd::builtins::parse_tcpmux_request;
using ninetd::builtins::TcpmuxRequest;
using ninetd::builtins::TcpmuxVerdict;

bool printable(char c) {
  return c >= 0x20 && c <= 0x7e;
}

void check_complete(std::string_view bytes, const TcpmuxRequest& r) {
  if (r.consumed == 0 || r.consumed > bytes.size() || r.consumed > kTcpmuxMaxRequest)
    __builtin_trap();
  if (bytes[r.consumed - 1] != '\n') __builtin_trap();
  // The name is the start of the line, the line end (LF or CR LF) all that is cut.
  if (r.name.data() != bytes.data()) __builtin_trap();
  std::size_t line_end = r.consumed - r.name.size();
  if (line_end != 1 && !(line_end == 2 && bytes[r.consumed - 2] == '\r')) __builtin_trap();
  for (char c : r.name)
    if (!printable(c)) __builtin_trap();
  // The line alone says the same.
  TcpmuxRequest alone = parse_tcpmux_request(bytes.substr(0, r.consumed));
  if (alone.verdict != TcpmuxVerdict::complete || alone.consumed != r.consumed) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  TcpmuxRequest r = parse_tcpmux_request(bytes);
  switch (r.verdict) {
    case TcpmuxVerdict::complete:
      check_complete(bytes, r);
      break;
    case TcpmuxVerdict::need_more:
      // Nothing wrong yet, and still room for a line end.
      if (size >= kTcpmuxMaxRequest) __builtin_trap();
      for (std::size_t i = 0; i < size; ++i)
        if (!printable(bytes[i]) && !(bytes[i] == '\r' && i + 1 == size)) __builtin_trap();
      break;
    case TcpmuxVerdict::too_long:
      if (size < kTcpmuxMaxRequest) __builtin_trap();
      break;
    case TcpmuxVerdict::bad_byte:
      break;
  }
  // Every shorter prefix is still undecided or decided the same way: no read
  // boundary can change the verdict.
  for (std::size_t n = 0; n < size && n <= kTcpmuxMaxRequest; ++n) {
    TcpmuxVerdict early = parse_tcpmux_request(bytes.substr(0, n)).verdict;
    if (early != TcpmuxVerdict::need_more && early != r.verdict) __builtin_trap();
  }
  return 0;
}
