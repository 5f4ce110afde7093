// CompactAddress: what a service keeps of its socket address must come back
// byte for byte, whether it was held in place (IP) or on the heap (a path).
#include "net/compact_address.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <utility>

namespace ninetd::net {
namespace {

SocketAddress long_path() {
  return SocketAddress::from_path("/run/" + std::string(95, 'p') + ".sock").value();
}

TEST(CompactAddress, KeepsIpAddressesByteForByte) {
  for (const SocketAddress& original :
       {SocketAddress::from_numeric("127.0.0.1", 7).value(),
        SocketAddress::from_numeric("fe80::1", 2121).value(), SocketAddress::any_ipv6(21)}) {
    CompactAddress kept(original);
    EXPECT_EQ(kept.expand(), original);
    EXPECT_EQ(kept.family(), original.family());
    EXPECT_EQ(kept.port(), original.port());
    EXPECT_EQ(kept.to_string(), original.to_string());
    EXPECT_EQ(kept.is_any(), original.is_any());
  }
}

TEST(CompactAddress, KeepsALongUnixPath) {
  CompactAddress kept(long_path());
  EXPECT_EQ(kept.family(), AF_UNIX);
  EXPECT_EQ(kept.expand(), long_path());
  EXPECT_EQ(kept.ip(), long_path().ip());
}

TEST(CompactAddress, CopiesOwnTheirPath) {
  auto original = std::make_unique<CompactAddress>(long_path());
  CompactAddress copy(*original);
  CompactAddress assigned(SocketAddress::any_ipv4(7));
  assigned = *original;
  original.reset();
  EXPECT_EQ(copy.expand(), long_path());
  EXPECT_EQ(assigned.expand(), long_path());
  assigned = SocketAddress::any_ipv4(7);  // back to an address held in place
  EXPECT_EQ(assigned.expand(), SocketAddress::any_ipv4(7));
}

TEST(CompactAddress, MovedFromIsEmpty) {
  CompactAddress from(long_path());
  CompactAddress to(std::move(from));
  EXPECT_EQ(to.expand(), long_path());
  EXPECT_EQ(from.family(), AF_UNSPEC);  // NOLINT(bugprone-use-after-move): the state is defined
  CompactAddress again(SocketAddress::any_ipv4(7));
  again = std::move(to);
  EXPECT_EQ(again.expand(), long_path());
}

TEST(CompactAddress, EmptyByDefault) {
  CompactAddress none;
  EXPECT_EQ(none.family(), AF_UNSPEC);
  EXPECT_EQ(none.expand(), SocketAddress());
  EXPECT_EQ(none.to_string(), "?");
}

// The order of the full addresses: by length, then bytes.
int full_order(const SocketAddress& x, const SocketAddress& y) {
  if (x.length() != y.length()) return x.length() < y.length() ? -1 : 1;
  return std::memcmp(x.get(), y.get(), x.length());
}

TEST(CompactAddress, OrdersAsTheFullAddress) {
  SocketAddress a = SocketAddress::from_numeric("127.0.0.1", 7).value();
  SocketAddress b = SocketAddress::from_numeric("127.0.0.2", 7).value();
  SocketAddress c = long_path();
  for (const auto& x : {a, b, c})
    for (const auto& y : {a, b, c}) {
      int full = full_order(x, y);
      int compact = CompactAddress(x).compare(CompactAddress(y));
      EXPECT_EQ(full < 0, compact < 0);
      EXPECT_EQ(full == 0, compact == 0);
    }
}

}  // namespace
}  // namespace ninetd::net
