// Family twins: when a "tcp6" ("udp6") line only repeats the IPv6 half of a
// "tcp" ("udp") line, and when it asks for something else.
#include "services/twin.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "net/socket_address.h"

namespace ninetd::services {
namespace {

using config::FamilyRule;

// The IPv6-only socket of "daytime stream tcp nowait root internal".
Service daytime_v6(const char* name = "daytime/tcp") {
  Service s;
  s.name = name;
  s.socket_type = config::SocketType::stream;
  s.transport = config::Transport::tcp;
  s.address = *net::SocketAddress::from_numeric("::", 13);
  s.v6only = true;
  s.builtin = config::Builtin::daytime;
  return s;
}

TEST(FamilyTwins, Tcp6LineRepeatingTheIpv6HalfOfTcpIsATwinInEitherOrder) {
  EXPECT_TRUE(family_twins(daytime_v6(), FamilyRule::both, daytime_v6("daytime/tcp6"),
                           FamilyRule::v6_only));
  EXPECT_TRUE(family_twins(daytime_v6("daytime/tcp6"), FamilyRule::v6_only, daytime_v6(),
                           FamilyRule::both));
}

TEST(FamilyTwins, UdpAndUdp6AreTwinsToo) {
  Service a = daytime_v6("daytime/udp");
  a.socket_type = config::SocketType::dgram;
  a.transport = config::Transport::udp;
  a.wait_mode = config::WaitMode::wait;
  Service b = a;
  b.name = "daytime/udp6";
  EXPECT_TRUE(family_twins(a, FamilyRule::both, b, FamilyRule::v6_only));
}

TEST(FamilyTwins, TheSameProtocolTwiceIsNoTwin) {
  EXPECT_FALSE(family_twins(daytime_v6(), FamilyRule::both, daytime_v6(), FamilyRule::both));
  EXPECT_FALSE(family_twins(daytime_v6("daytime/tcp6"), FamilyRule::v6_only,
                            daytime_v6("daytime/tcp6"), FamilyRule::v6_only));
}

TEST(FamilyTwins, OtherFamilyRulesAreNoTwins) {
  // tcp4 and tcp share the IPv4 socket, tcp46 and tcp6 the IPv6 one: each is
  // still an error, as a line that means a different socket layout.
  EXPECT_FALSE(family_twins(daytime_v6(), FamilyRule::both, daytime_v6(), FamilyRule::v4));
  EXPECT_FALSE(family_twins(daytime_v6(), FamilyRule::dual, daytime_v6(), FamilyRule::v6_only));
}

TEST(FamilyTwins, AnyDifferenceInHowItIsServedIsNoTwin) {
  Service a = daytime_v6();
  auto differs = [&](auto change) {
    Service b = daytime_v6("daytime/tcp6");
    change(b);
    return !family_twins(a, FamilyRule::both, b, FamilyRule::v6_only);
  };
  EXPECT_TRUE(differs([](Service& b) { b.builtin = config::Builtin::time; }));
  EXPECT_TRUE(differs([](Service& b) { b.credentials.uid = 65534; }));
  EXPECT_TRUE(differs([](Service& b) { b.credentials.gid = 5; }));
  EXPECT_TRUE(differs([](Service& b) { b.argv = {"daytime", "-x"}; }));
  EXPECT_TRUE(differs([](Service& b) { b.program = "/usr/libexec/daytimed"; }));
  EXPECT_TRUE(differs([](Service& b) { b.wait_mode = config::WaitMode::wait; }));
  EXPECT_TRUE(differs([](Service& b) { b.limits.max_child = 3; }));
  EXPECT_TRUE(differs([](Service& b) { b.limits.max_per_minute = 10; }));
  EXPECT_TRUE(differs([](Service& b) { b.sndbuf = 4096; }));
  EXPECT_TRUE(differs([](Service& b) { b.listen_fds = true; }));
  EXPECT_TRUE(differs([](Service& b) {
    LaunchSettings settings;
    settings.login_class = LoginClass{"daemon", {}};
    b.extras = ExtrasRef::make({.launch = settings});
  }));
  EXPECT_FALSE(differs([](Service&) {}));
}

TEST(FamilyTwins, TcpmuxNamesHaveNoSocketAndAreNoTwins) {
  Service a = daytime_v6("tcpmux/x/tcp");
  a.tcpmux = true;
  a.tcpmux_name = std::string("x");  // move: GCC 12 -Wrestrict misfires on "x"
  Service b = a;
  b.name = "tcpmux/x/tcp6";
  EXPECT_FALSE(family_twins(a, FamilyRule::both, b, FamilyRule::v6_only));
}

}  // namespace
}  // namespace ninetd::services
