#include "limits/reply_budget.h"

#include <algorithm>

namespace ninetd::limits {

std::uint64_t ReplyBudget::hash(std::span<const std::uint8_t> source) const {
  // FNV-1a over the seed and the bytes, then a final mix so that the slot
  // index depends on every bit.
  std::uint64_t h = 0xcbf29ce484222325ULL ^ seed_;
  for (std::uint8_t byte : source) {
    h ^= byte;
    h *= 0x100000001b3ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

bool ReplyBudget::admit(std::span<const std::uint8_t> source, TimePoint now) {
  if (source.size() > kMaxKey) source = source.first(kMaxKey);
  if (!slots_) slots_ = std::make_unique<std::array<Slot, kSlots>>();
  Slot& slot = (*slots_)[hash(source) % kSlots];
  std::int64_t second =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  bool same_source = slot.key_length == source.size() &&
                     std::equal(source.begin(), source.end(), slot.key.begin());
  if (slot.second != second) {
    slot.second = second;
    slot.count = 0;
    slot.key_length = static_cast<std::uint8_t>(source.size());
    std::copy(source.begin(), source.end(), slot.key.begin());
  } else if (!same_source) {
    return false;
  }
  if (slot.count >= per_second_) return false;
  ++slot.count;
  return true;
}

}  // namespace ninetd::limits
