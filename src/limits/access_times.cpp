#include "limits/access_times.h"

#include <fmt/format.h>

#include <cctype>

namespace ninetd::limits {
namespace {

// One or two digits, at most `max`, from the front of `text`.
std::optional<unsigned> take_number(std::string_view& text, unsigned max) {
  std::size_t digits = 0;
  unsigned value = 0;
  while (digits < text.size() && digits < 3 &&
         std::isdigit(static_cast<unsigned char>(text[digits])) != 0)
    value = value * 10 + static_cast<unsigned>(text[digits++] - '0');
  if (digits == 0 || digits > 2 || value > max) return std::nullopt;
  text.remove_prefix(digits);
  return value;
}

// "H:MM" at the front of `text`: minutes since midnight.
std::optional<unsigned> take_clock(std::string_view& text) {
  auto hours = take_number(text, 23);
  if (!hours || text.empty() || text.front() != ':') return std::nullopt;
  text.remove_prefix(1);
  auto minutes = take_number(text, 59);
  if (!minutes) return std::nullopt;
  return *hours * 60 + *minutes;
}

}  // namespace

bool parse_access_time(std::string_view text, std::vector<MinuteRange>& ranges,
                       std::string& problem) {
  std::string_view rest = text;
  auto first = take_clock(rest);
  bool dash = first && !rest.empty() && rest.front() == '-';
  if (dash) rest.remove_prefix(1);
  auto last = dash ? take_clock(rest) : std::nullopt;
  if (!last || !rest.empty()) {
    problem = fmt::format(
        "\"{}\" is not a range of the form hour:min-hour:min (hours 0 to 23, minutes 0 to 59)",
        text);
    return false;
  }
  if (*first == *last) {
    problem = fmt::format(
        "\"{}\" starts and ends on the same minute: write 0:00-23:59 for the whole day", text);
    return false;
  }
  auto minute = [](unsigned m) { return static_cast<std::uint16_t>(m); };
  if (*first < *last) {
    ranges.push_back({minute(*first), minute(*last)});
  } else {  // across midnight
    ranges.push_back({minute(*first), minute(kMinutesPerDay - 1)});
    ranges.push_back({0, minute(*last)});
  }
  return true;
}

bool within(std::span<const MinuteRange> ranges, unsigned minute) {
  for (const MinuteRange& range : ranges)
    if (range.first <= minute && minute <= range.last) return true;
  return false;
}

std::string describe(std::span<const MinuteRange> ranges) {
  std::string out;
  for (const MinuteRange& range : ranges) {
    if (!out.empty()) out += ' ';
    out += fmt::format("{:02}:{:02}-{:02}:{:02}", range.first / 60, range.first % 60,
                       range.last / 60, range.last % 60);
  }
  return out;
}

unsigned MinuteOfDay::at(std::int64_t unix_seconds) {
  // Floor division: a clock before 1970 still falls in the right minute.
  std::int64_t utc_minute = unix_seconds / 60 - (unix_seconds % 60 < 0 ? 1 : 0);
  if (utc_minute != utc_minute_) {
    utc_minute_ = utc_minute;
    minute_ = converter_(unix_seconds) % kMinutesPerDay;
    ++conversions_;
  }
  return minute_;
}

}  // namespace ninetd::limits
