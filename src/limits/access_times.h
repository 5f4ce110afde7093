// Access times: the minutes of the day when a service serves, as xinetd's
// access_times gives them ("8:00-12:30 14:00-17:00"). Each range holds both
// of its ends (8:00-17:00 serves until 17:00:59), as in xinetd. Where xinetd
// refuses a range whose end is not after its start, ninetd reads one that
// crosses midnight ("22:00-6:00") as running from its start to 23:59 and on
// from 0:00 to its end; a range that starts and ends on the same minute is
// refused, since it could mean one minute or the whole day (the whole day is
// 0:00-23:59). Hours run from 0 to 23 (no 24:00), minutes from 0 to 59, each
// one or two digits. Pure: the daemon passes the local minute of the day in.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ninetd::limits {

inline constexpr unsigned kMinutesPerDay = 24 * 60;

// Minutes since midnight, both ends included, first <= last < kMinutesPerDay.
struct MinuteRange {
  std::uint16_t first = 0;
  std::uint16_t last = 0;
  bool operator==(const MinuteRange&) const = default;
};

// One "H:MM-H:MM" value appended to `ranges` (two ranges when it crosses
// midnight); false with `problem` set for anything else.
bool parse_access_time(std::string_view text, std::vector<MinuteRange>& ranges,
                       std::string& problem);

// Whether `minute` (since midnight) is in one of the ranges. No ranges: never.
bool within(std::span<const MinuteRange> ranges, unsigned minute);

// "08:00-12:30 14:00-17:00", for logs (a range crossing midnight shows as its
// two halves).
std::string describe(std::span<const MinuteRange> ranges);

// The local minute of the day, converted (localtime_r in the daemon, a fake in
// tests) once per minute of the clock, not once per client: every time zone
// in use today is a whole number of minutes from UTC, so the local minute
// changes only when the UTC minute does.
class MinuteOfDay {
 public:
  using Converter = unsigned (*)(std::int64_t unix_seconds);

  explicit MinuteOfDay(Converter converter) : converter_(converter) {}

  unsigned at(std::int64_t unix_seconds);
  unsigned conversions() const { return conversions_; }

 private:
  Converter converter_;
  std::optional<std::int64_t> utc_minute_;
  unsigned minute_ = 0;
  unsigned conversions_ = 0;
};

}  // namespace ninetd::limits
