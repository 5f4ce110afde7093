// ReloadDiff: how a reload sorts services by key (socket type, transport,
// address, v6only) into added, changed, unchanged, removed and kept_broken.
#include "services/reload_diff.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ninetd::services {
namespace {

using config::FailedEntry;

net::SocketAddress inet(const char* ip, std::uint16_t port) {
  return net::SocketAddress::from_numeric(ip, port).value();
}

Service echo_tcp() {
  Service s;
  s.name = "echo/tcp";
  s.socket_type = config::SocketType::stream;
  s.transport = config::Transport::tcp;
  s.address = net::SocketAddress::any_ipv4(7);
  s.wait_mode = config::WaitMode::nowait;
  s.builtin = config::Builtin::echo;
  return s;
}

Service echo_udp() {
  Service s = echo_tcp();
  s.name = "echo/udp";
  s.socket_type = config::SocketType::dgram;
  s.transport = config::Transport::udp;
  s.wait_mode = config::WaitMode::wait;
  return s;
}

ExtrasRef with_class(LoginClass login_class) {
  LaunchSettings settings;
  settings.login_class = std::move(login_class);
  return ExtrasRef::make({.launch = std::move(settings)});
}

Service ftp_tcp() {
  Service s;
  s.name = "ftp/tcp";
  s.address = net::SocketAddress::any_ipv4(21);
  s.program = "/usr/sbin/in.ftpd";
  s.argv = {"in.ftpd", "-l"};
  return s;
}

std::vector<std::string> keys(const std::vector<const Service*>& services) {
  std::vector<std::string> out;
  for (const Service* s : services) out.push_back(s->key());
  return out;
}

std::vector<const Service*> pointers(const std::vector<Service>& services) {
  std::vector<const Service*> out;
  for (const auto& s : services) out.push_back(&s);
  return out;
}

// --- Service::key ---

TEST(ServiceKey, NamesSocketTypeTransportAndAddress) {
  EXPECT_EQ(echo_tcp().key(), "stream tcp 0.0.0.0:7");
  EXPECT_EQ(echo_udp().key(), "dgram udp 0.0.0.0:7");
}

TEST(ServiceKey, MarksV6Only) {
  Service s = echo_tcp();
  s.address = net::SocketAddress::any_ipv6(7);
  EXPECT_EQ(s.key(), "stream tcp [::]:7");
  s.v6only = true;
  EXPECT_EQ(s.key(), "stream tcp [::]:7 v6only");
}

TEST(ServiceKey, UnixSocketsAreKeyedByPath) {
  Service s = ftp_tcp();
  s.transport = config::Transport::local;
  s.address = net::SocketAddress::from_path("/run/ftp.sock").value();
  EXPECT_EQ(s.key(), "stream unix /run/ftp.sock");
}

TEST(ServiceKey, TcpmuxServicesAreKeyedByTheirName) {
  Service s = ftp_tcp();
  s.tcpmux = true;
  s.tcpmux_name = "ftp";
  EXPECT_EQ(s.key(), "tcpmux ftp");
}

TEST(ServiceKey, DoesNotDependOnLaunchSettings) {
  Service a = ftp_tcp();
  Service b = ftp_tcp();
  b.program = "/usr/bin/other";
  b.name = "21/tcp";
  b.sndbuf = 4096;
  EXPECT_EQ(a.key(), b.key());
}

TEST(ServiceKeyLess, OrdersExactlyWhatTheKeyNames) {
  std::vector<Service> services{echo_tcp(), echo_udp(), ftp_tcp()};
  Service v6 = echo_tcp();
  v6.address = net::SocketAddress::any_ipv6(7);
  services.push_back(v6);
  v6.v6only = true;
  services.push_back(v6);
  Service loopback = echo_tcp();
  loopback.address = inet("127.0.0.1", 7);
  services.push_back(loopback);
  Service path = ftp_tcp();
  path.transport = config::Transport::local;
  path.address = net::SocketAddress::from_path("/run/ftp.sock").value();
  services.push_back(path);
  Service mux = ftp_tcp();
  mux.tcpmux = true;
  mux.tcpmux_name = "ftp";
  services.push_back(mux);
  mux.tcpmux_name = "http";
  services.push_back(mux);
  Service relaunched = ftp_tcp();  // same key as ftp_tcp, other launch settings
  relaunched.program = "/usr/sbin/vsftpd";
  relaunched.name = "21/tcp";
  services.push_back(relaunched);

  for (const Service& a : services) {
    for (const Service& b : services) {
      bool equivalent = !Service::key_less(a, b) && !Service::key_less(b, a);
      EXPECT_EQ(equivalent, a.key() == b.key()) << a.key() << " / " << b.key();
      EXPECT_FALSE(Service::key_less(a, b) && Service::key_less(b, a));
    }
  }
}

// --- Service::same_launch / same_socket_options ---

TEST(ServiceSameLaunch, ComparesEverythingAServerStartsWith) {
  const Service base = ftp_tcp();
  EXPECT_TRUE(base.same_launch(ftp_tcp()));

  Service other = ftp_tcp();
  other.program = "/usr/sbin/vsftpd";
  EXPECT_FALSE(base.same_launch(other));

  other = ftp_tcp();
  other.argv.push_back("-A");
  EXPECT_FALSE(base.same_launch(other));

  other = ftp_tcp();
  other.credentials.uid = 21;
  EXPECT_FALSE(base.same_launch(other));

  other = ftp_tcp();
  other.credentials.groups = {50};
  EXPECT_FALSE(base.same_launch(other));

  other = ftp_tcp();
  other.wait_mode = config::WaitMode::wait;
  EXPECT_FALSE(base.same_launch(other));

  other = ftp_tcp();
  other.limits.max_child = 10;
  EXPECT_FALSE(base.same_launch(other));

  other = ftp_tcp();
  other.extras = with_class(LoginClass{"daemon", {}});
  EXPECT_FALSE(base.same_launch(other));
  Service limited = other;
  limited.extras = with_class(LoginClass{"daemon", {ResourceLimit{RLIMIT_NOFILE, 64, 64}}});
  EXPECT_FALSE(other.same_launch(limited));  // the class's limits changed in login.conf
  Service same = other;
  same.extras = with_class(LoginClass{"daemon", {}});
  EXPECT_TRUE(other.same_launch(same));  // equal, not shared

  // env, nice, umask and limits: the next launch takes the new value.
  auto with = [](auto change) {
    LaunchSettings settings;
    change(settings);
    Service s = ftp_tcp();
    s.extras = ExtrasRef::make({.launch = std::move(settings)});
    return s;
  };
  Service umask_022 = with([](LaunchSettings& l) { l.umask = 022; });
  EXPECT_FALSE(base.same_launch(umask_022));
  EXPECT_TRUE(umask_022.same_launch(with([](LaunchSettings& l) { l.umask = 022; })));
  EXPECT_FALSE(umask_022.same_launch(with([](LaunchSettings& l) { l.umask = 077; })));
  EXPECT_FALSE(umask_022.same_launch(with([](LaunchSettings& l) {
    l.umask = 022;
    l.nice = 1;
  })));
  EXPECT_FALSE(umask_022.same_launch(with([](LaunchSettings& l) {
    l.umask = 022;
    l.environment = {"A=1"};
  })));
  EXPECT_FALSE(umask_022.same_launch(with([](LaunchSettings& l) {
    l.umask = 022;
    l.limits = {ResourceLimit{RLIMIT_AS, 1, 1}};
  })));

  other = ftp_tcp();
  other.listen_fds = true;
  EXPECT_FALSE(base.same_launch(other));

  // A redirect's target, compared by address, not by pointer.
  auto target = [](const char* ip, std::uint16_t port) {
    return ExtrasRef::make({.redirect = *net::SocketAddress::from_numeric(ip, port)});
  };
  other = ftp_tcp();
  other.extras = target("192.0.2.1", 21);
  EXPECT_FALSE(base.same_launch(other));
  Service moved = other;
  moved.extras = target("192.0.2.1", 2121);
  EXPECT_FALSE(other.same_launch(moved));
  moved.extras = target("192.0.2.1", 21);
  EXPECT_TRUE(other.same_launch(moved));

  other = ftp_tcp();
  other.builtin = config::Builtin::echo;
  EXPECT_FALSE(base.same_launch(other));
}

TEST(ServiceSameLaunch, IgnoresWhereTheLineIs) {
  Service moved = ftp_tcp();
  moved.line = 42;
  EXPECT_TRUE(ftp_tcp().same_launch(moved));
}

TEST(ServiceSameSocketOptions, ComparesBufferSizes) {
  Service other = ftp_tcp();
  EXPECT_TRUE(ftp_tcp().same_socket_options(other));
  other.rcvbuf = 65536;
  EXPECT_FALSE(ftp_tcp().same_socket_options(other));
  other = ftp_tcp();
  other.sndbuf = 65536;
  EXPECT_FALSE(ftp_tcp().same_socket_options(other));
}

// --- diff_services ---

TEST(ReloadDiff, EverythingIsAddedOnAFirstLoad) {
  std::vector<Service> loaded = {echo_tcp(), echo_udp()};
  ReloadDiff diff = diff_services({}, loaded, {});
  ASSERT_EQ(diff.added.size(), 2u);
  EXPECT_EQ(diff.added[0], &loaded[0]);
  EXPECT_EQ(diff.added[1], &loaded[1]);
  EXPECT_TRUE(diff.changed.empty());
  EXPECT_TRUE(diff.unchanged.empty());
  EXPECT_TRUE(diff.removed.empty());
  EXPECT_TRUE(diff.kept_broken.empty());
}

TEST(ReloadDiff, TheSameFileIsAllUnchanged) {
  std::vector<Service> running = {echo_tcp(), ftp_tcp()};
  std::vector<Service> loaded = {echo_tcp(), ftp_tcp()};
  ReloadDiff diff = diff_services(pointers(running), loaded, {});
  ASSERT_EQ(diff.unchanged.size(), 2u);
  EXPECT_EQ(diff.unchanged[0], &loaded[0]);
  EXPECT_EQ(diff.unchanged[1], &loaded[1]);
  EXPECT_TRUE(diff.added.empty());
  EXPECT_TRUE(diff.changed.empty());
  EXPECT_TRUE(diff.removed.empty());
}

TEST(ReloadDiff, ANewProgramOnTheSameSocketIsChanged) {
  std::vector<Service> running = {ftp_tcp()};
  std::vector<Service> loaded = {ftp_tcp()};
  loaded[0].program = "/usr/sbin/vsftpd";
  ReloadDiff diff = diff_services(pointers(running), loaded, {});
  ASSERT_EQ(diff.changed.size(), 1u);
  EXPECT_EQ(diff.changed[0], &loaded[0]);
  EXPECT_TRUE(diff.added.empty());
  EXPECT_TRUE(diff.unchanged.empty());
  EXPECT_TRUE(diff.removed.empty());
}

// Every part of the extras is compared, in one place: a change in any is a
// change on the same socket (the next connection takes it); an equal block
// built anew is no change.
TEST(ReloadDiff, TheExtrasChangeOnTheSameSocket) {
  ConnectionPolicy banner;
  banner.banners[0] = "hello\r\n";
  LaunchSettings nice;
  nice.nice = 5;
  const std::vector<ServiceExtras> variants{
      {.launch = nice},
      {.policy = banner},
      {.redirect = *net::SocketAddress::from_numeric("192.0.2.1", 21)},
      {.libwrap = "in.ftpd"}};
  for (std::size_t i = 0; i < variants.size(); ++i) {
    std::vector<Service> running = {ftp_tcp()};
    std::vector<Service> loaded = {ftp_tcp()};
    loaded[0].extras = ExtrasRef::make(variants[i]);
    ReloadDiff diff = diff_services(pointers(running), loaded, {});
    ASSERT_EQ(diff.changed.size(), 1u) << i;
    EXPECT_TRUE(diff.added.empty() && diff.removed.empty()) << i;
    running[0].extras = ExtrasRef::make(variants[i]);  // equal, another block
    diff = diff_services(pointers(running), loaded, {});
    EXPECT_EQ(diff.unchanged.size(), 1u) << i;
  }
}

TEST(ReloadDiff, ANewBufferSizeOnTheSameSocketIsChanged) {
  std::vector<Service> running = {echo_tcp()};
  std::vector<Service> loaded = {echo_tcp()};
  loaded[0].sndbuf = 8192;
  ReloadDiff diff = diff_services(pointers(running), loaded, {});
  ASSERT_EQ(diff.changed.size(), 1u);
  EXPECT_EQ(diff.changed[0], &loaded[0]);
}

TEST(ReloadDiff, AMissingServiceIsRemovedByKey) {
  std::vector<Service> running = {echo_tcp(), ftp_tcp()};
  std::vector<Service> loaded = {echo_tcp()};
  ReloadDiff diff = diff_services(pointers(running), loaded, {});
  EXPECT_EQ(keys(diff.removed), std::vector<std::string>{"stream tcp 0.0.0.0:21"});
  EXPECT_EQ(diff.unchanged.size(), 1u);
}

TEST(ReloadDiff, ANewAddressIsANewSocket) {
  std::vector<Service> running = {echo_tcp()};
  std::vector<Service> loaded = {echo_tcp()};
  loaded[0].address = inet("127.0.0.1", 7);
  ReloadDiff diff = diff_services(pointers(running), loaded, {});
  ASSERT_EQ(diff.added.size(), 1u);
  EXPECT_EQ(diff.added[0], &loaded[0]);
  EXPECT_EQ(keys(diff.removed), std::vector<std::string>{"stream tcp 0.0.0.0:7"});
  EXPECT_TRUE(diff.changed.empty());
}

TEST(ReloadDiff, TurningOnV6OnlyIsANewSocket) {
  std::vector<Service> running = {echo_tcp()};
  running[0].address = net::SocketAddress::any_ipv6(7);
  std::vector<Service> loaded = {running[0]};
  loaded[0].v6only = true;
  ReloadDiff diff = diff_services(pointers(running), loaded, {});
  EXPECT_EQ(diff.added.size(), 1u);
  EXPECT_EQ(keys(diff.removed), std::vector<std::string>{"stream tcp [::]:7"});
}

TEST(ReloadDiff, TcpAndUdpOnOnePortAreDifferentSockets) {
  std::vector<Service> running = {echo_tcp()};
  std::vector<Service> loaded = {echo_tcp(), echo_udp()};
  ReloadDiff diff = diff_services(pointers(running), loaded, {});
  ASSERT_EQ(diff.added.size(), 1u);
  EXPECT_EQ(diff.added[0], &loaded[1]);
  ASSERT_EQ(diff.unchanged.size(), 1u);
  EXPECT_EQ(diff.unchanged[0], &loaded[0]);
}

TEST(ReloadDiff, ABrokenNewLineKeepsTheOldService) {
  std::vector<Service> running = {echo_tcp(), ftp_tcp()};
  std::vector<Service> loaded = {ftp_tcp()};
  std::vector<FailedEntry> failed = {FailedEntry{3, "echo", "tcp"}};
  ReloadDiff diff = diff_services(pointers(running), loaded, failed);
  EXPECT_EQ(keys(diff.kept_broken), std::vector<std::string>{"stream tcp 0.0.0.0:7"});
  EXPECT_TRUE(diff.removed.empty());
  EXPECT_EQ(diff.unchanged.size(), 1u);
}

TEST(ReloadDiff, ABrokenLineForAnotherProtocolDoesNotKeepTheService) {
  std::vector<Service> running = {echo_tcp()};
  std::vector<FailedEntry> failed = {FailedEntry{3, "echo", "udp"}};
  ReloadDiff diff = diff_services(pointers(running), {}, failed);
  EXPECT_TRUE(diff.kept_broken.empty());
  EXPECT_EQ(keys(diff.removed), std::vector<std::string>{"stream tcp 0.0.0.0:7"});
}

TEST(ReloadDiff, ABrokenLineWithNoNameKeepsNothing) {
  std::vector<Service> running = {echo_tcp()};
  std::vector<FailedEntry> failed = {FailedEntry{3, "", ""}};
  ReloadDiff diff = diff_services(pointers(running), {}, failed);
  EXPECT_TRUE(diff.kept_broken.empty());
  EXPECT_EQ(diff.removed.size(), 1u);
}

TEST(ReloadDiff, ABrokenLineKeepsEverySocketOfThatService) {
  Service v4 = echo_tcp();
  Service v6 = echo_tcp();
  v6.address = net::SocketAddress::any_ipv6(7);
  v6.v6only = true;
  std::vector<Service> running = {v4, v6};
  std::vector<FailedEntry> failed = {FailedEntry{1, "echo", "tcp"}};
  ReloadDiff diff = diff_services(pointers(running), {}, failed);
  EXPECT_EQ(diff.kept_broken.size(), 2u);
  EXPECT_TRUE(diff.removed.empty());
}

TEST(ReloadDiff, ABrokenTcpmuxLineKeepsTheOldTcpmuxService) {
  Service mux = ftp_tcp();
  mux.name = "tcpmux/ftp/tcp";
  mux.tcpmux = true;
  mux.tcpmux_name = "ftp";
  std::vector<Service> running = {mux};
  std::vector<FailedEntry> failed = {FailedEntry{9, "tcpmux/ftp", "tcp"}};
  ReloadDiff diff = diff_services(pointers(running), {}, failed);
  EXPECT_EQ(keys(diff.kept_broken), std::vector<std::string>{"tcpmux ftp"});
}

// The parser names a broken tcpmux line by its first word ("tcpmux/ftp"), so a
// broken plain "ftp ... tcp" line is about the ftp/tcp socket only: it must not
// keep a tcpmux/ftp service whose own line was deleted.
TEST(ReloadDiff, ABrokenPlainLineDoesNotKeepATcpmuxServiceOfTheSameName) {
  Service mux = ftp_tcp();
  mux.name = "tcpmux/ftp/tcp";
  mux.tcpmux = true;
  mux.tcpmux_name = "ftp";
  std::vector<Service> running = {mux};
  std::vector<FailedEntry> failed = {FailedEntry{9, "ftp", "tcp"}};
  ReloadDiff diff = diff_services(pointers(running), {}, failed);
  EXPECT_TRUE(diff.kept_broken.empty());
  EXPECT_EQ(keys(diff.removed), std::vector<std::string>{"tcpmux ftp"});
}

TEST(ReloadDiff, AKeyThatSurvivesIsNeverKeptBroken) {
  // The new file has a good echo/tcp and a bad one elsewhere: the good one wins.
  std::vector<Service> running = {echo_tcp()};
  std::vector<Service> loaded = {echo_tcp()};
  std::vector<FailedEntry> failed = {FailedEntry{8, "echo", "tcp"}};
  ReloadDiff diff = diff_services(pointers(running), loaded, failed);
  EXPECT_TRUE(diff.kept_broken.empty());
  EXPECT_EQ(diff.unchanged.size(), 1u);
}

}  // namespace
}  // namespace ninetd::services

// --- RPC services ---

namespace ninetd::services {
namespace {

Service rusersd_udp(std::uint32_t program = 100002) {
  Service s;
  s.name = "rusersd/rpc/udp";
  s.socket_type = config::SocketType::dgram;
  s.transport = config::Transport::udp;
  s.wait_mode = config::WaitMode::wait;
  s.address = net::SocketAddress::any_ipv4(0);
  s.rpc_program = program;
  s.rpc_low_version = 2;
  s.rpc_high_version = 3;
  s.program = "/usr/sbin/rpc.rusersd";
  s.argv = {"rpc.rusersd"};
  return s;
}

TEST(ServiceKey, RpcServicesOnPortZeroAreKeyedByTheirProgram) {
  EXPECT_EQ(rusersd_udp().key(), "dgram udp 0.0.0.0:0 rpc 100002");
  EXPECT_TRUE(Service::key_less(rusersd_udp(100001), rusersd_udp()));
  EXPECT_FALSE(Service::key_less(rusersd_udp(), rusersd_udp(100001)));
}

TEST(ReloadDiff, AnotherRpcVersionSetIsAChangeOnTheSameSocket) {
  std::vector<Service> running = {rusersd_udp()};
  std::vector<Service> loaded = {rusersd_udp()};
  loaded[0].rpc_low_version = 3;
  ReloadDiff diff = diff_services(pointers(running), loaded, {});
  ASSERT_EQ(diff.changed.size(), 1u);
  EXPECT_TRUE(diff.added.empty());
  EXPECT_TRUE(diff.removed.empty());
}

TEST(ReloadDiff, AnotherRpcProgramIsAnotherSocket) {
  std::vector<Service> running = {rusersd_udp()};
  std::vector<Service> loaded = {rusersd_udp(100001)};
  ReloadDiff diff = diff_services(pointers(running), loaded, {});
  EXPECT_EQ(diff.added.size(), 1u);
  EXPECT_EQ(diff.removed.size(), 1u);
  EXPECT_TRUE(diff.changed.empty());
}

TEST(ReloadDiff, ABrokenRpcLineKeepsTheRunningService) {
  std::vector<Service> running = {rusersd_udp()};
  ReloadDiff diff =
      diff_services(pointers(running), {}, {config::FailedEntry{1, "rusersd", "rpc/udp"}});
  EXPECT_EQ(diff.kept_broken.size(), 1u);
  EXPECT_TRUE(diff.removed.empty());
}

}  // namespace
}  // namespace ninetd::services
