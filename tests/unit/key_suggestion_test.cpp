// config/key_suggestion: the message for an unknown key, over names of its
// own, so the rules (within two edits, the first closest name, no guess for
// a long word) are checked apart from the real table's keys.
#include "config/key_suggestion.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ninetd::config {
namespace {

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

// The closest of `names` to `key`, offered in order.
std::optional<std::string_view> closest_of(std::string_view key,
                                           const std::vector<std::string_view>& names) {
  ClosestName closest(key);
  for (std::string_view name : names) closest.offer(name);
  return closest.best();
}

const std::vector<std::string_view> kNames{"wait", "user", "exec"};

TEST(ClosestName, IsWithinTwoEdits) {
  EXPECT_EQ(closest_of("wiat", kNames), "wait");
  EXPECT_EQ(closest_of("usr", kNames), "user");
  EXPECT_EQ(closest_of("execute", kNames), std::nullopt);  // three edits
  EXPECT_EQ(closest_of("colour", kNames), std::nullopt);
}

TEST(ClosestName, IsTheFirstOfNamesEquallyClose) {
  // "usec" is one edit from both user and exec: the earlier name wins.
  EXPECT_EQ(closest_of("usec", kNames), "user");
}

TEST(ClosestName, IsNoneForAWordOverSixtyFourBytes) {
  std::string at_bound(64, 'w');
  std::string over(65, 'w');
  EXPECT_EQ(closest_of(at_bound, {at_bound}), at_bound);
  EXPECT_EQ(closest_of(over, {over}), std::nullopt);
}

TEST(ClosestName, IsNoneAmongNoNames) {
  EXPECT_EQ(closest_of("wait", {}), std::nullopt);
}

TEST(UnknownKeyMessage, NamesTheClosestKeyOrTheManual) {
  EXPECT_EQ(unknown_key_message("wiat", "wait"), "unknown key \"wiat\"; did you mean \"wait\"?");
  EXPECT_EQ(unknown_key_message("colour", std::nullopt),
            "unknown key \"colour\" (ninetd.conf(5), \"Key=value entries\", lists the keys)");
}

}  // namespace
}  // namespace ninetd::config
