// may_answer: which datagram sources a UDP builtin answers. Refused are the
// sources that would make it an amplifier or a loop: another builtin's port
// (the echo/chargen ping-pong), port 0, broadcast, multicast, unspecified.
#include <gtest/gtest.h>

#include <set>

#include "builtins/datagram.h"

namespace ninetd::builtins {
namespace {

// echo, discard, daytime, chargen, time.
const std::set<std::uint16_t> kGuarded = {7, 9, 13, 19, 37};

net::SocketAddress peer(const char* ip, std::uint16_t port) {
  return net::SocketAddress::from_numeric(ip, port).value();
}

TEST(MayAnswer, OrdinaryIpv4PeerIsAnswered) {
  EXPECT_TRUE(may_answer(peer("192.0.2.10", 40000), kGuarded));
  EXPECT_TRUE(may_answer(peer("127.0.0.1", 1024), kGuarded));
}

TEST(MayAnswer, OrdinaryIpv6PeerIsAnswered) {
  EXPECT_TRUE(may_answer(peer("2001:db8::10", 40000), kGuarded));
  EXPECT_TRUE(may_answer(peer("::1", 5353), kGuarded));
  EXPECT_TRUE(may_answer(peer("fe80::1", 40000), kGuarded));
}

TEST(MayAnswer, V4MappedOrdinaryPeerIsAnswered) {
  EXPECT_TRUE(may_answer(peer("::ffff:192.0.2.10", 40000), kGuarded));
}

TEST(MayAnswer, RefusesGuardedPorts) {
  for (std::uint16_t port : kGuarded) {
    EXPECT_FALSE(may_answer(peer("192.0.2.10", port), kGuarded)) << port;
    EXPECT_FALSE(may_answer(peer("2001:db8::10", port), kGuarded)) << port;
    EXPECT_FALSE(may_answer(peer("::ffff:192.0.2.10", port), kGuarded)) << port;
  }
}

TEST(MayAnswer, APortIsGuardedOnlyIfListed) {
  EXPECT_TRUE(may_answer(peer("192.0.2.10", 19), {}));
  EXPECT_TRUE(may_answer(peer("192.0.2.10", 8), kGuarded));
}

TEST(MayAnswer, RefusesPortZero) {
  EXPECT_FALSE(may_answer(peer("192.0.2.10", 0), kGuarded));
  EXPECT_FALSE(may_answer(peer("2001:db8::10", 0), kGuarded));
  EXPECT_FALSE(may_answer(peer("192.0.2.10", 0), {}));
}

TEST(MayAnswer, RefusesIpv4Broadcast) {
  EXPECT_FALSE(may_answer(peer("255.255.255.255", 40000), kGuarded));
  EXPECT_FALSE(may_answer(peer("::ffff:255.255.255.255", 40000), kGuarded));
}

TEST(MayAnswer, RefusesIpv4Multicast) {
  EXPECT_FALSE(may_answer(peer("224.0.0.1", 40000), kGuarded));
  EXPECT_FALSE(may_answer(peer("239.255.255.250", 40000), kGuarded));
  EXPECT_FALSE(may_answer(peer("::ffff:224.0.0.251", 40000), kGuarded));
  // Just outside 224.0.0.0/4 on either side.
  EXPECT_TRUE(may_answer(peer("223.255.255.255", 40000), kGuarded));
  EXPECT_TRUE(may_answer(peer("240.0.0.1", 40000), kGuarded));
}

TEST(MayAnswer, RefusesIpv6Multicast) {
  EXPECT_FALSE(may_answer(peer("ff02::1", 40000), kGuarded));
  EXPECT_FALSE(may_answer(peer("ff05::1:3", 40000), kGuarded));
}

TEST(MayAnswer, RefusesTheUnspecifiedAddress) {
  EXPECT_FALSE(may_answer(peer("0.0.0.0", 40000), kGuarded));
  EXPECT_FALSE(may_answer(peer("::", 40000), kGuarded));
  EXPECT_FALSE(may_answer(peer("::ffff:0.0.0.0", 40000), kGuarded));
}

}  // namespace
}  // namespace ninetd::builtins

namespace ninetd::builtins {
namespace {

// Loopback sources are exempt from the per-source answer budget: only this
// host can send from them, so answering them amplifies nothing abroad.
TEST(IsLoopback, LoopbackFamiliesAndMappedForms) {
  auto at = [](const char* ip) { return *net::SocketAddress::from_numeric(ip, 4000); };
  EXPECT_TRUE(is_loopback(at("127.0.0.1")));
  EXPECT_TRUE(is_loopback(at("127.255.0.9")));
  EXPECT_TRUE(is_loopback(at("::1")));
  EXPECT_TRUE(is_loopback(at("::ffff:127.0.0.1")));
  EXPECT_FALSE(is_loopback(at("192.0.2.10")));
  EXPECT_FALSE(is_loopback(at("128.0.0.1")));
  EXPECT_FALSE(is_loopback(at("2001:db8::1")));
  EXPECT_FALSE(is_loopback(at("::ffff:192.0.2.10")));
}

}  // namespace
}  // namespace ninetd::builtins
