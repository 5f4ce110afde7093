// deny_time: how long a client that touched a sensor (xinetd's SENSOR flag,
// ninetd's builtin "sensor") is refused by every service. Its words are
// xinetd's: a number of minutes, FOREVER, or NEVER (the sensor only logs).
// Pure.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ninetd::config {

struct DenyTime {
  enum class Kind { never, minutes, forever };
  Kind kind = Kind::never;
  std::chrono::minutes length{0};  // for Kind::minutes
};

// The most minutes a deny_time may be (a year): more is FOREVER.
inline constexpr long kMaxDenyMinutes = 525600;

// std::nullopt: not a deny_time (the caller says what is expected).
std::optional<DenyTime> parse_deny_time(std::string_view text);
// "120 minutes", "ever", "no time": for the log line.
std::string describe(const DenyTime& time);

}  // namespace ninetd::config
