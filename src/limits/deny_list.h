// DenyList: xinetd's global no_access list, which its SENSOR services feed:
// a client that touches a sensor is refused by every service for the
// sensor's deny_time (minutes, or for ever). Keys are client addresses as
// text; nothing here knows sockets. Pure: the caller passes the time.
//
// Bounded: a sensor on UDP can be fed spoofed sources at line rate, so past
// `max_entries` a new address is not added (as xinetd: "Maximum
// global_no_access count reached"); addresses already listed stay refused.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace ninetd::limits {

class DenyList {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  enum class Added {
    added,      // a new address, refused from now on
    extended,   // listed already; its time now ends later
    unchanged,  // listed already until later (or for ever)
    full,       // not listed: the list holds max_entries addresses
  };
  static constexpr std::size_t kDefaultMaxEntries = 10240;  // xinetd's MAX_GLOBAL_NO_ACCESS

  explicit DenyList(std::size_t max_entries = kDefaultMaxEntries) : max_entries_(max_entries) {}

  // Lists `address` for `how_long` from `now`; std::nullopt: for ever.
  Added add(const std::string& address, std::optional<std::chrono::minutes> how_long,
            TimePoint now);
  // Whether `address` is refused at `now` (an entry whose time is over is not).
  bool denies(const std::string& address, TimePoint now) const;
  // Forgets the entries whose time is over; returns how many.
  std::size_t expire(TimePoint now);
  // When the next entry's time ends, if any entry has an end.
  std::optional<TimePoint> next_expiry() const;

  // What `ninetd --status` shows: the addresses refused at `now`, in address
  // order, at most `limit` of them, and how many there are in all.
  struct Entry {
    std::string address;
    std::optional<std::chrono::seconds> remaining;  // std::nullopt: for ever
  };
  struct Listing {
    std::size_t count = 0;
    std::vector<Entry> first;
  };
  Listing listing(TimePoint now, std::size_t limit) const;
  std::size_t size() const { return until_.size(); }
  std::size_t max_entries() const { return max_entries_; }

 private:
  static constexpr TimePoint kForever = TimePoint::max();
  std::size_t max_entries_;
  std::unordered_map<std::string, TimePoint> until_;  // refused until then (kForever: always)
  // No entry ends before this: a full list is swept only when something in it
  // may be over, so a flood at a full list costs a comparison per address.
  TimePoint earliest_ = kForever;
};

}  // namespace ninetd::limits
