// The resolver: what a parsed entry becomes once ports, hosts, users and
// groups are looked up, against a fake system database so every answer is
// fixed by the test.
#include "services/resolver.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "config/parser.h"
#include "config/policy_fields.h"
#include "parse_helpers.h"

namespace ninetd::services {
namespace {

class FakeSystemDb final : public SystemDb {
 public:
  std::map<std::pair<std::string, std::string>, std::uint16_t> ports{
      {{"echo", "tcp"}, 7},         {{"echo", "udp"}, 7},     {{"daytime", "tcp"}, 13},
      {{"ftp", "tcp"}, 21},         {{"tftp", "udp"}, 69},    {{"finger", "tcp"}, 79},
      {{"3com-tsmux", "tcp"}, 106}, {{"comsat", "udp"}, 512}, {{"swat", "tcp"}, 901},
  };
  std::map<std::string, UserEntry> users{
      {"root", {0, 0}}, {"nobody", {65534, 65534}}, {"www", {33, 33}}, {"tty", {5, 5}}};
  std::map<std::string, gid_t> groups{{"root", 0}, {"tty", 5}, {"staff", 50}, {"www", 33}};
  std::map<std::string, std::vector<std::string>> hosts{
      {"localhost", {"127.0.0.1", "::1"}},
      {"v4.example", {"192.0.2.1", "192.0.2.2"}},
      {"v6.example", {"2001:db8::1"}},
  };
  bool root = true;
  std::vector<std::pair<std::string, gid_t>> group_list_calls;

  std::optional<std::uint16_t> service_port(const std::string& name,
                                            const char* protocol) override {
    auto it = ports.find({name, protocol});
    if (it == ports.end()) return std::nullopt;
    return it->second;
  }
  std::map<std::string, std::uint32_t> rpc_programs{{"rusersd", 100002}, {"rstatd", 100001}};
  std::optional<std::uint32_t> rpc_program(const std::string& name) override {
    auto it = rpc_programs.find(name);
    if (it == rpc_programs.end()) return std::nullopt;
    return it->second;
  }
  std::optional<UserEntry> user(const std::string& name) override {
    auto it = users.find(name);
    if (it == users.end()) return std::nullopt;
    return it->second;
  }
  std::optional<gid_t> group(const std::string& name) override {
    auto it = groups.find(name);
    if (it == groups.end()) return std::nullopt;
    return it->second;
  }
  std::vector<gid_t> group_list(const std::string& user, gid_t gid) override {
    group_list_calls.emplace_back(user, gid);
    return {gid, 100};
  }
  std::vector<net::SocketAddress> host_addresses(const std::string& host) override {
    std::vector<std::string> names{host};
    if (auto it = hosts.find(host); it != hosts.end()) names = it->second;
    std::vector<net::SocketAddress> out;
    for (const auto& name : names)
      if (auto a = net::SocketAddress::from_numeric(name, 0)) out.push_back(*a);
    return out;
  }
  bool is_root() override { return root; }
  std::map<std::string, std::string> environment{{"LANG", "C.UTF-8"}, {"TZ", "UTC"}};
  std::optional<std::string> environment_variable(const std::string& name) override {
    auto it = environment.find(name);
    if (it == environment.end()) return std::nullopt;
    return it->second;
  }
  std::map<std::string, std::string> files{{"/etc/banner", "hello\r\n"}};
  FileRead read_file(const std::string& path, std::size_t max_bytes) override {
    auto it = files.find(path);
    if (it == files.end()) return {{}, "No such file or directory"};
    if (it->second.size() > max_bytes)
      return {{}, std::to_string(it->second.size()) + " bytes, too many"};
    return {it->second, {}};
  }
};

struct Resolved {
  std::vector<Service> services;
  std::vector<std::string> messages;
  std::vector<config::FailedEntry> failed;
};

Resolved resolve_text(std::string_view text, FakeSystemDb& db) {
  config::ParseResult parsed = config::parse_config(text, "inetd.conf");
  Resolved out;
  ResolveResult result = resolve(parsed.services, db, parsed.diagnostics);
  out.services = std::move(result.services);
  out.failed = std::move(result.failed);
  for (const auto& d : parsed.diagnostics) out.messages.push_back(d.format());
  return out;
}

Resolved resolve_text(std::string_view text) {
  FakeSystemDb db;
  return resolve_text(text, db);
}

std::vector<std::string> sockets(const Resolved& r) {
  std::vector<std::string> out;
  for (const auto& s : r.services)
    out.push_back(s.address.to_string() + (s.v6only ? " v6only" : ""));
  return out;
}

using Strings = std::vector<std::string>;

// ---------------------------------------------------------------- ports

TEST(ResolvePort, ServiceNameIsLookedUpForItsTransport) {
  EXPECT_EQ(sockets(resolve_text("echo stream tcp4 nowait root internal")), Strings{"0.0.0.0:7"});
  EXPECT_EQ(sockets(resolve_text("tftp dgram udp4 wait root /usr/sbin/in.tftpd")),
            Strings{"0.0.0.0:69"});
}

TEST(ResolvePort, UnknownServiceNamesTheProtocolItWasLookedUpFor) {
  Resolved r = resolve_text("tftp stream tcp4 nowait root /usr/sbin/in.tftpd");
  EXPECT_TRUE(r.services.empty());
  EXPECT_EQ(r.messages, Strings{"inetd.conf:1:1: error: unknown service \"tftp\" for tcp (not in "
                                "/etc/services; give a port number 1-65535 instead)"});
  ASSERT_EQ(r.failed.size(), 1u);
  EXPECT_EQ(r.failed[0].service, "tftp");
}

TEST(ResolvePort, UnknownServiceAfterAHostPointsAtTheServiceWord) {
  EXPECT_EQ(resolve_text("127.0.0.1:nosuch dgram udp wait root /bin/x").messages,
            Strings{"inetd.conf:1:1: error: unknown service \"nosuch\" for udp (not in "
                    "/etc/services; give a port number 1-65535 instead)"});
}

TEST(ResolvePort, NumericPortNeedsNoLookup) {
  FakeSystemDb db;
  db.ports.clear();
  EXPECT_EQ(sockets(resolve_text("2007 stream tcp4 nowait nobody internal echo", db)),
            Strings{"0.0.0.0:2007"});
}

TEST(ResolvePort, NameStartingWithADigitIsLookedUp) {
  EXPECT_EQ(sockets(resolve_text("3com-tsmux stream tcp4 nowait root /bin/x")),
            Strings{"0.0.0.0:106"});
  EXPECT_EQ(resolve_text("80x stream tcp4 nowait root /bin/x").messages,
            Strings{"inetd.conf:1:1: error: unknown service \"80x\" for tcp (not in "
                    "/etc/services; give a port number 1-65535 instead)"});
}

// ---------------------------------------------------------------- address families

TEST(ResolveFamily, TcpOpensAnIpv4AndAnIpv6OnlySocket) {
  Resolved r = resolve_text("echo stream tcp nowait root internal");
  EXPECT_EQ(sockets(r), (Strings{"0.0.0.0:7", "[::]:7 v6only"}));
  EXPECT_EQ(r.services[0].name, "echo/tcp");
  EXPECT_EQ(r.services[1].name, "echo/tcp");
}

TEST(ResolveFamily, UdpLikewise) {
  EXPECT_EQ(sockets(resolve_text("echo dgram udp wait root internal")),
            (Strings{"0.0.0.0:7", "[::]:7 v6only"}));
}

TEST(ResolveFamily, Tcp4IsIpv4Only) {
  EXPECT_EQ(sockets(resolve_text("echo stream tcp4 nowait root internal")), Strings{"0.0.0.0:7"});
}

TEST(ResolveFamily, Tcp6IsIpv6WithV6only) {
  EXPECT_EQ(sockets(resolve_text("echo stream tcp6 nowait root internal")),
            Strings{"[::]:7 v6only"});
  EXPECT_EQ(sockets(resolve_text("echo dgram udp6 wait root internal")), Strings{"[::]:7 v6only"});
}

TEST(ResolveFamily, Tcp46IsOneDualStackSocket) {
  EXPECT_EQ(sockets(resolve_text("echo stream tcp46 nowait root internal")), Strings{"[::]:7"});
  EXPECT_EQ(sockets(resolve_text("echo dgram udp46 wait root internal")), Strings{"[::]:7"});
}

// ---------------------------------------------------------------- hosts

TEST(ResolveHost, NameResolvesToOneAddressPerFamily) {
  EXPECT_EQ(sockets(resolve_text("localhost:echo stream tcp nowait root internal")),
            (Strings{"127.0.0.1:7", "[::1]:7 v6only"}));
  EXPECT_EQ(sockets(resolve_text("localhost:echo stream tcp4 nowait root internal")),
            Strings{"127.0.0.1:7"});
  EXPECT_EQ(sockets(resolve_text("localhost:echo stream tcp6 nowait root internal")),
            Strings{"[::1]:7 v6only"});
}

TEST(ResolveHost, NumericAddressesNeedNoName) {
  EXPECT_EQ(sockets(resolve_text("[::1]:daytime stream tcp6 nowait root internal")),
            Strings{"[::1]:13 v6only"});
  EXPECT_EQ(sockets(resolve_text("10.1.2.3:daytime stream tcp nowait root internal")),
            Strings{"10.1.2.3:13"});
}

TEST(ResolveHost, HostLineAppliesToTheEntriesAfterIt) {
  EXPECT_EQ(sockets(resolve_text("v4.example:\necho stream tcp nowait root internal\n"
                                 "daytime stream tcp nowait root internal\n")),
            (Strings{"192.0.2.1:7", "192.0.2.1:13"}));
}

TEST(ResolveHost, HostWithoutAnAddressOfTheWantedFamily) {
  EXPECT_EQ(resolve_text("v4.example:echo stream tcp6 nowait root internal").messages,
            Strings{"inetd.conf:1:1: error: host \"v4.example\" has no IPv6 address for protocol "
                    "tcp6"});
  EXPECT_EQ(resolve_text("v6.example:echo stream tcp4 nowait root internal").messages,
            Strings{"inetd.conf:1:1: error: host \"v6.example\" has no IPv4 address for protocol "
                    "tcp4"});
}

TEST(ResolveHost, Tcp46OnAnIpv4OnlyHostTakesTheIpv4Address) {
  EXPECT_EQ(sockets(resolve_text("v4.example:echo stream tcp46 nowait root internal")),
            Strings{"192.0.2.1:7"});
}

TEST(ResolveHost, UnknownHost) {
  Resolved r = resolve_text("nowhere.invalid:echo stream tcp nowait root internal");
  EXPECT_TRUE(r.services.empty());
  EXPECT_EQ(r.messages, Strings{"inetd.conf:1:1: error: unknown host \"nowhere.invalid\" (not an "
                                "address, and the name does not resolve)"});
}

// ---------------------------------------------------------------- credentials

TEST(ResolveUser, UserGivesUidAndPrimaryGid) {
  Resolved r = resolve_text("finger stream tcp4 nowait nobody /usr/sbin/in.fingerd");
  ASSERT_EQ(r.services.size(), 1u);
  const Credentials& c = r.services[0].credentials;
  EXPECT_EQ(c.uid, 65534u);
  EXPECT_EQ(c.gid, 65534u);
}

TEST(ResolveUser, UnknownUserPointsAtTheUserField) {
  Resolved r = resolve_text("finger stream tcp nowait nobdy /usr/sbin/in.fingerd");
  EXPECT_TRUE(r.services.empty());
  EXPECT_EQ(r.messages, Strings{"inetd.conf:1:26: error: unknown user \"nobdy\""});
}

TEST(ResolveUser, UnknownGroupPointsAtTheGroup) {
  EXPECT_EQ(resolve_text("9000 stream tcp nowait root:wheel /bin/x").messages,
            Strings{"inetd.conf:1:29: error: unknown group \"wheel\""});
  EXPECT_EQ(resolve_text("9000 stream tcp nowait root.wheel /bin/x").messages,
            Strings{"inetd.conf:1:29: error: unknown group \"wheel\""});
}

TEST(ResolveUser, GivenGroupReplacesThePrimaryGid) {
  FakeSystemDb db;
  Resolved r = resolve_text("9000 stream tcp4 nowait www:staff /bin/x", db);
  ASSERT_EQ(r.services.size(), 1u);
  EXPECT_EQ(r.services[0].credentials.uid, 33u);
  EXPECT_EQ(r.services[0].credentials.gid, 50u);
  EXPECT_EQ(db.group_list_calls, (std::vector<std::pair<std::string, gid_t>>{{"www", 50}}));
}

TEST(ResolveUser, SupplementaryGroupsAreComputedWhenRunningAsRoot) {
  FakeSystemDb db;
  Resolved r = resolve_text("comsat dgram udp4 wait tty:tty /usr/libexec/comsat comsat", db);
  ASSERT_EQ(r.services.size(), 1u);
  EXPECT_TRUE(r.services[0].credentials.switch_user);
  EXPECT_EQ(r.services[0].credentials.groups, (std::vector<gid_t>{5, 100}));
}

// xinetd's groups = no: the gid alone, so setgroups leaves no other group.
TEST(ResolveUser, GroupsNoKeepsOnlyThePrimaryGroup) {
  FakeSystemDb db;
  Resolved r = resolve_text(
      "9000 on protocol = tcp4, wait = no, user = tty, group = staff, groups = no, "
      "exec = /bin/x;",
      db);
  ASSERT_EQ(r.services.size(), 1u);
  EXPECT_TRUE(r.services[0].credentials.switch_user);
  EXPECT_EQ(r.services[0].credentials.gid, 50u);
  EXPECT_EQ(r.services[0].credentials.groups, (std::vector<gid_t>{50}));
  EXPECT_TRUE(db.group_list_calls.empty());
  EXPECT_FALSE(r.services[0].extras);  // nothing in the extras: the credentials say it all
}

TEST(ResolveUser, LibwrapIsAnExtra) {
  Resolved r =
      resolve_text("9000 on protocol = tcp, wait = no, user = root, exec = /bin/x, libwrap = xd;");
  ASSERT_EQ(r.services.size(), 2u);  // IPv4 and IPv6, one block
  EXPECT_EQ(r.services[0].wrap_name(), "xd");
  EXPECT_EQ(r.services[0].extras.get(), r.services[1].extras.get());
  EXPECT_EQ(r.services[0].launch_settings(), nullptr);
}

TEST(ResolveUser, NotRootNeitherSwitchesUserNorLooksUpGroups) {
  FakeSystemDb db;
  db.root = false;
  Resolved r = resolve_text("9000 stream tcp4 nowait www /bin/x", db);
  ASSERT_EQ(r.services.size(), 1u);
  EXPECT_FALSE(r.services[0].credentials.switch_user);
  EXPECT_TRUE(r.services[0].credentials.groups.empty());
  EXPECT_TRUE(db.group_list_calls.empty());
}

TEST(ResolveUser, LoginClassIsCarriedAsWritten) {
  Resolved r = resolve_text("9000 stream tcp4 nowait www:www/daemon /bin/x");
  ASSERT_EQ(r.services.size(), 1u);
  ASSERT_NE(r.services[0].login_class(), nullptr);
  EXPECT_EQ(r.services[0].login_class()->name, "daemon");
}

// ---------------------------------------------------------------- two entries, one socket

TEST(ResolveDuplicate, SameSocketTwiceNamesBothLines) {
  Resolved r = resolve_text(
      "echo stream tcp nowait root internal\n"
      "\n"
      "echo stream tcp nowait nobody internal\n");
  EXPECT_EQ(sockets(r), (Strings{"0.0.0.0:7", "[::]:7 v6only"}));
  EXPECT_EQ(r.messages, Strings{"inetd.conf:3:1: error: echo/tcp on 0.0.0.0:7 is already defined "
                                "at inetd.conf:1 by echo/tcp; entry skipped"});
  ASSERT_EQ(r.failed.size(), 1u);
  EXPECT_EQ(r.failed[0].line, 3);
}

TEST(ResolveDuplicate, TcpAndTcp4ShareTheIpv4Socket) {
  EXPECT_EQ(resolve_text("7 stream tcp nowait root internal echo\n"
                         "echo stream tcp4 nowait root internal\n")
                .messages,
            Strings{"inetd.conf:2:1: error: echo/tcp4 on 0.0.0.0:7 is already defined at "
                    "inetd.conf:1 by 7/tcp; entry skipped"});
}

TEST(ResolveDuplicate, Tcp6AndTcp46ShareTheIpv6Socket) {
  EXPECT_EQ(resolve_text("echo stream tcp6 nowait root internal\n"
                         "echo stream tcp46 nowait root internal\n")
                .messages,
            Strings{"inetd.conf:2:1: error: echo/tcp46 on [::]:7 is already defined at "
                    "inetd.conf:1 by echo/tcp6; entry skipped"});
}

TEST(ResolveDuplicate, DualStackSocketAlsoTakesTheIpv4Wildcard) {
  EXPECT_EQ(resolve_text("echo stream tcp4 nowait root internal\n"
                         "echo stream tcp46 nowait root internal\n")
                .messages,
            Strings{"inetd.conf:2:1: error: echo/tcp46 on [::]:7 is already defined at "
                    "inetd.conf:1 by echo/tcp4; entry skipped"});
  EXPECT_EQ(resolve_text("echo stream tcp46 nowait root internal\n"
                         "echo stream tcp4 nowait root internal\n")
                .messages,
            Strings{"inetd.conf:2:1: error: echo/tcp4 on 0.0.0.0:7 is already defined at "
                    "inetd.conf:1 by echo/tcp46; entry skipped"});
}

TEST(ResolveDuplicate, TcpAndUdpOnOnePortAreDifferentSockets) {
  Resolved r = resolve_text(
      "echo stream tcp nowait root internal\n"
      "echo dgram udp wait root internal\n");
  EXPECT_TRUE(r.messages.empty());
  EXPECT_EQ(r.services.size(), 4u);
}

TEST(ResolveDuplicate, DifferentAddressesOnOnePortAreDifferentSockets) {
  Resolved r = resolve_text(
      "127.0.0.1:echo stream tcp4 nowait root internal\n"
      "10.0.0.1:echo stream tcp4 nowait root internal\n");
  EXPECT_TRUE(r.messages.empty());
  EXPECT_EQ(sockets(r), (Strings{"127.0.0.1:7", "10.0.0.1:7"}));
}

TEST(ResolveDuplicate, TcpmuxNamesAreComparedLowercased) {
  Resolved r = resolve_text(
      "tcpmux/+Greet stream tcp nowait nobody /bin/greet\n"
      "tcpmux/GREET stream tcp nowait nobody /bin/other\n");
  ASSERT_EQ(r.services.size(), 1u);
  EXPECT_EQ(r.services[0].tcpmux_name, "greet");
  EXPECT_TRUE(r.services[0].tcpmux_plus);
  EXPECT_FALSE(r.services[0].has_socket());
  EXPECT_EQ(r.messages,
            Strings{"inetd.conf:2:1: error: tcpmux/GREET/tcp on tcpmux name \"greet\" is already "
                    "defined at inetd.conf:1 by tcpmux/+Greet/tcp; entry skipped"});
}

// ---------------------------------------------------------------- tcp/tcp6 twins (BSD files)

TEST(ResolveTwin, Tcp6LineAfterTheSameTcpLineIsServedOnceWithAWarning) {
  Resolved r = resolve_text(
      "daytime stream tcp nowait root internal\n"
      "daytime stream tcp6 nowait root internal\n");
  EXPECT_EQ(sockets(r), (Strings{"0.0.0.0:13", "[::]:13 v6only"}));
  EXPECT_EQ(r.messages,
            Strings{"inetd.conf:2:1: warning: daytime/tcp6 on [::]:13 is the same service as "
                    "daytime/tcp at inetd.conf:1, which already opens that socket (ninetd's "
                    "\"tcp\" is IPv4 and IPv6); served once"});
  EXPECT_TRUE(r.failed.empty());
}

TEST(ResolveTwin, TcpLineAfterTheSameTcp6LineAddsOnlyItsIpv4Socket) {
  Resolved r = resolve_text(
      "finger stream tcp6 nowait nobody /usr/libexec/fingerd fingerd -lsm\n"
      "finger stream tcp nowait nobody /usr/libexec/fingerd fingerd -lsm\n");
  EXPECT_EQ(sockets(r), (Strings{"[::]:79 v6only", "0.0.0.0:79"}));
  ASSERT_EQ(r.services.size(), 2u);
  EXPECT_EQ(r.services[0].name, "finger/tcp6");
  EXPECT_EQ(r.services[1].name, "finger/tcp");
  EXPECT_EQ(r.messages,
            Strings{"inetd.conf:2:1: warning: finger/tcp on [::]:79 is the same service as "
                    "finger/tcp6 at inetd.conf:1, which already opens that socket (ninetd's "
                    "\"tcp\" is IPv4 and IPv6); served once, this line adding only 0.0.0.0:79"});
  EXPECT_TRUE(r.failed.empty());
}

TEST(ResolveTwin, UdpAndUdp6OnAHostAreTwinsToo) {
  Resolved r = resolve_text(
      "localhost:comsat dgram udp wait root /usr/libexec/comsat comsat\n"
      "[::1]:comsat dgram udp6 wait root /usr/libexec/comsat comsat\n");
  EXPECT_EQ(sockets(r), (Strings{"127.0.0.1:512", "[::1]:512 v6only"}));
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_NE(r.messages[0].find("inetd.conf:2:1: warning: comsat/udp6 on [::1]:512 is the same "
                               "service as comsat/udp at inetd.conf:1"),
            std::string::npos)
      << r.messages[0];
}

TEST(ResolveTwin, ATwinThatDiffersStaysAnError) {
  Resolved r = resolve_text(
      "finger stream tcp nowait nobody /usr/libexec/fingerd fingerd -lsm\n"
      "finger stream tcp6 nowait root /usr/libexec/fingerd fingerd -lsm\n"
      "finger stream tcp6 nowait nobody /usr/libexec/fingerd fingerd -s\n"
      "finger stream tcp6 nowait.10 nobody /usr/libexec/fingerd fingerd -lsm\n");
  EXPECT_EQ(sockets(r), (Strings{"0.0.0.0:79", "[::]:79 v6only"}));
  EXPECT_EQ(r.messages,
            (Strings{"inetd.conf:2:1: error: finger/tcp6 on [::]:79 is already defined at "
                     "inetd.conf:1 by finger/tcp; entry skipped",
                     "inetd.conf:3:1: error: finger/tcp6 on [::]:79 is already defined at "
                     "inetd.conf:1 by finger/tcp; entry skipped",
                     "inetd.conf:4:1: error: finger/tcp6 on [::]:79 is already defined at "
                     "inetd.conf:1 by finger/tcp; entry skipped"}));
  EXPECT_EQ(r.failed.size(), 3u);
}

TEST(ResolveTwin, TheSameProtocolTwiceStaysAnError) {
  EXPECT_EQ(resolve_text("daytime stream tcp nowait root internal\n"
                         "daytime stream tcp nowait root internal\n")
                .messages,
            Strings{"inetd.conf:2:1: error: daytime/tcp on 0.0.0.0:13 is already defined at "
                    "inetd.conf:1 by daytime/tcp; entry skipped"});
  EXPECT_EQ(resolve_text("daytime stream tcp6 nowait root internal\n"
                         "daytime stream tcp6 nowait root internal\n")
                .messages,
            Strings{"inetd.conf:2:1: error: daytime/tcp6 on [::]:13 is already defined at "
                    "inetd.conf:1 by daytime/tcp6; entry skipped"});
}

TEST(ResolveTwin, TcpAfterATwinPairClashesOnItsIpv4Socket) {
  Resolved r = resolve_text(
      "daytime stream tcp6 nowait root internal\n"
      "daytime stream tcp nowait root internal\n"
      "daytime stream tcp nowait root internal\n");
  EXPECT_EQ(sockets(r), (Strings{"[::]:13 v6only", "0.0.0.0:13"}));
  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_EQ(r.messages[1],
            "inetd.conf:3:1: error: daytime/tcp on 0.0.0.0:13 is already defined at "
            "inetd.conf:2 by daytime/tcp; entry skipped");
}

// The stock BSD files (tests/data) check clean: their tcp/tcp6 pairs are twins.

using config::parse_test::read_data;

// The file with the "#" taken off the entries of the named services, as an
// administrator enables them.
std::string enable(const std::string& text, const Strings& names) {
  std::istringstream in(text);
  std::string out, line;
  while (std::getline(in, line)) {
    for (const auto& name : names)
      if (line.starts_with("#" + name + "\t")) line.erase(0, 1);
    out += line + "\n";
  }
  return out;
}

FakeSystemDb bsd_db() {
  FakeSystemDb db;
  db.ports[{"discard", "tcp"}] = db.ports[{"discard", "udp"}] = 9;
  db.ports[{"chargen", "tcp"}] = db.ports[{"chargen", "udp"}] = 19;
  db.ports[{"daytime", "udp"}] = 13;
  db.ports[{"time", "tcp"}] = db.ports[{"time", "udp"}] = 37;
  db.ports[{"ident", "tcp"}] = 113;
  db.users["_identd"] = {73, 73};
  return db;
}

std::size_t count_twin_warnings(const Resolved& r) {
  std::size_t n = 0;
  for (const auto& m : r.messages)
    if (m.find(": warning: ") != std::string::npos &&
        m.find("which already opens that socket") != std::string::npos)
      ++n;
  return n;
}

TEST(StockBsdFiles, OpenBsdServesEachPairOnce) {
  FakeSystemDb db = bsd_db();
  Resolved r = resolve_text(read_data("openbsd-stock-inetd.conf"), db);
  EXPECT_EQ(sockets(r),
            (Strings{"0.0.0.0:113", "[::]:113 v6only", "127.0.0.1:512", "[::1]:512 v6only",
                     "0.0.0.0:13", "[::]:13 v6only", "0.0.0.0:37", "[::]:37 v6only"}));
  EXPECT_EQ(count_twin_warnings(r), 3u);
  EXPECT_EQ(r.messages.size(), 3u);
  EXPECT_TRUE(r.failed.empty());
}

TEST(StockBsdFiles, FreeBsdAndNetBsdSmallServersEnabledServeEachPairOnce) {
  FakeSystemDb db = bsd_db();
  for (const char* file : {"freebsd-stock-inetd.conf", "netbsd-stock-inetd.conf"}) {
    SCOPED_TRACE(file);
    std::string text = read_data(file);
    EXPECT_TRUE(resolve_text(text, db).messages.empty());
    Resolved r = resolve_text(enable(text, {"daytime", "time", "echo", "discard", "chargen"}), db);
    EXPECT_EQ(r.services.size(), 20u);
    EXPECT_EQ(count_twin_warnings(r), 10u);
    EXPECT_EQ(r.messages.size(), 10u);
    EXPECT_TRUE(r.failed.empty());
  }
}

TEST(ResolveDuplicate, UnixPathTwiceIsOneSocketWhateverTheType) {
  EXPECT_EQ(resolve_text("/run/a.sock stream unix nowait root /bin/x\n"
                         "/run/a.sock dgram unix wait root /bin/x\n")
                .messages,
            Strings{"inetd.conf:2:1: error: /run/a.sock/unix on /run/a.sock is already defined at "
                    "inetd.conf:1 by /run/a.sock/unix; entry skipped"});
}

// ---------------------------------------------------------------- unix sockets

TEST(ResolveUnix, PathBecomesTheAddress) {
  Resolved r = resolve_text("/run/ninetd/echo stream unix nowait root internal");
  ASSERT_EQ(r.services.size(), 1u);
  EXPECT_EQ(r.services[0].address.to_string(), "/run/ninetd/echo");
  EXPECT_EQ(r.services[0].address.family(), AF_UNIX);
}

TEST(ResolveUnix, PathLongerThanSunPathIsAnError) {
  std::string path = "/" + std::string(119, 'p');
  Resolved r = resolve_text(path + " stream unix nowait root /bin/x");
  EXPECT_TRUE(r.services.empty());
  EXPECT_EQ(r.messages, Strings{"inetd.conf:1:1: error: unix socket path is 120 bytes long, longer "
                                "than the limit of 107 bytes"});
}

// ---------------------------------------------------------------- what is carried over

TEST(ResolveCarry, LimitsArgvAndOptionsReachTheService) {
  Resolved r = resolve_text(
      "finger stream tcp4,sndbuf=8k nowait/3/10/2 nobody /usr/libexec/fingerd fingerd -k -s\n"
      "swat stream tcp4 nowait.400 root /usr/sbin/tcpd /usr/sbin/swat\n");
  ASSERT_EQ(r.services.size(), 2u);
  const Service& finger = r.services[0];
  EXPECT_EQ(finger.limits, (Limits{3, 0, 10, 2}));
  EXPECT_EQ(finger.argv, (Strings{"fingerd", "-k", "-s"}));
  EXPECT_EQ(finger.program, "/usr/libexec/fingerd");
  EXPECT_EQ(finger.sndbuf, 8192);
  EXPECT_EQ(finger.line, 1);
  EXPECT_EQ(r.services[1].limits, (Limits{0, 400, 0, 0}));
}

TEST(ResolveCarry, ABadEntryNeverStopsTheOthers) {
  Resolved r = resolve_text(
      "echo stream tcp4 nowait root internal\n"
      "nosuch stream tcp4 nowait root /bin/x\n"
      "daytime stream tcp4 nowait ghost internal\n"
      "ftp stream tcp4 nowait root /usr/sbin/in.ftpd\n"
      "nowhere.invalid:finger stream tcp4 nowait nobody /bin/x\n"
      "finger stream tcp4 nowait nobody /usr/sbin/in.fingerd\n");
  EXPECT_EQ(sockets(r), (Strings{"0.0.0.0:7", "0.0.0.0:21", "0.0.0.0:79"}));
  EXPECT_EQ(r.messages.size(), 3u);
  EXPECT_EQ(r.failed.size(), 3u);
}

// ---------------------------------------------------------------- RPC services

TEST(ResolveRpc, ProgramFromEtcRpcOnPortZeroOfEachFamily) {
  Resolved r =
      resolve_text("rusersd/2-3 dgram rpc/udp wait nobody /usr/sbin/tcpd /usr/sbin/rpc.rusersd");
  EXPECT_EQ(r.messages, Strings{});
  EXPECT_EQ(sockets(r), (Strings{"0.0.0.0:0", "[::]:0 v6only"}));
  for (const Service& s : r.services) {
    EXPECT_EQ(s.name, "rusersd/rpc/udp");
    EXPECT_EQ(s.rpc_program, 100002u);
    EXPECT_EQ(s.rpc_low_version, 2u);
    EXPECT_EQ(s.rpc_high_version, 3u);
    EXPECT_EQ(s.transport, config::Transport::udp);
  }
}

TEST(ResolveRpc, FamiliesFollowTheProtocol) {
  EXPECT_EQ(sockets(resolve_text("rstatd/1 dgram rpc/udp4 wait root /bin/x")),
            Strings{"0.0.0.0:0"});
  EXPECT_EQ(sockets(resolve_text("rstatd/1 stream rpc/tcp6 wait root /bin/x")),
            Strings{"[::]:0 v6only"});
}

TEST(ResolveRpc, ANumberIsTheProgramItself) {
  Resolved r = resolve_text("300019/1 dgram rpc/udp4 wait root /bin/x");
  EXPECT_EQ(r.messages, Strings{});
  ASSERT_EQ(r.services.size(), 1u);
  EXPECT_EQ(r.services[0].rpc_program, 300019u);
}

TEST(ResolveRpc, UnknownProgramPointsAtTheServiceField) {
  Resolved r = resolve_text(
      "echo stream tcp nowait root internal\n"
      "nosuch/1 dgram rpc/udp wait root /bin/x\n");
  EXPECT_EQ(r.messages, Strings{"inetd.conf:2:1: error: unknown RPC program \"nosuch\" (not in "
                                "/etc/rpc; give its number instead)"});
  EXPECT_EQ(r.services.size(), 2u);
  ASSERT_EQ(r.failed.size(), 1u);
  EXPECT_EQ(r.failed[0].service, "nosuch");
}

TEST(ResolveRpc, AHostIsIgnoredWithAWarning) {
  Resolved r = resolve_text("127.0.0.1:rstatd/1 dgram rpc/udp4 wait root /bin/x");
  EXPECT_EQ(r.messages, Strings{"inetd.conf:1:1: warning: RPC service rstatd/rpc/udp4 listens on "
                                "every address; host \"127.0.0.1\" ignored"});
  EXPECT_EQ(sockets(r), Strings{"0.0.0.0:0"});
}

TEST(ResolveRpc, BuiltinsAndTcpmuxCannotBeRpc) {
  EXPECT_EQ(resolve_text("rusersd/2 dgram rpc/udp wait root internal echo").messages,
            Strings{"inetd.conf:1:35: error: RPC services need a server program, not "
                    "\"internal\""});
  EXPECT_EQ(resolve_text("tcpmux/rusersd/2 stream rpc/tcp nowait root /bin/x").messages,
            Strings{"inetd.conf:1:25: error: a tcpmux/ service has no socket of its own to "
                    "register with rpcbind (use protocol tcp)"});
}

TEST(ResolveRpc, TwoProgramsOnPortZeroDoNotClash) {
  Resolved r = resolve_text(
      "rstatd/1-3 dgram rpc/udp wait root /bin/x\n"
      "rusersd/2-3 dgram rpc/udp wait root /bin/y\n"
      "rusersd/2-3 stream rpc/tcp wait root /bin/y\n");
  EXPECT_EQ(r.messages, Strings{});
  EXPECT_EQ(r.services.size(), 6u);
}

TEST(ResolveRpc, OneProgramTwiceOnOneTransportClashes) {
  Resolved r = resolve_text(
      "rusersd/2 dgram rpc/udp wait root /bin/x\n"
      "rusersd/3 dgram rpc/udp4 wait root /bin/y\n");
  EXPECT_EQ(r.messages, Strings{"inetd.conf:2:1: error: rusersd/rpc/udp4 on 0.0.0.0:0 is already "
                                "defined at inetd.conf:1 by rusersd/rpc/udp; entry skipped"});
  EXPECT_EQ(r.services.size(), 2u);
}

// ---------------------------------------------------------------- launch settings

TEST(ResolveLaunch, AServiceWithoutSettingsHasNone) {
  Resolved r = resolve_text("echo stream tcp nowait root internal");
  ASSERT_EQ(r.services.size(), 2u);
  EXPECT_EQ(r.services[0].launch_settings(), nullptr);
  EXPECT_EQ(r.services[0].login_class(), nullptr);
}

TEST(ResolveLaunch, PassenvIsReadFromTheEnvironmentAndEnvWins) {
  Resolved r = resolve_text(
      "8000 on protocol = tcp, wait = no, user = nobody, exec = /bin/sh,\n"
      "  passenv = TZ LANG MISSING, env = LANG=C A=1 A=2, nice = 3, umask = 027,\n"
      "  rlimit_files = 64, rlimit_cpu = UNLIMITED;");
  EXPECT_EQ(r.messages, Strings{"inetd.conf:1: warning: 8000/tcp: passenv: MISSING is not in "
                                "ninetd's environment; not passed"});
  ASSERT_EQ(r.services.size(), 2u);
  const LaunchSettings& settings = *r.services[0].launch_settings();
  EXPECT_EQ(settings.environment, (Strings{"TZ=UTC", "LANG=C", "A=2"}));
  EXPECT_EQ(settings.nice, 3);
  EXPECT_EQ(settings.umask, 027u);
  EXPECT_EQ(settings.limits, (std::vector<ResourceLimit>{{RLIMIT_CPU, RLIM_INFINITY, RLIM_INFINITY},
                                                         {RLIMIT_NOFILE, 64, 64}}));
  EXPECT_FALSE(settings.login_class);
  // The two sockets of one entry share one block.
  EXPECT_EQ(r.services[0].extras.get(), r.services[1].extras.get());
}

TEST(ResolveLaunch, AnOverlongVariableIsNotPassed) {
  FakeSystemDb db;
  db.environment["BIG"] = std::string(config::kMaxVariableBytes, 'x');
  Resolved r = resolve_text(
      "8000 on protocol = tcp4, wait = no, user = nobody, exec = /bin/sh, passenv = BIG TZ;", db);
  EXPECT_EQ(r.messages, Strings{"inetd.conf:1: warning: 8000/tcp4: passenv: BIG is 4100 bytes, "
                                "more than the limit of 4096; not passed"});
  ASSERT_EQ(r.services.size(), 1u);
  EXPECT_EQ(r.services[0].launch_settings()->environment, Strings{"TZ=UTC"});
}

TEST(ResolveLaunch, TheClassAndTheOwnLimitsShareTheBlock) {
  Resolved r = resolve_text("8000 stream tcp4 nowait nobody/daemon /bin/sh sh");
  ASSERT_EQ(r.services.size(), 1u);
  ASSERT_NE(r.services[0].login_class(), nullptr);
  EXPECT_TRUE(r.services[0].launch_settings()->environment.empty());
  LaunchSettings settings;
  settings.login_class = LoginClass{
      "daemon", {ResourceLimit{RLIMIT_NOFILE, 128, 256}, ResourceLimit{RLIMIT_CPU, 5, 5}}};
  settings.limits = {ResourceLimit{RLIMIT_NOFILE, 64, 64}, ResourceLimit{RLIMIT_AS, 1024, 1024}};
  // The class's open files give way to the service's own.
  EXPECT_EQ(settings.effective_limits(),
            (std::vector<ResourceLimit>{ResourceLimit{RLIMIT_CPU, 5, 5},
                                        ResourceLimit{RLIMIT_NOFILE, 64, 64},
                                        ResourceLimit{RLIMIT_AS, 1024, 1024}}));
}

// ---------------------------------------------------------------- policy

TEST(ResolvePolicy, ABannerFileIsReadIntoOnePolicyForAllTheEntrysSockets) {
  Resolved r = resolve_text(
      "echo on protocol = tcp, user = nobody, banner = /etc/banner, access_times = 8:00-17:00,\n"
      "  max_load = 2.5;\n"
      "daytime stream tcp nowait root internal\n");
  ASSERT_EQ(r.services.size(), 4u) << testing::PrintToString(r.messages);
  const Service& echo4 = r.services[0];
  ASSERT_NE(echo4.policy(), nullptr);
  EXPECT_EQ(echo4.policy()->banner(config::BannerKind::always), "hello\r\n");
  EXPECT_EQ(echo4.policy()->banner(config::BannerKind::fail), "");
  EXPECT_EQ(echo4.policy()->access_times, (std::vector<limits::MinuteRange>{{480, 1020}}));
  EXPECT_EQ(echo4.policy()->max_load, 250u);
  EXPECT_EQ(echo4.policy(), r.services[1].policy());  // the IPv6 socket shares it
  EXPECT_FALSE(r.services[2].extras);                 // daytime has none
}

TEST(ResolvePolicy, AMissingOrTooLargeBannerSkipsTheEntryAtTheBannerWord) {
  FakeSystemDb db;
  db.files["/etc/big"] = std::string(config::kMaxBannerBytes + 1, 'x');
  db.files["/etc/full"] = std::string(config::kMaxBannerBytes, 'x');
  Resolved r = resolve_text(
      "echo on protocol = tcp4, user = nobody, banner_fail = /etc/big;\n"
      "ftp on protocol = tcp4, user = nobody, wait = no, exec = /x, banner_success = /nope;\n"
      "daytime on protocol = tcp4, user = nobody, banner = /etc/full;\n",
      db);
  ASSERT_EQ(r.services.size(), 1u);
  EXPECT_EQ(r.services[0].name, "daytime/tcp4");
  EXPECT_EQ(r.services[0].policy()->banner(config::BannerKind::always).size(),
            config::kMaxBannerBytes);
  EXPECT_EQ(r.messages,
            (Strings{"inetd.conf:1:55: error: banner_fail /etc/big: 8193 bytes, too many; entry "
                     "skipped",
                     "inetd.conf:2:79: error: banner_success /nope: No such file or directory; "
                     "entry skipped"}));
  EXPECT_EQ(r.failed.size(), 2u);
}

// ---------------------------------------------------------------- redirect

TEST(ResolveRedirect, AnAddressOrTheFirstAddressOfANameAndAPortOrItsName) {
  Resolved r = resolve_text("8080 on protocol = tcp4, redirect = 192.0.2.9 8000;");
  ASSERT_EQ(r.services.size(), 1u);
  ASSERT_TRUE(r.services[0].redirects());
  EXPECT_EQ(r.services[0].redirect()->to_string(), "192.0.2.9:8000");
  r = resolve_text("8080 on protocol = tcp4, redirect = v4.example finger;");
  ASSERT_EQ(r.services.size(), 1u);
  EXPECT_EQ(r.services[0].redirect()->to_string(), "192.0.2.1:79");
  r = resolve_text("8080 on protocol = tcp4, redirect = ::1 echo;");
  EXPECT_EQ(r.services[0].redirect()->to_string(), "[::1]:7");
  EXPECT_EQ(r.messages, Strings{});
}

TEST(ResolveRedirect, UnknownHostsAndPortNamesAreErrorsAtTheHost) {
  Resolved r = resolve_text("8080 on protocol = tcp4, redirect = nowhere.example 80;");
  EXPECT_TRUE(r.services.empty());
  EXPECT_EQ(r.messages, Strings{"inetd.conf:1:37: error: redirect: unknown host "
                                "\"nowhere.example\" (not an address, and the name does not "
                                "resolve)"});
  r = resolve_text("8080 on protocol = tcp4, redirect = 127.0.0.1 gopher;");
  EXPECT_TRUE(r.services.empty());
  EXPECT_EQ(r.messages, Strings{"inetd.conf:1:37: error: redirect: unknown service \"gopher\" "
                                "for tcp (not in /etc/services; give a port number 1-65535 "
                                "instead)"});
}

TEST(ResolvePort, ABuiltinWithoutARegisteredPortIsShownWhereItsNameGoes) {
  Resolved r = resolve_text("metrics stream tcp nowait nobody internal\n");
  EXPECT_TRUE(r.services.empty());
  EXPECT_EQ(r.messages, Strings{"inetd.conf:1:1: error: builtin metrics has no port in "
                                "/etc/services for tcp: give one, with the builtin's name after "
                                "\"internal\" (9262 stream tcp nowait nobody internal metrics)"});
  r = resolve_text("9262 stream tcp nowait nobody internal metrics\n");
  ASSERT_EQ(r.services.size(), 2u);  // IPv4 and IPv6
  EXPECT_EQ(r.services[0].builtin, config::Builtin::metrics);
}

}  // namespace
}  // namespace ninetd::services
