// LaunchTemplate: a service's launches laid out once; a launch writes only the
// connection's addresses. Its environment must be the one Environment formats
// for the same connection, and a plan made in an arena must point nowhere but
// into it (or at constant strings), since the daemon goes on while the child
// reads it.
#include "spawn/launch_template.h"

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "spawn/environment.h"

namespace ninetd::spawn {
namespace {

using Strings = std::vector<std::string>;

net::SocketAddress at(const char* ip, std::uint16_t port) {
  return net::SocketAddress::from_numeric(ip, port).value();
}

Strings read(char* const* strings) {
  Strings out;
  for (; *strings != nullptr; ++strings) out.emplace_back(*strings);
  return out;
}

// What launch_server formatted per launch before the template, for comparison.
Strings formatted(const char* transport, const net::SocketAddress& local,
                  const net::SocketAddress& remote, bool listen_fds = false) {
  Environment env;
  env.add_connection(transport, local, remote);
  if (listen_fds) {
    env.add("LISTEN_FDS=1");
    env.add("LISTEN_PID=" + std::string(20, ' '));
  }
  return env.variables();
}

services::Service service_at(const net::SocketAddress& address) {
  services::Service s;
  s.name = "test/tcp";
  s.address = address;
  s.program = "/usr/sbin/in.testd";
  s.argv = {"in.testd", "-v", ""};
  return s;
}

class LaunchTemplateTest : public ::testing::Test {
 protected:
  bool inside(const void* p) const {
    auto* byte = static_cast<const std::byte*>(p);
    return byte >= arena.data() && byte < arena.data() + arena.size();
  }

  // Through a slot's arena, as the launch that does not wait makes it.
  LaunchPlan in_arena(const LaunchTemplate& t, const PerLaunch& launch) {
    LaunchPlan plan;
    EXPECT_TRUE(t.instantiate(launch, arena, plan));
    return plan;
  }

  alignas(16) std::array<std::byte, 4096> arena{};
};

TEST_F(LaunchTemplateTest, OneAddressListenerIpv4MatchesTheFormattedEnvironment) {
  net::SocketAddress listener = at("192.0.2.1", 7);
  LaunchTemplate t(service_at(listener), {});
  EXPECT_FALSE(t.needs_local_address());
  net::SocketAddress peer = at("198.51.100.2", 40000);
  PerLaunch launch{.socket_fd = 5, .peer = &peer};
  EXPECT_EQ(read(in_arena(t, launch).envp), formatted("TCP", listener, peer));
  EXPECT_EQ(read(t.instantiate_in_place(launch).envp), formatted("TCP", listener, peer));
}

TEST_F(LaunchTemplateTest, Ipv6PeerGetsBothSets) {
  net::SocketAddress listener = at("2001:db8::1", 7);
  LaunchTemplate t(service_at(listener), {});
  net::SocketAddress peer = at("2001:db8::2", 40000);
  PerLaunch launch{.peer = &peer};
  EXPECT_EQ(read(in_arena(t, launch).envp), formatted("TCP", listener, peer));
  EXPECT_EQ(read(in_arena(t, launch).envp),
            (Strings{kDefaultPath, "PROTO=TCP6", "TCPREMOTEIP=2001:db8::2", "TCPREMOTEPORT=40000",
                     "TCPLOCALIP=2001:db8::1", "TCPLOCALPORT=7", "TCP6REMOTEIP=2001:db8::2",
                     "TCP6REMOTEPORT=40000", "TCP6LOCALIP=2001:db8::1", "TCP6LOCALPORT=7"}));
}

TEST_F(LaunchTemplateTest, WildcardListenerTakesTheLocalAddressPerLaunch) {
  LaunchTemplate t(service_at(net::SocketAddress::any_ipv6(7)), {});
  EXPECT_TRUE(t.needs_local_address());
  // A dual-stack wildcard: v4-mapped peers count as IPv4, others as IPv6.
  net::SocketAddress mapped_local = at("::ffff:192.0.2.1", 7);
  net::SocketAddress mapped_peer = at("::ffff:198.51.100.2", 40000);
  net::SocketAddress local6 = at("2001:db8::1", 7);
  net::SocketAddress peer6 = at("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", 65535);
  PerLaunch v4{.peer = &mapped_peer, .local = &mapped_local};
  PerLaunch v6{.peer = &peer6, .local = &local6};
  EXPECT_EQ(read(in_arena(t, v4).envp), formatted("TCP", mapped_local, mapped_peer));
  EXPECT_EQ(read(in_arena(t, v6).envp), formatted("TCP", local6, peer6));
  // In place, each launch writes over the last: no trace of the previous one.
  EXPECT_EQ(read(t.instantiate_in_place(v6).envp), formatted("TCP", local6, peer6));
  EXPECT_EQ(read(t.instantiate_in_place(v4).envp),
            (Strings{kDefaultPath, "PROTO=TCP", "TCPREMOTEIP=198.51.100.2", "TCPREMOTEPORT=40000",
                     "TCPLOCALIP=192.0.2.1", "TCPLOCALPORT=7"}));
  EXPECT_EQ(read(t.instantiate_in_place(v6).envp), formatted("TCP", local6, peer6));
}

TEST_F(LaunchTemplateTest, WithoutTheKernelsAnswerTheLocalAddressIsEmpty) {
  LaunchTemplate t(service_at(net::SocketAddress::any_ipv4(7)), {});
  net::SocketAddress peer = at("198.51.100.2", 0);
  PerLaunch launch{.peer = &peer};
  EXPECT_EQ(read(in_arena(t, launch).envp), formatted("TCP", net::SocketAddress(), peer));
}

TEST_F(LaunchTemplateTest, UdpAndListenFds) {
  services::Service s = service_at(at("127.0.0.1", 13));
  s.transport = config::Transport::udp;
  s.listen_fds = true;
  LaunchTemplate t(s, {});
  net::SocketAddress peer = at("127.0.0.1", 5000);
  PerLaunch launch{.peer = &peer};
  LaunchPlan plan = in_arena(t, launch);
  EXPECT_EQ(read(plan.envp), formatted("UDP", at("127.0.0.1", 13), peer, true));
  EXPECT_TRUE(plan.listen_fds);
  // The child writes its pid into LISTEN_PID: that one must be the launch's own.
  EXPECT_TRUE(inside(plan.envp[7]));
  EXPECT_STREQ(plan.envp[7], ("LISTEN_PID=" + std::string(20, ' ')).c_str());
}

TEST_F(LaunchTemplateTest, NoIpPeerGetsPathOnly) {
  services::Service s = service_at(at("127.0.0.1", 13));
  s.listen_fds = true;
  LaunchTemplate t(s, {});
  // A server given the listener (wait, dgram) has no peer.
  EXPECT_EQ(read(in_arena(t, PerLaunch{}).envp),
            (Strings{kDefaultPath, "LISTEN_FDS=1", "LISTEN_PID=" + std::string(20, ' ')}));
  services::Service unix_service = service_at(*net::SocketAddress::from_path("/run/t.sock"));
  LaunchTemplate u(unix_service, {});
  net::SocketAddress unix_peer = *net::SocketAddress::from_path("/run/client");
  EXPECT_EQ(read(in_arena(u, PerLaunch{.peer = &unix_peer}).envp), Strings{kDefaultPath});
}

TEST_F(LaunchTemplateTest, TcpmuxServiceAsksForItsLocalAddress) {
  services::Service s = service_at(net::SocketAddress());
  s.tcpmux = true;
  s.tcpmux_name = "test";
  LaunchTemplate t(s, {});
  EXPECT_TRUE(t.needs_local_address());
  net::SocketAddress local = at("192.0.2.1", 1);
  net::SocketAddress peer = at("198.51.100.2", 40000);
  EXPECT_EQ(read(in_arena(t, PerLaunch{.peer = &peer, .local = &local}).envp),
            formatted("TCP", local, peer));
}

TEST_F(LaunchTemplateTest, PlanInTheArenaHoldsCopies) {
  services::Service s = service_at(at("127.0.0.1", 7));
  s.credentials.switch_user = true;
  s.credentials.uid = 65534;
  s.credentials.gid = 65533;
  s.credentials.groups = {65533, 100, 27};
  services::LaunchSettings settings;
  settings.login_class = services::LoginClass{
      "daemon", {services::ResourceLimit{7, 64, 128}, services::ResourceLimit{4, 0, 0}}};
  s.extras = services::ExtrasRef::make({.launch = std::move(settings)});
  auto t = std::make_unique<LaunchTemplate>(s, CredentialSteps{});
  net::SocketAddress peer = at("127.0.0.1", 50000);
  LaunchPlan plan = in_arena(*t, PerLaunch{.socket_fd = 9, .new_session = true, .peer = &peer});
  EXPECT_EQ(plan.socket_fd, 9);
  EXPECT_TRUE(plan.new_session);
  EXPECT_FALSE(plan.listen_fds);
  EXPECT_TRUE(inside(plan.path));
  ASSERT_TRUE(inside(plan.argv));
  ASSERT_TRUE(inside(plan.envp));
  for (char* const* a = plan.argv; *a != nullptr; ++a) EXPECT_TRUE(inside(*a));
  // PATH and PROTO are constants in static storage; the values are the launch's.
  for (int i = 2; plan.envp[i] != nullptr; ++i) EXPECT_TRUE(inside(plan.envp[i]));
  ASSERT_TRUE(inside(plan.groups));
  ASSERT_TRUE(inside(plan.limits));
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(plan.argv) % alignof(char*), 0u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(plan.limits) % alignof(services::ResourceLimit), 0u);

  // A reload replaces the template (and the service) while the child still runs.
  t.reset();
  s = services::Service();
  EXPECT_STREQ(plan.path, "/usr/sbin/in.testd");
  EXPECT_EQ(read(plan.argv), (Strings{"in.testd", "-v", ""}));
  EXPECT_EQ(read(plan.envp), formatted("TCP", at("127.0.0.1", 7), peer));
  EXPECT_TRUE(plan.set_groups && plan.set_gid && plan.set_uid);
  EXPECT_EQ(plan.uid, 65534u);
  EXPECT_EQ(plan.gid, 65533u);
  EXPECT_EQ(std::vector<gid_t>(plan.groups, plan.groups + plan.group_count),
            (std::vector<gid_t>{65533, 100, 27}));
  EXPECT_EQ(std::vector<services::ResourceLimit>(plan.limits, plan.limits + plan.limit_count),
            (std::vector<services::ResourceLimit>{{7, 64, 128}, {4, 0, 0}}));
  EXPECT_EQ(plan.step, nullptr);
}

TEST_F(LaunchTemplateTest, SameAsTheRequestItReplaces) {
  services::Service s = service_at(at("127.0.0.1", 7));
  s.credentials.switch_user = true;
  s.credentials.uid = 1;
  s.credentials.gid = 2;
  s.credentials.groups = {2, 3};
  s.listen_fds = true;
  for (CredentialSteps steps : {CredentialSteps{}, CredentialSteps{false, false, true},
                                CredentialSteps{true, false, false}}) {
    LaunchTemplate t(s, steps);
    LaunchPlan from_template = in_arena(t, PerLaunch{.socket_fd = 4});
    std::vector<char*> argv;
    for (auto& arg : s.argv) argv.push_back(arg.data());
    argv.push_back(nullptr);
    LaunchRequest request;
    request.path = s.program.c_str();
    request.argv = argv.data();
    request.socket_fd = 4;
    request.listen_fds = true;
    request.credentials = &s.credentials;
    request.credential_steps = steps;
    LaunchPlan from_request = plan_in_place(request);
    EXPECT_STREQ(from_template.path, from_request.path);
    EXPECT_EQ(read(from_template.argv), read(from_request.argv));
    EXPECT_EQ(from_template.listen_fds, from_request.listen_fds);
    EXPECT_EQ(from_template.set_groups, from_request.set_groups);
    EXPECT_EQ(from_template.set_gid, from_request.set_gid);
    EXPECT_EQ(from_template.set_uid, from_request.set_uid);
    EXPECT_EQ(from_template.uid, from_request.uid);
    EXPECT_EQ(from_template.gid, from_request.gid);
    EXPECT_EQ(from_template.group_count, from_request.group_count);
    EXPECT_EQ(from_template.limit_count, 0u);
  }
}

TEST_F(LaunchTemplateTest, NoUserSwitchMeansNoCredentialCalls) {
  services::Service s = service_at(at("127.0.0.1", 7));
  s.credentials.groups = {5};
  LaunchTemplate t(s, {});
  LaunchPlan plan = in_arena(t, PerLaunch{});
  EXPECT_FALSE(plan.set_groups || plan.set_gid || plan.set_uid);
  EXPECT_EQ(plan.group_count, 0u);
}

TEST_F(LaunchTemplateTest, TooSmallOrMisalignedArenaIsRefused) {
  LaunchTemplate t(service_at(net::SocketAddress::any_ipv6(7)), {});
  ASSERT_GT(t.size(), 0u);
  ASSERT_LE(t.size(), arena.size() - 8);
  net::SocketAddress peer = at("2001:db8::2", 40000);
  net::SocketAddress local = at("2001:db8::1", 7);
  PerLaunch launch{.peer = &peer, .local = &local};
  LaunchPlan plan;
  EXPECT_FALSE(t.instantiate(launch, std::span<std::byte>(arena.data(), t.size() - 1), plan));
  EXPECT_FALSE(t.instantiate(launch, std::span<std::byte>(arena.data() + 1, t.size()), plan));
  // Exactly its size is enough, and nothing is written beyond it.
  std::memset(arena.data() + t.size(), 0x5a, 8);
  ASSERT_TRUE(t.instantiate(launch, std::span<std::byte>(arena.data(), t.size()), plan));
  for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(arena[t.size() + i], std::byte{0x5a});
  EXPECT_EQ(read(plan.envp), formatted("TCP", local, peer));
}

TEST_F(LaunchTemplateTest, BuiltinHasNoEnvironmentToFill) {
  services::Service s = service_at(at("127.0.0.1", 7));
  s.builtin = config::Builtin::echo;
  LaunchTemplate t(s, {});
  net::SocketAddress peer = at("127.0.0.1", 50000);
  EXPECT_EQ(read(in_arena(t, PerLaunch{.peer = &peer}).envp), Strings{kDefaultPath});
}

TEST_F(LaunchTemplateTest, EmptyTemplateLaunchesNothing) {
  LaunchTemplate t;
  LaunchPlan plan = t.instantiate_in_place(PerLaunch{.socket_fd = 3});
  EXPECT_STREQ(plan.path, "");
  EXPECT_EQ(plan.argv[0], nullptr);
  EXPECT_EQ(plan.envp[0], nullptr);
  EXPECT_EQ(plan.socket_fd, 3);
  plan = in_arena(t, PerLaunch{});
  EXPECT_STREQ(plan.path, "");
}

TEST_F(LaunchTemplateTest, TheServicesOwnVariablesComeAfterTheConnections) {
  services::Service s = service_at(at("127.0.0.1", 7));
  services::LaunchSettings settings;
  settings.environment = {"LANG=C.UTF-8", "PATH=/opt/bin", "EMPTY="};
  s.extras = services::ExtrasRef::make({.launch = settings});
  LaunchTemplate t(s, {});
  net::SocketAddress peer = at("127.0.0.1", 50000);
  Strings expected = formatted("TCP", at("127.0.0.1", 7), peer);
  expected[0] = "PATH=/opt/bin";  // in the default's place
  expected.push_back("LANG=C.UTF-8");
  expected.push_back("EMPTY=");
  LaunchPlan plan = in_arena(t, PerLaunch{.peer = &peer});
  EXPECT_EQ(read(plan.envp), expected);
  // All in the arena but PROTO, a constant in static storage.
  for (char* const* v = plan.envp; *v != nullptr; ++v)
    EXPECT_TRUE(v == plan.envp + 1 || inside(*v)) << *v;
  EXPECT_EQ(read(t.instantiate_in_place(PerLaunch{.peer = &peer}).envp), expected);
  // No peer (a wait server): PATH and the service's own.
  EXPECT_EQ(read(in_arena(t, PerLaunch{}).envp),
            (Strings{"PATH=/opt/bin", "LANG=C.UTF-8", "EMPTY="}));
  EXPECT_FALSE(plan.set_nice);
  EXPECT_FALSE(plan.set_umask);
}

TEST_F(LaunchTemplateTest, NiceUmaskAndLimitsReachThePlan) {
  services::Service s = service_at(at("127.0.0.1", 7));
  services::LaunchSettings settings;
  settings.login_class = services::LoginClass{
      "daemon", {services::ResourceLimit{7, 64, 128}, services::ResourceLimit{0, 5, 5}}};
  settings.limits = {services::ResourceLimit{7, 32, 32}, services::ResourceLimit{9, 1, 1}};
  settings.nice = -3;
  settings.umask = 077;
  s.extras = services::ExtrasRef::make({.launch = settings});
  LaunchTemplate t(s, {});
  LaunchPlan plan = in_arena(t, PerLaunch{});
  EXPECT_TRUE(plan.set_nice);
  EXPECT_EQ(plan.nice, -3);
  EXPECT_TRUE(plan.set_umask);
  EXPECT_EQ(plan.umask, 077u);
  ASSERT_TRUE(inside(plan.limits));
  EXPECT_EQ(std::vector<services::ResourceLimit>(plan.limits, plan.limits + plan.limit_count),
            (std::vector<services::ResourceLimit>{{0, 5, 5}, {7, 32, 32}, {9, 1, 1}}));
  EXPECT_EQ(read(plan.envp), Strings{kDefaultPath});
}

}  // namespace
}  // namespace ninetd::spawn
