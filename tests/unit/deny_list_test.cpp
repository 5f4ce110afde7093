// The global deny list of xinetd's SENSOR services: times, for ever, the
// longer time kept, expiry, and the bound against a flood of addresses.
#include "limits/deny_list.h"

#include <gtest/gtest.h>

#include <string>

namespace ninetd::limits {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using TimePoint = DenyList::TimePoint;

const TimePoint kStart = TimePoint{} + std::chrono::hours(1000);

TEST(DenyList, RefusesAnAddressForItsTimeThenNoMore) {
  DenyList list;
  EXPECT_FALSE(list.denies("192.0.2.7", kStart));
  EXPECT_EQ(list.add("192.0.2.7", minutes(5), kStart), DenyList::Added::added);
  EXPECT_TRUE(list.denies("192.0.2.7", kStart));
  EXPECT_TRUE(list.denies("192.0.2.7", kStart + minutes(5) - seconds(1)));
  EXPECT_FALSE(list.denies("192.0.2.7", kStart + minutes(5)));
  EXPECT_FALSE(list.denies("192.0.2.8", kStart));
  EXPECT_FALSE(list.denies("2001:db8::7", kStart));
}

TEST(DenyList, ForEverHasNoEnd) {
  DenyList list;
  EXPECT_EQ(list.add("2001:db8::7", std::nullopt, kStart), DenyList::Added::added);
  EXPECT_TRUE(list.denies("2001:db8::7", kStart + std::chrono::hours(24 * 365 * 100)));
  EXPECT_EQ(list.next_expiry(), std::nullopt);
  EXPECT_EQ(list.expire(kStart + std::chrono::hours(24 * 365)), 0u);
  EXPECT_EQ(list.add("2001:db8::7", minutes(1), kStart), DenyList::Added::unchanged);
}

TEST(DenyList, ASecondTouchKeepsTheLongerTime) {
  DenyList list;
  list.add("192.0.2.7", minutes(10), kStart);
  EXPECT_EQ(list.add("192.0.2.7", minutes(5), kStart + minutes(1)), DenyList::Added::unchanged);
  EXPECT_EQ(list.next_expiry(), kStart + minutes(10));
  EXPECT_EQ(list.add("192.0.2.7", minutes(10), kStart + minutes(3)), DenyList::Added::extended);
  EXPECT_EQ(list.next_expiry(), kStart + minutes(13));
  EXPECT_EQ(list.add("192.0.2.7", std::nullopt, kStart + minutes(4)), DenyList::Added::extended);
  EXPECT_TRUE(list.denies("192.0.2.7", kStart + minutes(20)));
  // Listed again after its time ended: a new entry.
  list.add("192.0.2.8", minutes(1), kStart);
  EXPECT_EQ(list.add("192.0.2.8", minutes(1), kStart + minutes(2)), DenyList::Added::added);
  EXPECT_EQ(list.size(), 2u);
}

TEST(DenyList, ExpireForgetsWhatIsOverAndNamesTheNextEnd) {
  DenyList list;
  list.add("192.0.2.1", minutes(1), kStart);
  list.add("192.0.2.2", minutes(2), kStart);
  list.add("192.0.2.3", std::nullopt, kStart);
  EXPECT_EQ(list.next_expiry(), kStart + minutes(1));
  EXPECT_EQ(list.expire(kStart + minutes(1)), 1u);
  EXPECT_EQ(list.next_expiry(), kStart + minutes(2));
  EXPECT_EQ(list.expire(kStart + minutes(3)), 1u);
  EXPECT_EQ(list.size(), 1u);
  EXPECT_EQ(list.next_expiry(), std::nullopt);
}

// A sensor over UDP takes any source address a flood cares to spoof: the
// list stops growing, and what it holds still counts.
TEST(DenyList, BoundedAgainstAFloodOfAddresses) {
  DenyList list(3);
  EXPECT_EQ(list.add("10.0.0.1", minutes(5), kStart), DenyList::Added::added);
  EXPECT_EQ(list.add("10.0.0.2", minutes(1), kStart), DenyList::Added::added);
  EXPECT_EQ(list.add("10.0.0.3", minutes(5), kStart), DenyList::Added::added);
  for (int i = 4; i < 10000; ++i)
    EXPECT_EQ(list.add("10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256),
                       minutes(5), kStart),
              DenyList::Added::full);
  EXPECT_EQ(list.size(), 3u);
  EXPECT_TRUE(list.denies("10.0.0.1", kStart));
  // A listed address still gets its time extended when the list is full.
  EXPECT_EQ(list.add("10.0.0.3", minutes(9), kStart), DenyList::Added::extended);
  // Room made by an entry whose time is over is used at once.
  EXPECT_EQ(list.add("10.9.9.9", minutes(5), kStart + minutes(1)), DenyList::Added::added);
  EXPECT_FALSE(list.denies("10.0.0.2", kStart + minutes(1)));
  EXPECT_EQ(list.size(), 3u);
}

TEST(DenyList, ATimeBeyondTheClockIsForEver) {
  DenyList list;
  TimePoint late = TimePoint::max() - minutes(1);
  EXPECT_EQ(list.add("192.0.2.7", minutes(60), late), DenyList::Added::added);
  EXPECT_TRUE(list.denies("192.0.2.7", TimePoint::max() - seconds(1)));
}

// --status lists what is refused now, in address order, with the seconds
// left rounded up, and counts past what it shows.
TEST(DenyList, ListsTheLiveEntriesInAddressOrder) {
  DenyList list;
  list.add("10.0.0.9", minutes(5), kStart);
  list.add("10.0.0.1", std::nullopt, kStart);
  list.add("10.0.0.5", minutes(1), kStart);
  list.add("10.0.0.3", minutes(2), kStart);
  DenyList::Listing all = list.listing(kStart + seconds(61), 10);
  EXPECT_EQ(all.count, 3u);  // 10.0.0.5's minute is over
  ASSERT_EQ(all.first.size(), 3u);
  EXPECT_EQ(all.first[0].address, "10.0.0.1");
  EXPECT_FALSE(all.first[0].remaining.has_value());
  EXPECT_EQ(all.first[1].address, "10.0.0.3");
  EXPECT_EQ(all.first[1].remaining, seconds(59));
  EXPECT_EQ(all.first[2].address, "10.0.0.9");
  EXPECT_EQ(all.first[2].remaining, seconds(239));

  DenyList::Listing some = list.listing(kStart + std::chrono::milliseconds(299'990), 1);
  EXPECT_EQ(some.count, 2u);
  ASSERT_EQ(some.first.size(), 1u);
  EXPECT_EQ(some.first[0].address, "10.0.0.1");
  DenyList::Listing last = list.listing(kStart + std::chrono::milliseconds(299'990), 5);
  ASSERT_EQ(last.first.size(), 2u);
  EXPECT_EQ(last.first[1].remaining, seconds(1));  // 10 ms left still shows as a second
  EXPECT_EQ(DenyList().listing(kStart, 5).count, 0u);
}

}  // namespace
}  // namespace ninetd::limits
