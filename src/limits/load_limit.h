// max_load: the one-minute load average at or above which a service refuses
// its clients, as xinetd's max_load. Kept in hundredths, the precision the
// kernel gives (/proc/loadavg), so a limit and a reading compare exactly.
// LoadGauge asks its reader (getloadavg in the daemon, a fake in tests) at
// most once a second, however many clients arrive. Pure: the caller passes
// the time and the reader.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ninetd::limits {

// The largest max_load a configuration may give: 10000.00.
inline constexpr std::uint32_t kMaxLoadHundredths = 1'000'000;

// "2", "2.5", "0.75": digits, then at most two decimals; no sign, no exponent.
std::optional<std::uint32_t> parse_max_load(std::string_view text);
// "2.50".
std::string format_load(std::uint32_t hundredths);

class LoadGauge {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  // The one-minute load average, nullopt when it cannot be read.
  using Reader = std::optional<double> (*)();
  static constexpr std::chrono::seconds kReadEvery{1};

  explicit LoadGauge(Reader reader) : reader_(reader) {}

  // The load in hundredths as last read, read again when a second has passed
  // since; nullopt while it cannot be read.
  std::optional<std::uint32_t> hundredths(TimePoint now);
  unsigned reads() const { return reads_; }

 private:
  Reader reader_;
  TimePoint next_read_{};
  bool read_once_ = false;
  std::optional<std::uint32_t> last_;
  unsigned reads_ = 0;
};

}  // namespace ninetd::limits
