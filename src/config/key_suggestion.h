// The message for a key the table does not have: the table has grown past
// what one line can list, so the closest key is named when a typo is likely,
// the manual otherwise. Pure. The names are offered one at a time, so the
// table is walked where it lies rather than copied into a list of names.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ninetd::config {

// Edits (insertions, deletions, substitutions) between two short names.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The closest to `key` of the names offered, if it is within two edits; the
// first offered of names equally close.
class ClosestName {
 public:
  explicit ClosestName(std::string_view key) : key_(key) {}
  void offer(std::string_view name);
  std::optional<std::string_view> best() const { return best_; }

 private:
  std::string_view key_;
  std::optional<std::string_view> best_;
  std::size_t distance_ = 3;  // more edits than this is no typo
};

// "unknown key ...": naming `closest`, the manual without.
std::string unknown_key_message(std::string_view key, std::optional<std::string_view> closest);

}  // namespace ninetd::config
