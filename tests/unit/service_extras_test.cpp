#include "services/service_extras.h"

#include <gtest/gtest.h>

#include <vector>

#include "services/service.h"

namespace ninetd::services {
namespace {

LaunchSettings with_nice(int nice) {
  LaunchSettings settings;
  settings.nice = nice;
  return settings;
}

ConnectionPolicy with_banner() {
  ConnectionPolicy policy;
  policy.banners[0] = "hello\r\n";
  return policy;
}

TEST(ExtrasRef, NullWhenNothingIsSetSharedOtherwise) {
  EXPECT_FALSE(ExtrasRef::make({}));
  // Parts present but empty are no extras either.
  EXPECT_FALSE(ExtrasRef::make({.launch = LaunchSettings{}, .policy = ConnectionPolicy{}}));
  ExtrasRef a = ExtrasRef::make({.policy = with_banner()});
  ASSERT_TRUE(a);
  ExtrasRef b = a;
  EXPECT_EQ(a.use_count(), 2U);
  EXPECT_EQ(b->policy->banner(config::BannerKind::always), "hello\r\n");
  ExtrasRef c = ExtrasRef::make({.policy = with_banner()});
  EXPECT_TRUE(a.same(c));  // equal content, another block
  EXPECT_FALSE(a.same(ExtrasRef{}));
  EXPECT_TRUE(ExtrasRef{}.same(ExtrasRef{}));
  const ExtrasRef& alias = b;
  b = alias;  // self-assignment keeps the block
  EXPECT_EQ(a.use_count(), 2U);
  b = ExtrasRef{};
  EXPECT_EQ(a.use_count(), 1U);
  EXPECT_EQ(sizeof(ExtrasRef), sizeof(void*));
}

TEST(ExtrasRef, AnEmptyPartIsLeftOutSoItsTestIsAllItCosts) {
  ExtrasRef only_launch = ExtrasRef::make({.launch = with_nice(5), .policy = ConnectionPolicy{}});
  ASSERT_TRUE(only_launch);
  EXPECT_FALSE(only_launch->policy);
  Service s;
  s.extras = only_launch;
  EXPECT_EQ(s.policy(), nullptr);
  EXPECT_EQ(s.redirect(), nullptr);
  EXPECT_FALSE(s.redirects());
  ASSERT_NE(s.launch_settings(), nullptr);
  EXPECT_EQ(s.launch_settings()->nice, 5);
  EXPECT_EQ(s.login_class(), nullptr);
}

// One comparison for every part: a change in any is a change of the extras.
TEST(ExtrasRef, SameComparesEveryPart) {
  const ServiceExtras base{.launch = with_nice(3),
                           .policy = with_banner(),
                           .redirect = *net::SocketAddress::from_numeric("192.0.2.1", 21),
                           .libwrap = "ftpd"};
  ExtrasRef a = ExtrasRef::make(base);
  std::vector<ServiceExtras> others(9, base);
  others[0].launch->nice = 4;
  others[1].launch.reset();
  others[2].policy->max_load = 300;
  others[3].policy.reset();
  others[4].redirect = *net::SocketAddress::from_numeric("192.0.2.1", 2121);
  others[5].redirect.reset();
  others[6].libwrap = "in.ftpd";
  others[7].libwrap.clear();
  for (std::size_t i = 0; i + 1 < others.size(); ++i)
    EXPECT_FALSE(a.same(ExtrasRef::make(others[i]))) << i;
  EXPECT_TRUE(a.same(ExtrasRef::make(others.back())));  // an equal copy
}

// What the reviewer of issue 15 asked for: one pointer where three were.
TEST(ExtrasRef, AServiceWithoutExtrasPaysOnePointer) {
  Service s;
  EXPECT_FALSE(s.extras);
  EXPECT_EQ(sizeof(s.extras), sizeof(void*));
}

}  // namespace
}  // namespace ninetd::services
