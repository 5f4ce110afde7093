// ReplyBudget: answers per source per second for UDP builtins.
#include "limits/reply_budget.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>

namespace ninetd::limits {
namespace {

using std::chrono::milliseconds;
using TimePoint = ReplyBudget::TimePoint;

const TimePoint kStart = TimePoint{} + std::chrono::hours(1000);
constexpr std::array<std::uint8_t, 4> kAlice = {192, 0, 2, 1};
constexpr std::array<std::uint8_t, 4> kBob = {192, 0, 2, 2};

TEST(ReplyBudget, AnswersUpToTheBudgetThenNothingUntilTheNextSecond) {
  ReplyBudget budget(3, 42);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(budget.admit(kAlice, kStart + milliseconds(i)));
  EXPECT_FALSE(budget.admit(kAlice, kStart + milliseconds(10)));
  EXPECT_FALSE(budget.admit(kAlice, kStart + milliseconds(999)));
  EXPECT_TRUE(budget.admit(kAlice, kStart + milliseconds(1000)));
}

TEST(ReplyBudget, EachSourceHasItsOwnBudget) {
  ReplyBudget budget(1, 42);
  EXPECT_TRUE(budget.admit(kAlice, kStart));
  EXPECT_TRUE(budget.admit(kBob, kStart));
  EXPECT_FALSE(budget.admit(kAlice, kStart));
  EXPECT_FALSE(budget.admit(kBob, kStart));
}

// Whatever addresses a forger uses, no single one gets more than the budget in
// a second, and the table never grows.
TEST(ReplyBudget, ManySourcesNeverBuyMoreThanTheBudgetForOne) {
  ReplyBudget budget(2, 7);
  int answered_alice = 0;
  for (std::uint32_t i = 0; i < 100000; ++i) {
    std::array<std::uint8_t, 4> other = {10, static_cast<std::uint8_t>(i >> 16),
                                         static_cast<std::uint8_t>(i >> 8),
                                         static_cast<std::uint8_t>(i)};
    budget.admit(other, kStart);
    if (budget.admit(kAlice, kStart)) ++answered_alice;
  }
  EXPECT_LE(answered_alice, 2);
}

TEST(ReplyBudget, IPv6AddressesAreKeyedWhole) {
  ReplyBudget budget(1, 1);
  std::array<std::uint8_t, 16> a{};
  std::array<std::uint8_t, 16> b{};
  a[15] = 1;
  b[15] = 2;
  EXPECT_TRUE(budget.admit(a, kStart));
  EXPECT_FALSE(budget.admit(a, kStart));
  // b may share a's slot (then it waits for the next second) or not; it is
  // never counted as a.
  bool b_now = budget.admit(b, kStart);
  EXPECT_TRUE(budget.admit(b, kStart + milliseconds(1000)) || b_now);
}

}  // namespace
}  // namespace ninetd::limits
