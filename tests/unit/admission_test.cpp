// Admission: the service-wide rate and the per-source limits decide together,
// in that order, and a reload's new limits keep what did not change.
#include "limits/admission.h"

#include <gtest/gtest.h>

namespace ninetd::limits {
namespace {

using Verdict = Admission::Verdict;
using std::chrono::seconds;

const Admission::TimePoint kStart{std::chrono::hours(1)};

TEST(Admission, NoLimitsAdmitsEveryoneAndCountsNothing) {
  Admission admission;
  admission.configure({});
  EXPECT_FALSE(admission.limits_anything());
  EXPECT_FALSE(admission.needs_source());
  bool counted = true;
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(admission.admit("", kStart, counted), Verdict::admit);
  EXPECT_FALSE(counted);
}

TEST(Admission, TheServiceRateRefusesPastItsMinuteThenAdmitsAgain) {
  Admission admission;
  admission.configure({3, 0, 0});
  EXPECT_TRUE(admission.limits_anything());
  EXPECT_FALSE(admission.needs_source());
  bool counted = false;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(admission.admit("", kStart, counted), Verdict::admit);
  EXPECT_TRUE(admission.over_rate(kStart));
  EXPECT_EQ(admission.admit("", kStart + seconds(59), counted), Verdict::over_rate);
  EXPECT_FALSE(admission.over_rate(kStart + seconds(60)));
  EXPECT_EQ(admission.admit("", kStart + seconds(60), counted), Verdict::admit);
}

TEST(Admission, ChildrenPerSourceAreCountedAndReleased) {
  Admission admission;
  admission.configure({0, 2, 0});
  EXPECT_TRUE(admission.needs_source());
  bool counted = false;
  EXPECT_EQ(admission.admit("192.0.2.1", kStart, counted), Verdict::admit);
  EXPECT_TRUE(counted);
  EXPECT_EQ(admission.admit("192.0.2.1", kStart, counted), Verdict::admit);
  EXPECT_EQ(admission.admit("192.0.2.1", kStart, counted), Verdict::too_many_children);
  EXPECT_FALSE(counted);
  // Another source is not held back by the first one's children.
  EXPECT_EQ(admission.admit("192.0.2.2", kStart, counted), Verdict::admit);
  admission.per_source().release("192.0.2.1");
  EXPECT_EQ(admission.admit("192.0.2.1", kStart, counted), Verdict::admit);
}

TEST(Admission, ConnectionsPerSourcePerMinute) {
  Admission admission;
  admission.configure({0, 0, 2});
  bool counted = true;
  EXPECT_EQ(admission.admit("uid 1000", kStart, counted), Verdict::admit);
  EXPECT_FALSE(counted);  // a rate alone counts no children
  EXPECT_EQ(admission.admit("uid 1000", kStart, counted), Verdict::admit);
  EXPECT_EQ(admission.admit("uid 1000", kStart + seconds(1), counted), Verdict::too_fast);
  EXPECT_EQ(admission.admit("uid 0", kStart + seconds(1), counted), Verdict::admit);
  EXPECT_EQ(admission.admit("uid 1000", kStart + seconds(61), counted), Verdict::admit);
}

TEST(Admission, TheServiceRateIsCheckedFirstAndCountsARefusedSource) {
  Admission admission;
  admission.configure({2, 1, 0});
  bool counted = false;
  EXPECT_EQ(admission.admit("a", kStart, counted), Verdict::admit);
  EXPECT_EQ(admission.admit("a", kStart, counted), Verdict::too_many_children);
  // That refusal used the service's second slot: the next client meets the rate.
  EXPECT_EQ(admission.admit("b", kStart, counted), Verdict::over_rate);
}

TEST(Admission, AReloadKeepsWhatItDidNotChange) {
  Admission admission;
  EXPECT_TRUE(admission.configure({2, 1, 0}));  // a new per-source table
  bool counted = false;
  EXPECT_EQ(admission.admit("a", kStart, counted), Verdict::admit);
  // Same limits: the rate window and the children counted go on.
  EXPECT_FALSE(admission.configure({2, 1, 0}));
  EXPECT_EQ(admission.admit("a", kStart, counted), Verdict::too_many_children);
  EXPECT_TRUE(admission.over_rate(kStart));
  // A new rate starts a new window; the per-source table stays.
  EXPECT_FALSE(admission.configure({5, 1, 0}));
  EXPECT_FALSE(admission.over_rate(kStart));
  EXPECT_EQ(admission.per_source().children_of("a"), 1u);
  // New per-source limits: a new, empty table that the caller fills again.
  EXPECT_TRUE(admission.configure({5, 2, 0}));
  EXPECT_EQ(admission.per_source().children_of("a"), 0u);
  // No rate any more.
  admission.configure({0, 2, 0});
  EXPECT_EQ(admission.rate(), nullptr);
}

}  // namespace
}  // namespace ninetd::limits
