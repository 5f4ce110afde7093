// Who an access list serves: prefix parsing at its edges, the longest match
// deciding, a tie refusing, mapped IPv4 clients matched as IPv4, and what an
// allow list alone, a deny list alone and both mean (xinetd's only_from and
// no_access).
#include "limits/access_list.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ninetd::limits {
namespace {

AddressPrefix prefix(std::string_view text) {
  std::string error;
  auto p = parse_prefix(text, error);
  EXPECT_TRUE(p) << text << ": " << error;
  return p.value_or(AddressPrefix{});
}

std::string parse_error(std::string_view text) {
  std::string error;
  EXPECT_FALSE(parse_prefix(text, error)) << text;
  return error;
}

AccessList list(std::vector<std::string_view> allow, std::vector<std::string_view> deny,
                bool allow_given) {
  std::vector<AccessRule> rules;
  for (auto a : allow) rules.push_back({prefix(a), true});
  for (auto d : deny) rules.push_back({prefix(d), false});
  return AccessList(rules, allow_given);
}

AccessList::Verdict check(const AccessList& l, const char* address) {
  std::uint8_t bytes[16] = {};
  if (inet_pton(AF_INET, address, bytes) == 1) return l.check(bytes, true);
  EXPECT_EQ(inet_pton(AF_INET6, address, bytes), 1) << address;
  return l.check(bytes, false);
}

constexpr auto kAllowed = AccessList::Verdict::allowed;
constexpr auto kDenied = AccessList::Verdict::denied;
constexpr auto kNotAllowed = AccessList::Verdict::not_allowed;

TEST(AddressPrefixes, AddressesAreHostPrefixes) {
  EXPECT_EQ(to_string(prefix("127.0.0.1")), "127.0.0.1/32");
  EXPECT_EQ(to_string(prefix("::1")), "::1/128");
  EXPECT_EQ(to_string(prefix("10.0.0.0/8")), "10.0.0.0/8");
  EXPECT_EQ(to_string(prefix("2001:db8::/32")), "2001:db8::/32");
}

TEST(AddressPrefixes, TheEdges) {
  EXPECT_EQ(to_string(prefix("0.0.0.0/0")), "0.0.0.0/0");
  EXPECT_EQ(to_string(prefix("::/0")), "::/0");
  EXPECT_EQ(to_string(prefix("192.0.2.1/32")), "192.0.2.1/32");
  EXPECT_EQ(to_string(prefix("2001:db8::1/128")), "2001:db8::1/128");
  EXPECT_EQ(parse_error("10.0.0.0/33"), "\"/33\" is not a prefix length for IPv4 (0 to 32)");
  EXPECT_EQ(parse_error("::/129"), "\"/129\" is not a prefix length for IPv6 (0 to 128)");
  EXPECT_EQ(parse_error("10.0.0.0/"), "\"/\" is not a prefix length for IPv4 (0 to 32)");
  EXPECT_EQ(parse_error("10.0.0.0/-1"), "\"/-1\" is not a prefix length for IPv4 (0 to 32)");
  EXPECT_EQ(parse_error("10.0.0.0/8x"), "\"/8x\" is not a prefix length for IPv4 (0 to 32)");
}

TEST(AddressPrefixes, BitsPastTheLengthAreATypo) {
  EXPECT_EQ(parse_error("192.0.2.1/24"),
            "\"192.0.2.1/24\" has address bits set past /24: the network is 192.0.2.0/24");
  EXPECT_EQ(parse_error("2001:db8::1/64"),
            "\"2001:db8::1/64\" has address bits set past /64: the network is 2001:db8::/64");
}

TEST(AddressPrefixes, NamesAndGarbageAreRefused) {
  EXPECT_EQ(parse_error("localhost"), "\"localhost\" is not an IPv4 or IPv6 address");
  EXPECT_EQ(parse_error(""), "\"\" is not an IPv4 or IPv6 address");
  EXPECT_EQ(parse_error("10.0.0"), "\"10.0.0\" is not an IPv4 or IPv6 address");
}

TEST(AddressPrefixes, MappedIpv6PrefixesAreIpv4) {
  EXPECT_EQ(prefix("::ffff:192.0.2.0/120"), prefix("192.0.2.0/24"));
  EXPECT_EQ(prefix("::ffff:127.0.0.1"), prefix("127.0.0.1"));
  EXPECT_EQ(prefix("::ffff:0.0.0.0/96"), prefix("0.0.0.0/0"));
}

TEST(AccessLists, NoRulesServeEveryone) {
  AccessList none;
  EXPECT_FALSE(none.restricts());
  EXPECT_EQ(check(none, "192.0.2.1"), kAllowed);
  EXPECT_EQ(check(none, "2001:db8::1"), kAllowed);
}

TEST(AccessLists, AnAllowListAloneServesOnlyWhatItCovers) {
  AccessList l = list({"127.0.0.1", "10.0.0.0/8", "::1"}, {}, true);
  EXPECT_EQ(check(l, "127.0.0.1"), kAllowed);
  EXPECT_EQ(check(l, "127.0.0.2"), kNotAllowed);
  EXPECT_EQ(check(l, "10.255.255.255"), kAllowed);
  EXPECT_EQ(check(l, "11.0.0.0"), kNotAllowed);
  EXPECT_EQ(check(l, "::1"), kAllowed);
  EXPECT_EQ(check(l, "::2"), kNotAllowed);
}

TEST(AccessLists, AnEmptyAllowListServesNobody) {
  AccessList l = list({}, {}, true);
  EXPECT_TRUE(l.restricts());
  EXPECT_EQ(check(l, "127.0.0.1"), kNotAllowed);
  EXPECT_EQ(check(l, "::1"), kNotAllowed);
}

TEST(AccessLists, ADenyListAloneRefusesOnlyWhatItCovers) {
  AccessList l = list({}, {"192.0.2.0/24", "2001:db8::/32"}, false);
  EXPECT_EQ(check(l, "192.0.2.200"), kDenied);
  EXPECT_EQ(check(l, "192.0.3.1"), kAllowed);
  EXPECT_EQ(check(l, "2001:db8:ffff::1"), kDenied);
  EXPECT_EQ(check(l, "2001:db9::1"), kAllowed);
}

TEST(AccessLists, TheLongestMatchDecides) {
  // xinetd's own example: a host denied inside an allowed network.
  AccessList l = list({"128.138.209.0/24"}, {"128.138.209.10"}, true);
  EXPECT_EQ(check(l, "128.138.209.10"), kDenied);
  EXPECT_EQ(check(l, "128.138.209.11"), kAllowed);
  // And the other way round: a host allowed inside a denied network.
  AccessList m = list({"10.1.2.3"}, {"10.0.0.0/8"}, true);
  EXPECT_EQ(check(m, "10.1.2.3"), kAllowed);
  EXPECT_EQ(check(m, "10.1.2.4"), kDenied);
  EXPECT_EQ(check(m, "11.0.0.1"), kNotAllowed);
}

TEST(AccessLists, APrefixInBothListsRefuses) {
  AccessList l = list({"10.0.0.0/8"}, {"10.0.0.0/8"}, true);
  EXPECT_EQ(check(l, "10.0.0.1"), kDenied);
}

TEST(AccessLists, SlashZeroCoversItsWholeFamilyOnly) {
  AccessList l = list({"0.0.0.0/0"}, {}, true);
  EXPECT_EQ(check(l, "203.0.113.9"), kAllowed);
  EXPECT_EQ(check(l, "::1"), kNotAllowed);
  AccessList m = list({}, {"::/0"}, false);
  EXPECT_EQ(check(m, "::1"), kDenied);
  EXPECT_EQ(check(m, "127.0.0.1"), kAllowed);
}

TEST(AccessLists, MappedClientsAreMatchedAsIpv4) {
  AccessList l = list({"127.0.0.1"}, {"127.0.0.2"}, true);
  EXPECT_EQ(check(l, "::ffff:127.0.0.1"), kAllowed);
  EXPECT_EQ(check(l, "::ffff:127.0.0.2"), kDenied);
  EXPECT_EQ(check(l, "::ffff:127.0.0.3"), kNotAllowed);
}

TEST(AccessLists, HostPrefixesAtTheEdgesOfTheFamily) {
  AccessList l = list(
      {"255.255.255.255", "0.0.0.0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::"}, {}, true);
  EXPECT_EQ(check(l, "255.255.255.255"), kAllowed);
  EXPECT_EQ(check(l, "0.0.0.0"), kAllowed);
  EXPECT_EQ(check(l, "255.255.255.254"), kNotAllowed);
  EXPECT_EQ(check(l, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), kAllowed);
  EXPECT_EQ(check(l, "::"), kAllowed);
  EXPECT_EQ(check(l, "::2"), kNotAllowed);
}

TEST(AccessLists, AThousandRulesOfManyLengths) {
  std::vector<AccessRule> rules;
  std::string error;
  for (int i = 0; i < 1000; ++i) {
    std::string text = fmt::format("10.{}.{}.0/24", i / 256, i % 256);
    rules.push_back({*parse_prefix(text, error), i % 2 == 0});
  }
  rules.push_back({*parse_prefix("10.0.0.0/8", error), false});
  AccessList l(rules, true);
  EXPECT_EQ(check(l, "10.0.0.7"), kAllowed);    // rule 0, allow
  EXPECT_EQ(check(l, "10.0.1.7"), kDenied);     // rule 1, deny
  EXPECT_EQ(check(l, "10.3.231.1"), kDenied);   // rule 999, deny
  EXPECT_EQ(check(l, "10.3.230.1"), kAllowed);  // rule 998, allow
  EXPECT_EQ(check(l, "10.200.0.1"), kDenied);   // only the /8
  EXPECT_EQ(check(l, "11.0.0.1"), kNotAllowed);
}

}  // namespace
}  // namespace ninetd::limits
