// ReplyBudget: how many answers a UDP builtin may send to one source address
// per second. A datagram's source can be forged, so without a budget echo,
// chargen and daytime reflect (and chargen and daytime amplify) traffic at
// whoever the forger names. Pure: the caller passes the time and the address.
//
// A fixed table of slots picked by a keyed hash: the memory is fixed, and a
// source that lands on a slot another source used this second gets no answer
// (it is never given a fresh count by evicting the other), so no choice of
// addresses buys more than the budget for any one of them.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>

namespace ninetd::limits {

class ReplyBudget {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  static constexpr std::size_t kSlots = 1024;
  static constexpr std::size_t kMaxKey = 16;  // an IPv6 address

  // `seed` keys the hash (random in the daemon, so collisions cannot be aimed).
  ReplyBudget(unsigned replies_per_second, std::uint64_t seed)
      : per_second_(replies_per_second), seed_(seed) {}

  // True when one more answer to `source` (its address bytes, at most kMaxKey)
  // fits in this second's budget; counts it.
  bool admit(std::span<const std::uint8_t> source, TimePoint now);

 private:
  struct Slot {
    std::array<std::uint8_t, kMaxKey> key{};
    std::uint8_t key_length = 0;
    std::int64_t second = -1;
    unsigned count = 0;
  };
  std::uint64_t hash(std::span<const std::uint8_t> source) const;

  unsigned per_second_;
  std::uint64_t seed_;
  std::unique_ptr<std::array<Slot, kSlots>> slots_;  // made at the first answer
};

}  // namespace ninetd::limits
