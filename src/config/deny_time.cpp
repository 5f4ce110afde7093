#include "config/deny_time.h"

#include <fmt/format.h>

#include <charconv>

namespace ninetd::config {

std::optional<DenyTime> parse_deny_time(std::string_view text) {
  if (text == "FOREVER") return DenyTime{DenyTime::Kind::forever, {}};
  if (text == "NEVER") return DenyTime{};
  long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || text.empty() || value < 0 ||
      value > kMaxDenyMinutes)
    return std::nullopt;
  // xinetd: 0 "simply logs it", as NEVER.
  if (value == 0) return DenyTime{};
  return DenyTime{DenyTime::Kind::minutes, std::chrono::minutes(value)};
}

std::string describe(const DenyTime& time) {
  switch (time.kind) {
    case DenyTime::Kind::never:
      return "no time";
    case DenyTime::Kind::forever:
      return "ever";
    case DenyTime::Kind::minutes:
      return fmt::format("{} minutes", time.length.count());
  }
  return "?";
}

}  // namespace ninetd::config
