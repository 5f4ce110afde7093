// What the daemon asks of rpcbind for its RPC services (rpc/registration.h):
// the mappings of a bound socket, and the calls that take rpcbind from what
// it has to what the daemon wants.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <set>
#include <string>
#include <vector>

#include "rpc/registration.h"

namespace ninetd::rpc {
namespace {

services::Service rusersd(config::Transport transport = config::Transport::udp) {
  services::Service s;
  s.name = "rusersd/rpc/udp";
  s.transport = transport;
  s.rpc_program = 100002;
  s.rpc_low_version = 2;
  s.rpc_high_version = 3;
  return s;
}

net::SocketAddress at(const char* ip, std::uint16_t port) {
  return *net::SocketAddress::from_numeric(ip, port);
}

Binding binding(std::uint32_t version, const char* netid, const char* address) {
  return Binding{100002, version, netid, address, "rusersd/rpc/udp"};
}

TEST(RpcNetid, TransportAndFamilyAsNetconfigNamesThem) {
  EXPECT_EQ(netid_of(config::Transport::udp, AF_INET), "udp");
  EXPECT_EQ(netid_of(config::Transport::tcp, AF_INET), "tcp");
  EXPECT_EQ(netid_of(config::Transport::udp, AF_INET6), "udp6");
  EXPECT_EQ(netid_of(config::Transport::tcp, AF_INET6), "tcp6");
  EXPECT_EQ(netid_of(config::Transport::local, AF_UNIX), "");
}

TEST(RpcUniversalAddress, AddressThenThePortsTwoBytes) {
  EXPECT_EQ(universal_address(at("0.0.0.0", 54041)), "0.0.0.0.211.25");
  EXPECT_EQ(universal_address(at("127.0.0.1", 1000)), "127.0.0.1.3.232");
  EXPECT_EQ(universal_address(at("::", 38936)), "::.152.24");
  EXPECT_EQ(universal_address(at("::1", 111)), "::1.0.111");
}

TEST(RpcBindings, EveryVersionOnTheSocketsNetid) {
  std::vector<Binding> expected{binding(2, "udp", "0.0.0.0.211.25"),
                                binding(3, "udp", "0.0.0.0.211.25")};
  EXPECT_EQ(bindings_for(rusersd(), at("0.0.0.0", 54041)), expected);
  std::vector<Binding> v6 = bindings_for(rusersd(config::Transport::tcp), at("::", 38936));
  ASSERT_EQ(v6.size(), 2u);
  EXPECT_EQ(v6[0].netid, "tcp6");
  EXPECT_EQ(v6[1].version, 3u);
  EXPECT_EQ(v6[1].service, "rusersd/rpc/udp");
}

TEST(RpcBindings, NoneForAServiceThatIsNotRpc) {
  services::Service echo;
  EXPECT_TRUE(bindings_for(echo, at("0.0.0.0", 7)).empty());
}

TEST(RpcBindings, TheHighestVersionDoesNotWrapAround) {
  services::Service s = rusersd();
  s.rpc_low_version = 0xfffffffe;
  s.rpc_high_version = 0xffffffff;
  EXPECT_EQ(bindings_for(s, at("0.0.0.0", 1)).size(), 2u);
}

TEST(RpcPlan, WhatIsWantedAndMissingIsSetWhatIsUnwantedIsUnset) {
  std::set<Binding> registered{binding(2, "udp", "0.0.0.0.1.1"), binding(3, "udp", "0.0.0.0.1.1")};
  std::set<Binding> wanted{binding(3, "udp", "0.0.0.0.1.1"), binding(3, "udp6", "::.1.2")};
  Plan plan = plan_registration(registered, wanted);
  EXPECT_EQ(plan.unset, std::vector<Binding>{binding(2, "udp", "0.0.0.0.1.1")});
  EXPECT_EQ(plan.set, std::vector<Binding>{binding(3, "udp6", "::.1.2")});
}

TEST(RpcPlan, ANewAddressForASlotIsASetOnly) {
  // The set clears the slot first: unsetting it too would be a second call for nothing.
  Plan plan =
      plan_registration({binding(2, "udp", "0.0.0.0.1.1")}, {binding(2, "udp", "0.0.0.0.2.2")});
  EXPECT_TRUE(plan.unset.empty());
  EXPECT_EQ(plan.set, std::vector<Binding>{binding(2, "udp", "0.0.0.0.2.2")});
}

TEST(RpcPlan, NothingToDoWhenRpcbindHasWhatIsWanted) {
  std::set<Binding> both{binding(2, "udp", "0.0.0.0.1.1")};
  EXPECT_TRUE(plan_registration(both, both).empty());
  EXPECT_TRUE(plan_registration({}, {}).empty());
}

TEST(RpcPlan, EverythingGoesWhenNothingIsWanted) {
  std::set<Binding> registered{binding(2, "udp", "0.0.0.0.1.1"), binding(2, "udp6", "::.1.1")};
  EXPECT_EQ(plan_registration(registered, {}).unset.size(), 2u);
}

TEST(RpcRetry, OneSecondDoublingUpToAMinute) {
  EXPECT_EQ(retry_delay(1).count(), 1);
  EXPECT_EQ(retry_delay(2).count(), 2);
  EXPECT_EQ(retry_delay(3).count(), 4);
  EXPECT_EQ(retry_delay(6).count(), 32);
  EXPECT_EQ(retry_delay(7).count(), 60);
  EXPECT_EQ(retry_delay(1000).count(), 60);
}

}  // namespace
}  // namespace ninetd::rpc
