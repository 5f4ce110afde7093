// config/key_suggestion: the message for an unknown key, over names of its
// own, so the rules (within two edits, the first closest name, no guess for
// a long word) are checked apart from the real table's keys.
#include "config/key_suggestion.h"

#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ninetd::config {
namespace {

constexpr std::array<std::string_view, 3> kNames{"wait", "user", "exec"};

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

TEST(ClosestName, IsWithinTwoEdits) {
  EXPECT_EQ(closest_name("wiat", kNames), "wait");
  EXPECT_EQ(closest_name("usr", kNames), "user");
  EXPECT_EQ(closest_name("execute", kNames), std::nullopt);  // three edits
  EXPECT_EQ(closest_name("colour", kNames), std::nullopt);
}

TEST(ClosestName, IsTheFirstOfNamesEquallyClose) {
  // "usec" is one edit from both user and exec: the earlier name wins.
  EXPECT_EQ(closest_name("usec", kNames), "user");
}

TEST(ClosestName, IsNoneForAWordOverSixtyFourBytes) {
  std::string at_bound(64, 'w');
  std::string over(65, 'w');
  EXPECT_EQ(closest_name(at_bound, std::vector<std::string_view>{at_bound}), at_bound);
  EXPECT_EQ(closest_name(over, std::vector<std::string_view>{over}), std::nullopt);
}

TEST(ClosestName, IsNoneAmongNoNames) {
  EXPECT_EQ(closest_name("wait", std::vector<std::string_view>{}), std::nullopt);
}

TEST(UnknownKeyMessage, NamesTheClosestKeyOrTheManual) {
  EXPECT_EQ(unknown_key_message("wiat", "wait"), "unknown key \"wiat\"; did you mean \"wait\"?");
  EXPECT_EQ(unknown_key_message("colour", std::nullopt),
            "unknown key \"colour\" (ninetd.conf(5), \"Key=value entries\", lists the keys)");
}

}  // namespace
}  // namespace ninetd::config
