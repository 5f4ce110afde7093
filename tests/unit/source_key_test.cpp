// The network a client counts under for per-source limits.
#include "net/source_key.h"

#include <gtest/gtest.h>

namespace ninetd::net {
namespace {

SocketAddress at(const char* ip) {
  return *SocketAddress::from_numeric(ip, 7);
}

TEST(SourceKey, WholeIpv4AddressesAndIpv6SlashSixtyFourByDefault) {
  EXPECT_EQ(source_key(at("192.0.2.7"), {}), "192.0.2.7");
  EXPECT_EQ(source_key(at("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), {}), "2001:db8:1:2::/64");
  EXPECT_EQ(source_key(at("2001:db8:1:2::1"), {}), source_key(at("2001:db8:1:2:ffff::9"), {}));
  EXPECT_NE(source_key(at("2001:db8:1:2::1"), {}), source_key(at("2001:db8:1:3::1"), {}));
}

TEST(SourceKey, MappedClientsCountAsIpv4) {
  EXPECT_EQ(source_key(at("::ffff:192.0.2.7"), {}), "192.0.2.7");
}

TEST(SourceKey, OtherLengths) {
  EXPECT_EQ(source_key(at("192.0.2.7"), {24, 64}), "192.0.2.0/24");
  EXPECT_EQ(source_key(at("192.0.2.7"), {0, 64}), "0.0.0.0/0");
  EXPECT_EQ(source_key(at("192.0.2.7"), {25, 64}), "192.0.2.0/25");
  EXPECT_EQ(source_key(at("192.0.2.200"), {25, 64}), "192.0.2.128/25");
  EXPECT_EQ(source_key(at("2001:db8::1"), {32, 128}), "2001:db8::1");
  EXPECT_EQ(source_key(at("2001:db8:ff::1"), {32, 48}), "2001:db8:ff::/48");
  EXPECT_EQ(source_key(at("2001:db8:ff::1"), {32, 33}), "2001:db8::/33");
}

}  // namespace
}  // namespace ninetd::net
