// RateWindow: at most N admissions per fixed window, with time passed in.
#include "limits/rate_window.h"

#include <gtest/gtest.h>

namespace ninetd::limits {
namespace {

using std::chrono::seconds;
using TimePoint = RateWindow::TimePoint;

// An arbitrary, far-from-zero start, so no test depends on the epoch.
const TimePoint kStart = TimePoint{} + std::chrono::hours(1000);

TEST(RateWindow, AdmitsUpToTheLimitWithinOneWindow) {
  RateWindow window(3, seconds(60));
  EXPECT_TRUE(window.admit(kStart));
  EXPECT_TRUE(window.admit(kStart + seconds(1)));
  EXPECT_TRUE(window.admit(kStart + seconds(2)));
  EXPECT_EQ(window.count(), 3u);
}

TEST(RateWindow, RefusesTheOneOverTheLimit) {
  RateWindow window(3, seconds(60));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(window.admit(kStart));
  EXPECT_FALSE(window.admit(kStart + seconds(10)));
  EXPECT_FALSE(window.admit(kStart + seconds(59)));
}

TEST(RateWindow, RefusalsAreNotCounted) {
  RateWindow window(2, seconds(60));
  window.admit(kStart);
  window.admit(kStart);
  EXPECT_FALSE(window.admit(kStart));
  EXPECT_FALSE(window.admit(kStart));
  EXPECT_EQ(window.count(), 2u);
}

TEST(RateWindow, RecoversOnceTheWindowHasEnded) {
  RateWindow window(2, seconds(60));
  window.admit(kStart);
  window.admit(kStart);
  ASSERT_FALSE(window.admit(kStart + seconds(59)));
  EXPECT_TRUE(window.admit(kStart + seconds(60)));
  EXPECT_EQ(window.count(), 1u);
  EXPECT_TRUE(window.admit(kStart + seconds(61)));
  EXPECT_FALSE(window.admit(kStart + seconds(62)));
}

TEST(RateWindow, TheWindowStartsAtTheFirstAdmissionNotAtConstruction) {
  RateWindow window(1, seconds(60));
  ASSERT_TRUE(window.admit(kStart));
  EXPECT_EQ(window.window_end(), kStart + seconds(60));
}

TEST(RateWindow, WindowEndSaysWhenAdmissionsStartAgain) {
  RateWindow window(1, seconds(60));
  window.admit(kStart);
  ASSERT_FALSE(window.admit(kStart + seconds(30)));
  // A refusal does not move the window.
  EXPECT_EQ(window.window_end(), kStart + seconds(60));
  EXPECT_FALSE(window.admit(window.window_end() - std::chrono::nanoseconds(1)));
  EXPECT_TRUE(window.admit(window.window_end()));
}

TEST(RateWindow, ANewWindowStartsAtTheAdmissionThatOpensIt) {
  RateWindow window(1, seconds(60));
  window.admit(kStart);
  TimePoint later = kStart + seconds(200);
  ASSERT_TRUE(window.admit(later));
  EXPECT_EQ(window.window_end(), later + seconds(60));
}

TEST(RateWindow, ZeroAdmitsNothing) {
  RateWindow window(0, seconds(60));
  EXPECT_FALSE(window.admit(kStart));
  EXPECT_FALSE(window.admit(kStart + seconds(600)));
  EXPECT_EQ(window.count(), 0u);
}

TEST(RateWindow, FullSaysWhatAdmitWouldSayWithoutCounting) {
  RateWindow rate(2, seconds(60));
  TimePoint t0 = TimePoint() + seconds(1000);
  EXPECT_FALSE(rate.full(t0));
  ASSERT_TRUE(rate.admit(t0));
  EXPECT_FALSE(rate.full(t0));
  ASSERT_TRUE(rate.admit(t0));
  EXPECT_TRUE(rate.full(t0 + seconds(59)));
  EXPECT_EQ(rate.count(), 2u);
  EXPECT_FALSE(rate.full(t0 + seconds(60)));
}

}  // namespace
}  // namespace ninetd::limits
