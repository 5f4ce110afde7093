#include "daemon/service_manager.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>

namespace ninetd::daemon {
namespace {

std::string name_of(const NotifyAddress& target) {
  std::size_t length = target.length - offsetof(sockaddr_un, sun_path);
  return std::string(target.address.sun_path, length);
}

TEST(NotifySocket, APathKeepsItsTerminatingNul) {
  auto target = parse_notify_socket("/run/systemd/notify");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->address.sun_family, AF_UNIX);
  EXPECT_EQ(name_of(*target), std::string("/run/systemd/notify\0", 20));
}

TEST(NotifySocket, AnAbstractNameStartsWithNulAndHasNoTrailingOne) {
  auto target = parse_notify_socket("@/org/freedesktop/systemd1/notify/123");
  ASSERT_TRUE(target);
  EXPECT_EQ(name_of(*target), std::string("\0/org/freedesktop/systemd1/notify/123", 37));
}

TEST(NotifySocket, UnusableValuesAreRefused) {
  EXPECT_FALSE(parse_notify_socket(""));
  EXPECT_FALSE(parse_notify_socket("@"));
  EXPECT_FALSE(parse_notify_socket("/"));
  EXPECT_FALSE(parse_notify_socket("relative/notify"));
  EXPECT_FALSE(parse_notify_socket(std::string("/a\0b", 4)));
  EXPECT_FALSE(parse_notify_socket("/" + std::string(sizeof(sockaddr_un::sun_path), 'x')));
  EXPECT_TRUE(parse_notify_socket("/" + std::string(sizeof(sockaddr_un::sun_path) - 2, 'x')));
}

TEST(NotifyMessages, AreSystemdsAssignments) {
  EXPECT_EQ(ready_message({1, 0, 0}), "READY=1\nSTATUS=1 service, 0 running, 0 connections served");
  EXPECT_EQ(status_message({12, 3, 1}), "STATUS=12 services, 3 running, 1 connection served");
  EXPECT_EQ(reloading_message(1234567), "RELOADING=1\nMONOTONIC_USEC=1234567");
  EXPECT_EQ(kStoppingMessage, "STOPPING=1");
}

}  // namespace
}  // namespace ninetd::daemon

namespace ninetd::daemon {
namespace {

TEST(Watchdog, HalfTheIntervalForThisProcess) {
  using std::chrono::microseconds;
  EXPECT_EQ(watchdog_period("30000000", nullptr, 42), microseconds(15000000));
  EXPECT_EQ(watchdog_period("30000000", "42", 42), microseconds(15000000));
  EXPECT_FALSE(watchdog_period("30000000", "41", 42));  // meant for another process
  EXPECT_FALSE(watchdog_period(nullptr, "42", 42));
  EXPECT_FALSE(watchdog_period("0", nullptr, 42));
  EXPECT_FALSE(watchdog_period("", nullptr, 42));
  EXPECT_FALSE(watchdog_period("12s", nullptr, 42));
  EXPECT_FALSE(watchdog_period("-5", nullptr, 42));
  EXPECT_FALSE(watchdog_period("99999999999999999999999", nullptr, 42));
  EXPECT_FALSE(watchdog_period("30000000", "x", 42));
}

}  // namespace
}  // namespace ninetd::daemon
