// config/key_suggestion: the message for an unknown key, on a table of its
// own, so the rules (within two edits, the first closest row, no guess for a
// long word) are checked apart from the real table's keys.
#include "config/key_suggestion.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace ninetd::config {
namespace {

constexpr std::array<KeyDescription, 3> kTable{{
    {"wait", "yes or no"},
    {"user", "a user"},
    {"exec", "a path"},
}};

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(edit_distance("", ""), 0U);
  EXPECT_EQ(edit_distance("user", "user"), 0U);
  EXPECT_EQ(edit_distance("", "user"), 4U);
  EXPECT_EQ(edit_distance("user", ""), 4U);
  EXPECT_EQ(edit_distance("usr", "user"), 1U);
  EXPECT_EQ(edit_distance("users", "user"), 1U);
  EXPECT_EQ(edit_distance("uxer", "user"), 1U);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3U);
}

TEST(UnknownKeyMessage, NamesTheKeyWithinTwoEdits) {
  EXPECT_EQ(unknown_key_message("wiat", kTable), "unknown key \"wiat\"; did you mean \"wait\"?");
  EXPECT_EQ(unknown_key_message("usr", kTable), "unknown key \"usr\"; did you mean \"user\"?");
}

TEST(UnknownKeyMessage, PointsToTheManualBeyondTwoEdits) {
  EXPECT_EQ(unknown_key_message("colour", kTable),
            "unknown key \"colour\" (ninetd.conf(5), \"Key=value entries\", lists the keys)");
}

TEST(UnknownKeyMessage, NamesTheFirstOfKeysEquallyClose) {
  // "usec" is one edit from both user and exec: the earlier row wins.
  EXPECT_EQ(unknown_key_message("usec", kTable), "unknown key \"usec\"; did you mean \"user\"?");
}

TEST(UnknownKeyMessage, GuessesNothingForAWordOverSixtyFourBytes) {
  std::string long_word(65, 'w');
  EXPECT_EQ(
      unknown_key_message(long_word, std::array<KeyDescription, 1>{{{long_word, ""}}}),
      "unknown key \"" + long_word + "\" (ninetd.conf(5), \"Key=value entries\", lists the keys)");
  std::string at_bound(64, 'w');
  EXPECT_EQ(unknown_key_message(at_bound, std::array<KeyDescription, 1>{{{at_bound, ""}}}),
            "unknown key \"" + at_bound + "\"; did you mean \"" + at_bound + "\"?");
}

TEST(UnknownKeyMessage, AnEmptyTableNamesNoKey) {
  EXPECT_EQ(unknown_key_message("wait", std::span<const KeyDescription>{}),
            "unknown key \"wait\" (ninetd.conf(5), \"Key=value entries\", lists the keys)");
}

}  // namespace
}  // namespace ninetd::config
