// The message for a key the table does not have: the table has grown past
// what one line can list, so the closest key is named when a typo is likely,
// the manual otherwise. Pure. The names come as any range, so the table is
// walked where it lies rather than copied into a list of names.
#pragma once

#include <cstddef>
#include <optional>
#include <ranges>
#include <string>
#include <string_view>

namespace ninetd::config {

// Edits (insertions, deletions, substitutions) between two short names.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The first of `names` closest to `key`, if it is within two edits.
template <std::ranges::input_range Names>
std::optional<std::string_view> closest_name(std::string_view key, Names&& names) {
  std::optional<std::string_view> closest;
  // A long word is no typo of a key, and the distance costs its length times
  // each name's.
  if (key.size() > 64) return closest;
  std::size_t best = 3;  // more edits than this is no typo
  for (std::string_view name : names) {
    std::size_t distance = edit_distance(key, name);
    if (distance < best) {
      best = distance;
      closest = name;
    }
  }
  return closest;
}

// "unknown key ...": naming `closest` (closest_name's), the manual without.
std::string unknown_key_message(std::string_view key, std::optional<std::string_view> closest);

}  // namespace ninetd::config
