#include "limits/load_limit.h"

#include <fmt/format.h>

#include <cctype>

namespace ninetd::limits {

std::optional<std::uint32_t> parse_max_load(std::string_view text) {
  std::uint64_t value = 0;
  std::size_t i = 0;
  auto digit = [&](std::size_t at) {
    return at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])) != 0;
  };
  if (!digit(0)) return std::nullopt;
  for (; digit(i); ++i) {
    value = value * 10 + static_cast<unsigned>(text[i] - '0');
    if (value * 100 > kMaxLoadHundredths) return std::nullopt;
  }
  value *= 100;
  if (i < text.size() && text[i] == '.') {
    ++i;
    std::uint64_t scale = 10;
    for (; digit(i); ++i, scale /= 10) {
      if (scale == 0) return std::nullopt;  // a third decimal
      value += scale * static_cast<unsigned>(text[i] - '0');
    }
  }
  if (i != text.size() || value > kMaxLoadHundredths) return std::nullopt;
  return static_cast<std::uint32_t>(value);
}

std::string format_load(std::uint32_t hundredths) {
  return fmt::format("{}.{:02}", hundredths / 100, hundredths % 100);
}

std::optional<std::uint32_t> LoadGauge::hundredths(TimePoint now) {
  if (read_once_ && now < next_read_) return last_;
  read_once_ = true;
  next_read_ = now + kReadEvery;
  ++reads_;
  std::optional<double> load = reader_();
  // Rounded by hand: std::round would link libm into the daemon, whose
  // relocated pages alone cost 8 KB of memory.
  if (!load || !(*load >= 0)) {  // NaN too
    last_.reset();
  } else {
    double scaled = *load * 100 + 0.5;
    last_ = scaled >= 4e9 ? 4'000'000'000U : static_cast<std::uint32_t>(scaled);
  }
  return last_;
}

}  // namespace ninetd::limits
