// Environment: the envp a server starts with: PATH only, plus the UCSPI
// variables (PROTO, TCPREMOTEIP, ...) for a connection.
#include "spawn/environment.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ninetd::spawn {
namespace {

using Strings = std::vector<std::string>;

net::SocketAddress at(const char* ip, std::uint16_t port) {
  return net::SocketAddress::from_numeric(ip, port).value();
}

Strings from_envp(char* const* envp) {
  Strings out;
  for (; *envp != nullptr; ++envp) out.emplace_back(*envp);
  return out;
}

TEST(Environment, StartsWithPathOnly) {
  Environment env;
  EXPECT_EQ(env.variables(), Strings{kDefaultPath});
  EXPECT_EQ(std::string(kDefaultPath).rfind("PATH=", 0), 0u);
}

TEST(Environment, DoesNotInheritTheDaemonsEnvironment) {
  setenv("NINETD_TEST_LEAK", "1", 1);
  Environment env;
  for (const auto& v : env.variables()) EXPECT_EQ(v.find("NINETD_TEST_LEAK"), std::string::npos);
  unsetenv("NINETD_TEST_LEAK");
}

TEST(Environment, AddAppendsInOrder) {
  Environment env;
  env.add("LISTEN_FDS=1");
  env.add("LISTEN_PID=42");
  EXPECT_EQ(env.variables(), (Strings{kDefaultPath, "LISTEN_FDS=1", "LISTEN_PID=42"}));
}

TEST(Environment, Ipv4ConnectionGetsTcpVariables) {
  Environment env;
  env.add_connection("TCP", at("192.0.2.1", 7), at("198.51.100.2", 40000));
  EXPECT_EQ(env.variables(),
            (Strings{kDefaultPath, "PROTO=TCP", "TCPREMOTEIP=198.51.100.2", "TCPREMOTEPORT=40000",
                     "TCPLOCALIP=192.0.2.1", "TCPLOCALPORT=7"}));
}

// tcpserver-style servers read TCPREMOTEIP whatever the family (s6-tcpserverd
// sets it for IPv6 too); ucspi-tcp6 servers read the TCP6 forms.
TEST(Environment, Ipv6ConnectionGetsPlainAndTcp6Variables) {
  Environment env;
  env.add_connection("TCP", at("2001:db8::1", 7), at("2001:db8::2", 40000));
  EXPECT_EQ(env.variables(),
            (Strings{kDefaultPath, "PROTO=TCP6", "TCPREMOTEIP=2001:db8::2", "TCPREMOTEPORT=40000",
                     "TCPLOCALIP=2001:db8::1", "TCPLOCALPORT=7", "TCP6REMOTEIP=2001:db8::2",
                     "TCP6REMOTEPORT=40000", "TCP6LOCALIP=2001:db8::1", "TCP6LOCALPORT=7"}));
}

TEST(Environment, V4MappedPeerCountsAsIpv4) {
  Environment env;
  env.add_connection("TCP", at("::ffff:192.0.2.1", 7), at("::ffff:198.51.100.2", 40000));
  EXPECT_EQ(env.variables(),
            (Strings{kDefaultPath, "PROTO=TCP", "TCPREMOTEIP=198.51.100.2", "TCPREMOTEPORT=40000",
                     "TCPLOCALIP=192.0.2.1", "TCPLOCALPORT=7"}));
}

TEST(Environment, TransportNameIsTheCallers) {
  Environment env;
  env.add_connection("UDP", at("192.0.2.1", 13), at("198.51.100.2", 5000));
  EXPECT_EQ(env.variables()[1], "PROTO=UDP");
  EXPECT_EQ(env.variables()[2], "UDPREMOTEIP=198.51.100.2");
}

TEST(Environment, EnvpIsNullTerminatedAndMatchesVariables) {
  Environment env;
  env.add_connection("TCP", at("127.0.0.1", 7), at("127.0.0.1", 50000));
  char* const* envp = env.envp();
  EXPECT_EQ(from_envp(envp), env.variables());
  EXPECT_EQ(envp[env.variables().size()], nullptr);
}

TEST(Environment, EnvpOfTheDefaultIsPathThenNull) {
  Environment env;
  char* const* envp = env.envp();
  ASSERT_NE(envp[0], nullptr);
  EXPECT_STREQ(envp[0], kDefaultPath);
  EXPECT_EQ(envp[1], nullptr);
}

TEST(Environment, EnvpReflectsLaterChanges) {
  Environment env;
  env.envp();
  env.add("FOO=bar");
  EXPECT_EQ(from_envp(env.envp()), (Strings{kDefaultPath, "FOO=bar"}));
}

TEST(Environment, ResetGoesBackToPathOnly) {
  Environment env;
  env.add_connection("TCP", at("127.0.0.1", 7), at("127.0.0.1", 50000));
  env.reset();
  EXPECT_EQ(env.variables(), Strings{kDefaultPath});
  EXPECT_EQ(from_envp(env.envp()), Strings{kDefaultPath});
}

}  // namespace
}  // namespace ninetd::spawn
