// PerSource: per-client limits of one service (children at once, and
// connections per minute), keyed by the source address text.
#include "limits/per_source.h"

#include <gtest/gtest.h>

#include <string>

namespace ninetd::limits {
namespace {

using std::chrono::seconds;
using Verdict = PerSource::Verdict;
using TimePoint = PerSource::TimePoint;

const TimePoint kStart = TimePoint{} + std::chrono::hours(1000);
const std::string kAlice = "192.0.2.1";
const std::string kBob = "2001:db8::2";

TEST(PerSource, DisabledWhenBothLimitsAreZero) {
  PerSource limits(0, 0);
  EXPECT_FALSE(limits.enabled());
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(limits.admit(kAlice, kStart), Verdict::admit);
  EXPECT_EQ(limits.tracked_sources(), 0u);
}

TEST(PerSource, EnabledByEitherLimit) {
  EXPECT_TRUE(PerSource(1, 0).enabled());
  EXPECT_TRUE(PerSource(0, 1).enabled());
}

TEST(PerSource, AdmitsUpToMaxChildrenFromOneSource) {
  PerSource limits(2, 0);
  EXPECT_EQ(limits.admit(kAlice, kStart), Verdict::admit);
  EXPECT_EQ(limits.admit(kAlice, kStart), Verdict::admit);
  EXPECT_EQ(limits.children_of(kAlice), 2u);
  EXPECT_EQ(limits.admit(kAlice, kStart), Verdict::too_many_children);
  EXPECT_EQ(limits.children_of(kAlice), 2u);
}

TEST(PerSource, ReleaseMakesRoomForAnotherChild) {
  PerSource limits(1, 0);
  ASSERT_EQ(limits.admit(kAlice, kStart), Verdict::admit);
  ASSERT_EQ(limits.admit(kAlice, kStart), Verdict::too_many_children);
  limits.release(kAlice);
  EXPECT_EQ(limits.children_of(kAlice), 0u);
  EXPECT_EQ(limits.admit(kAlice, kStart), Verdict::admit);
}

TEST(PerSource, ReleasingTheLastChildForgetsTheSource) {
  PerSource limits(3, 0);
  limits.admit(kAlice, kStart);
  ASSERT_EQ(limits.tracked_sources(), 1u);
  limits.release(kAlice);
  EXPECT_EQ(limits.tracked_sources(), 0u);
}

TEST(PerSource, ReleasingAnUnknownSourceIsHarmless) {
  PerSource limits(1, 0);
  limits.release(kAlice);
  EXPECT_EQ(limits.children_of(kAlice), 0u);
  EXPECT_EQ(limits.admit(kAlice, kStart), Verdict::admit);
}

TEST(PerSource, ChildrenAreCountedPerSource) {
  PerSource limits(1, 0);
  ASSERT_EQ(limits.admit(kAlice, kStart), Verdict::admit);
  EXPECT_EQ(limits.admit(kBob, kStart), Verdict::admit);
  EXPECT_EQ(limits.admit(kAlice, kStart), Verdict::too_many_children);
  EXPECT_EQ(limits.admit(kBob, kStart), Verdict::too_many_children);
  limits.release(kAlice);
  EXPECT_EQ(limits.children_of(kBob), 1u);
}

TEST(PerSource, RefusesTheConnectionOverThePerMinuteLimit) {
  PerSource limits(0, 2);
  EXPECT_EQ(limits.admit(kAlice, kStart), Verdict::admit);
  EXPECT_EQ(limits.admit(kAlice, kStart + seconds(1)), Verdict::admit);
  EXPECT_EQ(limits.admit(kAlice, kStart + seconds(2)), Verdict::too_fast);
}

TEST(PerSource, PerMinuteLimitRecoversAfterAMinute) {
  PerSource limits(0, 1);
  ASSERT_EQ(limits.admit(kAlice, kStart), Verdict::admit);
  ASSERT_EQ(limits.admit(kAlice, kStart + seconds(59)), Verdict::too_fast);
  EXPECT_EQ(limits.admit(kAlice, kStart + seconds(60)), Verdict::admit);
}

TEST(PerSource, PerMinuteLimitIsPerSource) {
  PerSource limits(0, 1);
  ASSERT_EQ(limits.admit(kAlice, kStart), Verdict::admit);
  EXPECT_EQ(limits.admit(kBob, kStart), Verdict::admit);
  EXPECT_EQ(limits.admit(kAlice, kStart), Verdict::too_fast);
  EXPECT_EQ(limits.admit(kBob, kStart), Verdict::too_fast);
}

TEST(PerSource, WithOnlyARateLimitNoChildrenAreCounted) {
  PerSource limits(0, 5);
  limits.admit(kAlice, kStart);
  EXPECT_EQ(limits.children_of(kAlice), 0u);
}

TEST(PerSource, TooManyChildrenIsCheckedFirstAndDoesNotUseUpTheRate) {
  PerSource limits(1, 2);
  ASSERT_EQ(limits.admit(kAlice, kStart), Verdict::admit);
  EXPECT_EQ(limits.admit(kAlice, kStart), Verdict::too_many_children);
  EXPECT_EQ(limits.admit(kAlice, kStart), Verdict::too_many_children);
  limits.release(kAlice);
  EXPECT_EQ(limits.admit(kAlice, kStart), Verdict::admit);
}

TEST(PerSource, ARefusalForRateDoesNotCountAChild) {
  PerSource limits(5, 1);
  ASSERT_EQ(limits.admit(kAlice, kStart), Verdict::admit);
  ASSERT_EQ(limits.admit(kAlice, kStart), Verdict::too_fast);
  EXPECT_EQ(limits.children_of(kAlice), 1u);
}

// A scan from many addresses must not grow the table without bound, but a
// source still inside its window must stay limited.
TEST(PerSource, PruningForgetsEndedWindowsButKeepsActiveOnes) {
  constexpr int kManySources = 5000;  // more than the pruning threshold
  PerSource limits(0, 1);
  for (int i = 0; i < kManySources; ++i)
    ASSERT_EQ(limits.admit("scan-" + std::to_string(i), kStart), Verdict::admit);
  ASSERT_EQ(limits.admit(kAlice, kStart + seconds(30)), Verdict::admit);
  ASSERT_EQ(limits.tracked_sources(), static_cast<std::size_t>(kManySources) + 1);

  // At kStart + 61s the scan's windows have ended; Alice's has not.
  TimePoint later = kStart + seconds(61);
  EXPECT_EQ(limits.admit(kBob, later), Verdict::admit);
  EXPECT_LT(limits.tracked_sources(), static_cast<std::size_t>(kManySources));
  EXPECT_EQ(limits.admit(kAlice, later), Verdict::too_fast);
}

}  // namespace
}  // namespace ninetd::limits

namespace ninetd::limits {
namespace {

// Admission must cost the same however many sources are tracked: the table
// stays bounded while every source is still inside its minute.
TEST(PerSource, RateWindowsAreBoundedWhileAllAreActive) {
  PerSource limits(0, 1);
  const std::size_t many = PerSource::kMaxRateWindows + 5000;
  for (std::size_t i = 0; i < many; ++i)
    ASSERT_EQ(limits.admit("scan-" + std::to_string(i), kStart + seconds(i % 30)), Verdict::admit);
  EXPECT_EQ(limits.rate_windows(), PerSource::kMaxRateWindows);
  // The newest sources are still limited.
  EXPECT_EQ(limits.admit("scan-" + std::to_string(many - 1), kStart + seconds(30)),
            Verdict::too_fast);
}

TEST(PerSource, EndedWindowsAreForgottenOnTheNextAdmission) {
  PerSource limits(0, 1);
  for (int i = 0; i < 100; ++i) limits.admit("scan-" + std::to_string(i), kStart);
  ASSERT_EQ(limits.rate_windows(), 100u);
  EXPECT_EQ(limits.admit(kAlice, kStart + seconds(60)), Verdict::admit);
  EXPECT_EQ(limits.rate_windows(), 1u);
}

// A source whose window restarts keeps being limited in its new window even
// though the entry of its first window is dropped from the queue.
TEST(PerSource, ARestartedWindowIsNotForgottenWithItsPredecessor) {
  PerSource limits(0, 1);
  ASSERT_EQ(limits.admit(kAlice, kStart), Verdict::admit);
  ASSERT_EQ(limits.admit(kAlice, kStart + seconds(70)), Verdict::admit);
  EXPECT_EQ(limits.admit(kBob, kStart + seconds(71)), Verdict::admit);
  EXPECT_EQ(limits.admit(kAlice, kStart + seconds(72)), Verdict::too_fast);
}

TEST(PerSource, AddChildCountsWithoutChecking) {
  PerSource limits(1, 0);
  limits.add_child(kAlice);
  limits.add_child(kAlice);
  EXPECT_EQ(limits.children_of(kAlice), 2u);
  EXPECT_EQ(limits.admit(kAlice, kStart), Verdict::too_many_children);
  limits.release(kAlice);
  limits.release(kAlice);
  EXPECT_EQ(limits.admit(kAlice, kStart), Verdict::admit);
}

}  // namespace
}  // namespace ninetd::limits
