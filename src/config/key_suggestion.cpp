#include "config/key_suggestion.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace ninetd::config {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

void ClosestName::offer(std::string_view name) {
  // A long word is no typo of a key, and the distance costs its length times
  // each name's.
  if (key_.size() > 64) return;
  std::size_t distance = edit_distance(key_, name);
  if (distance < distance_) {
    distance_ = distance;
    best_ = name;
  }
}

std::string unknown_key_message(std::string_view key, std::optional<std::string_view> closest) {
  if (closest) return fmt::format("unknown key \"{}\"; did you mean \"{}\"?", key, *closest);
  return fmt::format("unknown key \"{}\" (ninetd.conf(5), \"Key=value entries\", lists the keys)",
                     key);
}

}  // namespace ninetd::config
