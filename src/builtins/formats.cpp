#include "builtins/formats.h"

#include <cstring>

namespace ninetd::builtins {
namespace {

constexpr std::size_t kRingSize = 95;  // ' ' (0x20) to '~' (0x7e)
constexpr std::size_t kCharsPerLine = 72;
constexpr std::uint64_t kSecondsFrom1900To1970 = 2208988800ULL;

}  // namespace

void chargen_line(std::uint64_t line_number, char* out) {
  std::size_t start = static_cast<std::size_t>(line_number % kRingSize);
  for (std::size_t i = 0; i < kCharsPerLine; ++i)
    out[i] = static_cast<char>(' ' + (start + i) % kRingSize);
  out[kCharsPerLine] = '\r';
  out[kCharsPerLine + 1] = '\n';
}

std::string daytime_text(std::time_t now) {
  std::tm local{};
  localtime_r(&now, &local);
  char buffer[64];
  std::size_t n = std::strftime(buffer, sizeof(buffer), "%a %b %e %H:%M:%S %Y\r\n", &local);
  return std::string(buffer, n);
}

std::array<std::uint8_t, 4> time_bytes(std::time_t now) {
  auto value = static_cast<std::uint32_t>(static_cast<std::uint64_t>(now) + kSecondsFrom1900To1970);
  return {static_cast<std::uint8_t>(value >> 24), static_cast<std::uint8_t>(value >> 16),
          static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value)};
}

}  // namespace ninetd::builtins
