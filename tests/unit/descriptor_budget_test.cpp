#include "daemon/descriptor_budget.h"

#include <gtest/gtest.h>

namespace ninetd::daemon {
namespace {

TEST(DescriptorShortfall, NothingWhileSocketsAndReserveFit) {
  EXPECT_EQ(descriptor_shortfall(0, 1024), std::nullopt);
  EXPECT_EQ(descriptor_shortfall(10000, 524288), std::nullopt);
  EXPECT_EQ(descriptor_shortfall(1024 - kDescriptorReserve, 1024), std::nullopt);
}

TEST(DescriptorShortfall, UnlimitedAlwaysFits) {
  EXPECT_EQ(descriptor_shortfall(1000000, std::nullopt), std::nullopt);
}

TEST(DescriptorShortfall, OneOverTheLimitSaysByHowMuchAndWhatToRaise) {
  auto message = descriptor_shortfall(1024 - kDescriptorReserve + 1, 1024);
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(*message,
            "the configuration needs 1025 descriptors (961 listening sockets and 64 for the "
            "daemon's own use and its connections), more than the open-files limit of 1024: "
            "services may fail to open with \"Too many open files\", and launches too; raise "
            "the hard limit (LimitNOFILE= under systemd, ulimit -Hn in a shell)");
}

TEST(DescriptorShortfall, TheReserveAloneCanBeTooMuch) {
  auto message = descriptor_shortfall(1, 20);
  ASSERT_TRUE(message.has_value());
  EXPECT_NE(message->find("65 descriptors (1 listening socket and 64"), std::string::npos)
      << *message;
}

TEST(DefaultSessionLimit, AQuarterOfTheLimit) {
  EXPECT_EQ(default_session_limit(80), 20u);
  EXPECT_EQ(default_session_limit(1024), 256u);
  EXPECT_EQ(default_session_limit(20000), 5000u);
  EXPECT_EQ(default_session_limit(65536), 16384u);
}

TEST(DefaultSessionLimit, AtLeastOne) {
  EXPECT_EQ(default_session_limit(0), 1u);
  EXPECT_EQ(default_session_limit(3), 1u);
}

TEST(DefaultSessionLimit, BoundedForTheRaisedLimitsOfServiceManagers) {
  // systemd's default hard limit, and the kernel's default nr_open.
  EXPECT_EQ(default_session_limit(524288), kMaxDefaultSessions);
  EXPECT_EQ(default_session_limit(1048576), kMaxDefaultSessions);
  EXPECT_EQ(default_session_limit(std::nullopt), kMaxDefaultSessions);
  EXPECT_GE(kMaxDefaultSessions, 10000u);  // issue 12's scale scenario, with the defaults
}

}  // namespace
}  // namespace ninetd::daemon
