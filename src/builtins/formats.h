// The bytes the builtin services send (RFC 862-868), as pure functions so the
// formats are unit-tested without sockets or clocks.
#pragma once

#include <array>
#include <cstdint>
#include <ctime>
#include <string>

namespace ninetd::builtins {

// RFC 864: lines of 72 printable characters (the 95 from ' ' to '~' as a ring),
// each starting one character further along, ended by CR LF.
inline constexpr std::size_t kChargenLineLength = 74;
void chargen_line(std::uint64_t line_number, char* out);  // writes kChargenLineLength bytes

// RFC 867 leaves the format open; this is BSD inetd's: ctime's 24 characters, CR LF.
std::string daytime_text(std::time_t now);

// RFC 868: seconds since 1900-01-01 00:00 UTC, 32 bits big-endian (wraps in 2036).
std::array<std::uint8_t, 4> time_bytes(std::time_t now);

}  // namespace ninetd::builtins
