// GroupList: an immutable list of groups whose copies share one allocation;
// equality is by contents.
#include "services/group_list.h"

#include <gtest/gtest.h>

namespace ninetd::services {
namespace {

TEST(GroupList, CopiesShareAndCompareByContents) {
  GroupList a{100, 27};
  GroupList copy = a;
  GroupList equal{100, 27};
  EXPECT_TRUE(copy.shares_with(a));
  EXPECT_FALSE(equal.shares_with(a));
  EXPECT_EQ(equal, a);
  EXPECT_NE(GroupList({27, 100}), a);  // order is kept: setgroups gets it as it is
  EXPECT_EQ(a, (std::vector<gid_t>{100, 27}));
  EXPECT_EQ(a.size(), 2u);
  EXPECT_EQ(a.data()[1], 27u);
}

TEST(GroupList, EmptyHoldsNothing) {
  GroupList none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.data(), nullptr);
  EXPECT_EQ(none.begin(), none.end());
  EXPECT_EQ(none, GroupList(std::vector<gid_t>{}));
  EXPECT_NE(none, GroupList{0});
}

}  // namespace
}  // namespace ninetd::services
