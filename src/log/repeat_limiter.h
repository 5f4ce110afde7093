// RepeatLimiter: keeps an event that repeats (a refused client, a failing
// launch, EMFILE) from flooding the log. Per key, the first `burst` events of
// an interval are logged; the rest are counted and reported as one summary
// line once the interval is over. Keys name a service and an event, never a
// client (the table stays as small as the configuration). Pure: the caller
// passes the time.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ninetd::log {

class RepeatLimiter {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  struct Summary {
    std::string key;
    std::uint64_t suppressed;
  };

  RepeatLimiter(unsigned burst, std::chrono::seconds interval)
      : burst_(burst), interval_(interval) {}

  // True: log this one now. False: it was counted for a later summary.
  bool allow(std::string_view key, TimePoint now);
  // The counts of intervals that have ended by `now` (each reported once);
  // keys with nothing to report are forgotten.
  std::vector<Summary> take_summaries(TimePoint now);
  // When take_summaries will next have something to report, if anything waits.
  bool has_suppressed() const { return suppressed_keys_ > 0; }
  std::chrono::seconds interval() const { return interval_; }

 private:
  struct Entry {
    TimePoint started;
    unsigned logged = 0;
    std::uint64_t suppressed = 0;
  };
  unsigned burst_;
  std::chrono::seconds interval_;
  std::unordered_map<std::string, Entry> entries_;
  std::size_t suppressed_keys_ = 0;
};

}  // namespace ninetd::log
