// The message for a key the table does not have: the table has grown past
// what one line can list, so the closest key is named when a typo is likely,
// the manual otherwise. Pure.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "config/key_values.h"

namespace ninetd::config {

// Edits (insertions, deletions, substitutions) between two short names.
std::size_t edit_distance(std::string_view a, std::string_view b);

// "unknown key ..." for `key`, naming the first of `keys` closest to it
// when it is within two edits.
std::string unknown_key_message(std::string_view key, std::span<const KeyDescription> keys);

}  // namespace ninetd::config
