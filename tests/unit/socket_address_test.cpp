// SocketAddress: IPv4, IPv6 and unix addresses, and their text forms for logs
// and the UCSPI environment.
#include "net/socket_address.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ninetd::net {
namespace {

TEST(SocketAddress, DefaultIsEmpty) {
  SocketAddress a;
  EXPECT_EQ(a.family(), AF_UNSPEC);
  EXPECT_EQ(a.length(), 0u);
  EXPECT_EQ(a.port(), 0);
  EXPECT_EQ(a.to_string(), "?");
}

TEST(SocketAddress, FromNumericIpv4) {
  auto a = SocketAddress::from_numeric("127.0.0.1", 7);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->family(), AF_INET);
  EXPECT_EQ(a->length(), sizeof(sockaddr_in));
  EXPECT_EQ(a->port(), 7);
  EXPECT_EQ(a->ip(), "127.0.0.1");
  EXPECT_EQ(a->to_string(), "127.0.0.1:7");
}

TEST(SocketAddress, Ipv4TextMatchesInetNtopForEveryByteValue) {
  // Each byte value in each position, plus the widest and narrowest addresses.
  std::vector<std::string> texts = {"0.0.0.0", "255.255.255.255", "10.0.100.9", "1.22.3.44"};
  for (int v = 0; v < 256; ++v) {
    texts.push_back(fmt::format("{}.{}.{}.{}", v, 255 - v, (v * 7) % 256, (v * 13 + 5) % 256));
  }
  for (const std::string& text : texts) {
    auto a = SocketAddress::from_numeric(text, 1);
    ASSERT_TRUE(a.has_value()) << text;
    in_addr raw{};
    ASSERT_EQ(inet_pton(AF_INET, text.c_str(), &raw), 1);
    char expected[INET_ADDRSTRLEN];
    ASSERT_NE(inet_ntop(AF_INET, &raw, expected, sizeof(expected)), nullptr);
    EXPECT_EQ(a->ip(), expected);
    EXPECT_EQ(a->ip(), text);
  }
}

TEST(SocketAddress, FromNumericIpv6) {
  auto a = SocketAddress::from_numeric("::1", 7);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->family(), AF_INET6);
  EXPECT_EQ(a->length(), sizeof(sockaddr_in6));
  EXPECT_EQ(a->port(), 7);
  EXPECT_EQ(a->ip(), "::1");
  EXPECT_EQ(a->to_string(), "[::1]:7");
}

TEST(SocketAddress, Ipv6TextIsCanonical) {
  EXPECT_EQ(SocketAddress::from_numeric("2001:DB8:0:0::1", 80)->to_string(), "[2001:db8::1]:80");
}

// write_ip is ip() without the string, for the launch environment; only IP
// addresses have a text there.
TEST(SocketAddress, WriteIpMatchesIpForIpAddresses) {
  for (const char* text : {"0.0.0.0", "255.255.255.255", "::", "2001:db8::1",
                           "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", "::ffff:1.2.3.4"}) {
    SocketAddress a = *SocketAddress::from_numeric(text, 1);
    char out[SocketAddress::kMaxIpText];
    std::size_t length = a.write_ip(out);
    EXPECT_EQ(std::string(out), a.ip());
    EXPECT_EQ(length, a.ip().size());
  }
  char out[SocketAddress::kMaxIpText];
  EXPECT_EQ(SocketAddress().write_ip(out), 0u);
  EXPECT_STREQ(out, "");
  EXPECT_EQ(SocketAddress::from_path("/run/x.sock")->write_ip(out), 0u);
  EXPECT_STREQ(out, "");
}

TEST(SocketAddress, FromNumericRefusesNamesAndGarbage) {
  EXPECT_FALSE(SocketAddress::from_numeric("localhost", 7).has_value());
  EXPECT_FALSE(SocketAddress::from_numeric("", 7).has_value());
  EXPECT_FALSE(SocketAddress::from_numeric("256.0.0.1", 7).has_value());
  EXPECT_FALSE(SocketAddress::from_numeric("1.2.3", 7).has_value());
  EXPECT_FALSE(SocketAddress::from_numeric("[::1]", 7).has_value());
  EXPECT_FALSE(SocketAddress::from_numeric("127.0.0.1:7", 7).has_value());
  EXPECT_FALSE(SocketAddress::from_numeric(":::", 7).has_value());
}

TEST(SocketAddress, FromNumericStopsAtTheViewsEnd) {
  std::string_view text("10.0.0.1 trailing");
  EXPECT_EQ(SocketAddress::from_numeric(text.substr(0, 8), 1)->to_string(), "10.0.0.1:1");
}

TEST(SocketAddress, AnyAddresses) {
  EXPECT_EQ(SocketAddress::any_ipv4(13).to_string(), "0.0.0.0:13");
  EXPECT_EQ(SocketAddress::any_ipv6(13).to_string(), "[::]:13");
}

TEST(SocketAddress, IsAnyOnlyForTheWildcards) {
  EXPECT_TRUE(SocketAddress::any_ipv4(13).is_any());
  EXPECT_TRUE(SocketAddress::any_ipv6(13).is_any());
  EXPECT_TRUE(SocketAddress::from_numeric("0.0.0.0", 1)->is_any());
  EXPECT_TRUE(SocketAddress::from_numeric("::", 1)->is_any());
  EXPECT_FALSE(SocketAddress::from_numeric("127.0.0.1", 1)->is_any());
  EXPECT_FALSE(SocketAddress::from_numeric("::1", 1)->is_any());
  EXPECT_FALSE(SocketAddress::from_numeric("::ffff:0.0.0.0", 1)->is_any());
  EXPECT_FALSE(SocketAddress::from_path("/run/x.sock")->is_any());
  EXPECT_FALSE(SocketAddress().is_any());
}

TEST(SocketAddress, PortsUseTheWholeRange) {
  EXPECT_EQ(SocketAddress::from_numeric("10.0.0.1", 65535)->to_string(), "10.0.0.1:65535");
  EXPECT_EQ(SocketAddress::from_numeric("10.0.0.1", 0)->port(), 0);
}

TEST(SocketAddress, FromPath) {
  auto a = SocketAddress::from_path("/run/ninetd/echo.sock");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->family(), AF_UNIX);
  EXPECT_EQ(a->ip(), "/run/ninetd/echo.sock");
  EXPECT_EQ(a->to_string(), "/run/ninetd/echo.sock");
  EXPECT_EQ(a->port(), 0);
}

TEST(SocketAddress, FromPathRefusesEmptyAndTooLong) {
  constexpr std::size_t kMax = sizeof(sockaddr_un::sun_path) - 1;  // room for the NUL
  EXPECT_FALSE(SocketAddress::from_path("").has_value());
  EXPECT_TRUE(SocketAddress::from_path("/" + std::string(kMax - 1, 'a')).has_value());
  EXPECT_FALSE(SocketAddress::from_path("/" + std::string(kMax, 'a')).has_value());
}

TEST(SocketAddress, LongestPathRoundTrips) {
  std::string path = "/" + std::string(sizeof(sockaddr_un::sun_path) - 2, 'x');
  EXPECT_EQ(SocketAddress::from_path(path)->to_string(), path);
}

TEST(SocketAddress, SetPort) {
  auto v4 = *SocketAddress::from_numeric("192.0.2.1", 1);
  v4.set_port(8080);
  EXPECT_EQ(v4.to_string(), "192.0.2.1:8080");
  auto v6 = *SocketAddress::from_numeric("2001:db8::1", 1);
  v6.set_port(8080);
  EXPECT_EQ(v6.to_string(), "[2001:db8::1]:8080");
}

TEST(SocketAddress, SetPortOnAPathDoesNothing) {
  auto a = *SocketAddress::from_path("/run/x.sock");
  a.set_port(80);
  EXPECT_EQ(a.to_string(), "/run/x.sock");
  EXPECT_EQ(a.port(), 0);
}

TEST(SocketAddress, V4MappedIsRecognisedAndUnmapped) {
  auto mapped = *SocketAddress::from_numeric("::ffff:192.0.2.1", 7);
  EXPECT_TRUE(mapped.is_v4_mapped());
  SocketAddress plain = mapped.unmapped();
  EXPECT_FALSE(plain.is_v4_mapped());
  EXPECT_EQ(plain.family(), AF_INET);
  EXPECT_EQ(plain.length(), sizeof(sockaddr_in));
  EXPECT_EQ(plain.to_string(), "192.0.2.1:7");
  EXPECT_EQ(plain, *SocketAddress::from_numeric("192.0.2.1", 7));
}

TEST(SocketAddress, UnmappedLeavesOtherAddressesAlone) {
  auto v4 = *SocketAddress::from_numeric("192.0.2.1", 7);
  auto v6 = *SocketAddress::from_numeric("2001:db8::1", 7);
  auto path = *SocketAddress::from_path("/run/x.sock");
  EXPECT_FALSE(v4.is_v4_mapped());
  EXPECT_FALSE(v6.is_v4_mapped());
  EXPECT_FALSE(path.is_v4_mapped());
  EXPECT_EQ(v4.unmapped(), v4);
  EXPECT_EQ(v6.unmapped(), v6);
  EXPECT_EQ(path.unmapped(), path);
}

TEST(SocketAddress, EqualityComparesFamilyAddressAndPort) {
  auto a = *SocketAddress::from_numeric("10.0.0.1", 7);
  EXPECT_EQ(a, *SocketAddress::from_numeric("10.0.0.1", 7));
  EXPECT_NE(a, *SocketAddress::from_numeric("10.0.0.1", 8));
  EXPECT_NE(a, *SocketAddress::from_numeric("10.0.0.2", 7));
  EXPECT_NE(a, *SocketAddress::from_numeric("::ffff:10.0.0.1", 7));
  EXPECT_EQ(*SocketAddress::from_numeric("::1", 7), *SocketAddress::from_numeric("::1", 7));
  EXPECT_NE(*SocketAddress::from_path("/a"), *SocketAddress::from_path("/b"));
  EXPECT_EQ(*SocketAddress::from_path("/a"), *SocketAddress::from_path("/a"));
}

TEST(SocketAddress, FromRawCopiesWhatTheKernelGave) {
  auto original = *SocketAddress::from_numeric("2001:db8::5", 4242);
  SocketAddress copy = SocketAddress::from_raw(original.get(), original.length());
  EXPECT_EQ(copy, original);
  EXPECT_EQ(copy.to_string(), "[2001:db8::5]:4242");
}

}  // namespace
}  // namespace ninetd::net
