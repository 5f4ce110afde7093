// Each xinetd.conf attribute as ninetd maps it onto a ServiceSpec, the
// defaults block merged in, and the warnings for what ninetd does not do.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/xinetd/attributes.h"
#include "config/xinetd/parser.h"
#include "limits/access_list.h"
#include "xinetd_test_util.h"

namespace ninetd::config::xinetd {
namespace {

using testing::kServer;
using testing::messages;
using testing::only_spec;
using testing::parse;
using testing::refused;
using testing::service;
using Strings = std::vector<std::string>;

// finger with the usual attributes and `extra` lines after them (line 8 on).
std::string finger(std::string_view extra) {
  return service("finger", std::string(kServer) + std::string(extra));
}

Strings rules(const ServiceSpec& spec) {
  Strings out;
  for (const auto& rule : spec.access_rules)
    out.push_back((rule.allow ? "allow " : "deny ") + limits::to_string(rule.prefix));
  return out;
}

TEST(XinetdMapping, AServerProgram) {
  ServiceSpec spec = only_spec(finger("  group = tty\n"));
  EXPECT_EQ(spec.service, "finger");
  EXPECT_EQ(spec.protocol, "tcp");
  EXPECT_EQ(spec.transport, Transport::tcp);
  EXPECT_EQ(spec.family, FamilyRule::both);
  EXPECT_EQ(spec.socket_type, SocketType::stream);
  EXPECT_EQ(spec.wait_mode, WaitMode::nowait);
  EXPECT_EQ(spec.user, "nobody");
  EXPECT_EQ(spec.group, "tty");
  EXPECT_EQ(spec.builtin, Builtin::none);
  EXPECT_EQ(spec.program, "/usr/sbin/in.fingerd");
  EXPECT_EQ(spec.args, Strings{"in.fingerd"});
  EXPECT_EQ(spec.file, "x.conf");
  EXPECT_EQ(spec.line, 1);
  EXPECT_FALSE(spec.host);
  EXPECT_FALSE(spec.allow_given);
}

TEST(XinetdMapping, ServerArgsAndNameInArgs) {
  EXPECT_EQ(only_spec(finger("  server_args = -w -u\n")).args, (Strings{"in.fingerd", "-w", "-u"}));
  EXPECT_EQ(only_spec(finger("  flags = NAMEINARGS\n  server_args = fingerd -w\n")).args,
            (Strings{"fingerd", "-w"}));
  EXPECT_EQ(refused(finger("  flags = NAMEINARGS\n")),
            Strings{"x.conf:8:3: error: NAMEINARGS needs server_args, argv0 first"});
}

TEST(XinetdMapping, ProtocolSocketTypeAndWait) {
  ServiceSpec spec = only_spec(service("tftp",
                                       "  socket_type = dgram\n  protocol = udp\n  wait = yes\n"
                                       "  user = nobody\n  server = /usr/sbin/in.tftpd\n"));
  EXPECT_EQ(spec.protocol, "udp");
  EXPECT_EQ(spec.socket_type, SocketType::dgram);
  EXPECT_EQ(spec.wait_mode, WaitMode::wait);
  // protocol left out: from the socket type.
  spec = only_spec(service("tftp",
                           "  socket_type = dgram\n  wait = yes\n  user = nobody\n"
                           "  server = /usr/sbin/in.tftpd\n"));
  EXPECT_EQ(spec.protocol, "udp");
  EXPECT_EQ(spec.protocol_place.line, 3);
  EXPECT_EQ(refused(service("f",
                            "  socket_type = stream\n  protocol = sctp\n  wait = no\n"
                            "  user = root\n  server = /bin/cat\n")),
            Strings{"x.conf:4:14: error: protocol \"sctp\" is not supported by ninetd (expected "
                    "tcp or udp)"});
  EXPECT_EQ(refused(service("f",
                            "  socket_type = stream,3\n  wait = no\n  user = root\n"
                            "  server = /bin/cat\n")),
            Strings{"x.conf:3:17: error: unknown socket type \"stream,3\" (expected stream, "
                    "dgram, raw or seqpacket)"});
  EXPECT_EQ(refused(service("f",
                            "  socket_type = stream\n  wait = maybe\n  user = root\n"
                            "  server = /bin/cat\n")),
            Strings{"x.conf:4:10: error: wait takes yes or no, got \"maybe\""});
}

// xinetd takes socket_type = dgram with wait = no for a server (its man page:
// dgram services "normally expect" yes): get_connection in connection.c
// peeks at the datagram for the client's address and the server is started
// with the socket, as for wait = yes, but xinetd goes on watching it. Its
// sources have no check refusing the pair, and ninetd has none either: the
// server gets the socket and the service waits until it has read
// (ninetd(8), "server reading its datagram").
TEST(XinetdMapping, DgramWithWaitNoIsAServerPerDatagram) {
  ServiceSpec spec = only_spec(service("ping",
                                       "  socket_type = dgram\n  protocol = udp\n"
                                       "  wait = no\n  user = nobody\n"
                                       "  server = /usr/local/bin/ping-reply\n"));
  EXPECT_EQ(spec.socket_type, SocketType::dgram);
  EXPECT_EQ(spec.wait_mode, WaitMode::nowait);
  EXPECT_EQ(spec.program, "/usr/local/bin/ping-reply");
}

TEST(XinetdMapping, RequiredAttributes) {
  EXPECT_EQ(refused(service("f", "  wait = no\n  user = root\n  server = /bin/cat\n")),
            Strings{"x.conf:1:9: error: socket_type is required (stream, dgram, raw or "
                    "seqpacket)"});
  EXPECT_EQ(refused(service("f", "  socket_type = stream\n  user = root\n  server = /bin/cat\n")),
            Strings{"x.conf:1:9: error: wait is required (yes or no)"});
  EXPECT_EQ(refused(service("f", "  socket_type = stream\n  wait = no\n  server = /bin/cat\n")),
            Strings{"x.conf:1:9: error: user is required (the user the server runs as)"});
  EXPECT_EQ(refused(service("f", "  socket_type = stream\n  wait = no\n  user = root\n")),
            Strings{"x.conf:1:9: error: server is required (the program to run), or type = "
                    "INTERNAL"});
  EXPECT_EQ(refused(service("f",
                            "  socket_type = stream\n  wait = no\n  user = root\n"
                            "  server = cat\n")),
            Strings{"x.conf:6:12: error: server program \"cat\" is not an absolute path "
                    "(expected /path/to/program or \"internal\")"});
}

TEST(XinetdMapping, Flags) {
  ServiceSpec spec = only_spec(finger("  flags = IPv4 REUSE\n"));
  EXPECT_EQ(spec.protocol, "tcp4");
  EXPECT_EQ(spec.family, FamilyRule::v4);
  // xinetd's IPv6 socket takes IPv4 clients too unless v6only = yes.
  spec = only_spec(finger("  flags = IPv6\n"));
  EXPECT_EQ(spec.protocol, "tcp46");
  EXPECT_EQ(spec.family, FamilyRule::dual);
  spec = only_spec(finger("  flags = IPv6\n  v6only = yes\n"));
  EXPECT_EQ(spec.protocol, "tcp6");
  EXPECT_EQ(spec.family, FamilyRule::v6_only);
  // NODELAY and KEEPALIVE apply; NORETRY is what ninetd does anyway.
  spec = only_spec(finger("  flags = NODELAY KEEPALIVE NORETRY\n"));
  EXPECT_TRUE(spec.nodelay);
  EXPECT_TRUE(spec.keepalive);
  spec = only_spec(finger("  flags = KEEPALIVE\n"));
  EXPECT_FALSE(spec.nodelay);
  EXPECT_TRUE(spec.keepalive);
  ParseResult r = parse(finger("  flags = IDONLY\n"));
  EXPECT_EQ(messages(r), Strings{"x.conf:8:11: warning: flag IDONLY is not supported by ninetd; "
                                 "it is ignored"});
  EXPECT_EQ(r.services.size(), 1u);
  EXPECT_EQ(refused(finger("  flags = FAST\n")),
            Strings{"x.conf:8:11: error: unknown flag \"FAST\""});
  r = parse(finger("  v6only = yes\n"));
  EXPECT_EQ(messages(r), Strings{"x.conf:8:3: warning: v6only applies to a service with flags "
                                 "IPv6 only; it is ignored"});
}

TEST(XinetdMapping, TypeInternal) {
  ServiceSpec spec = only_spec(service("echo",
                                       "  type = INTERNAL\n  socket_type = stream\n"
                                       "  wait = no\n"));
  EXPECT_EQ(spec.builtin, Builtin::echo);
  EXPECT_EQ(spec.service, "echo");
  EXPECT_EQ(spec.user, "root");
  EXPECT_TRUE(spec.program.empty());
  spec = only_spec(service("daytime",
                           "  type = INTERNAL UNLISTED\n  port = 1313\n  socket_type = dgram\n"
                           "  wait = yes\n  user = nobody\n"));
  EXPECT_EQ(spec.builtin, Builtin::daytime);
  EXPECT_EQ(spec.service, "1313");
  EXPECT_EQ(spec.protocol, "udp");
  EXPECT_EQ(spec.user, "nobody");
  EXPECT_EQ(refused(service("servers", "  type = INTERNAL\n  socket_type = stream\n  wait = no\n")),
            Strings{"x.conf:3:3: error: INTERNAL service \"servers\" is not a ninetd builtin "
                    "(expected echo, discard, chargen, daytime, time, tcpmux, metrics or sensor)"});
  ParseResult r = parse(service("echo",
                                "  type = INTERNAL\n  socket_type = dgram\n  wait = no\n"
                                "  server = /bin/cat\n"));
  EXPECT_EQ(messages(r),
            (Strings{"x.conf:5:10: warning: wait for an INTERNAL service over dgram is \"yes\" "
                     "whatever is given",
                     "x.conf:6:3: warning: server is ignored: the service is INTERNAL"}));
  ASSERT_EQ(r.services.size(), 1u);
  EXPECT_EQ(r.services[0].wait_mode, WaitMode::wait);
}

TEST(XinetdMapping, TypeUnlistedNeedsAPort) {
  ServiceSpec spec = only_spec(finger("  type = UNLISTED\n  port = 7979\n"));
  EXPECT_EQ(spec.service, "7979");
  EXPECT_EQ(refused(finger("  type = UNLISTED\n")),
            Strings{"x.conf:1:9: error: UNLISTED service finger needs a port"});
  EXPECT_EQ(refused(finger("  port = 70000\n")),
            Strings{"x.conf:8:10: error: port must be a number from 1 to 65535, got \"70000\""});
  // A listed service's port is the one used.
  EXPECT_EQ(only_spec(finger("  port = 79\n")).service, "79");
}

TEST(XinetdMapping, AServiceWithAPortIsNamedByItsNameOrId) {
  ServiceSpec spec = only_spec(finger("  port = 7979\n"));
  EXPECT_EQ(spec.service, "7979");
  EXPECT_EQ(spec.display_name(), "finger/tcp");
  spec = only_spec(finger("  port = 7979\n  id = finger-v4\n"));
  EXPECT_EQ(spec.display_name(), "finger-v4/tcp");
  // An id that would read as a host or a path in field 1 (the fuzzer's "[off-id").
  spec = only_spec(finger("  port = 7979\n  id = [off-id\n"));
  EXPECT_EQ(spec.display_name(), "finger/tcp");
  // Without a port the name is the service, as in inetd.conf.
  spec = only_spec(finger(""));
  EXPECT_EQ(spec.label, "");
  EXPECT_EQ(spec.display_name(), "finger/tcp");
}

TEST(XinetdMapping, TypeTcpmux) {
  ServiceSpec spec = only_spec(service("rot13", std::string(kServer) + "  type = TCPMUX\n"));
  EXPECT_TRUE(spec.tcpmux);
  EXPECT_FALSE(spec.tcpmux_plus);
  EXPECT_EQ(spec.service, "rot13");
  EXPECT_EQ(spec.display_name(), "tcpmux/rot13/tcp");
  spec = only_spec(service("rot13", std::string(kServer) + "  type = TCPMUXPLUS\n"));
  EXPECT_TRUE(spec.tcpmux_plus);
  EXPECT_EQ(spec.display_name(), "tcpmux/+rot13/tcp");
  EXPECT_EQ(refused(finger("  type = RPC\n")),
            Strings{"x.conf:8:10: error: RPC services are not supported by ninetd"});
}

TEST(XinetdMapping, Disable) {
  ParseResult r = parse(finger("  disable = yes\n"));
  EXPECT_TRUE(r.services.empty());
  EXPECT_TRUE(r.failed.empty());
  EXPECT_TRUE(r.diagnostics.empty());
  EXPECT_EQ(only_spec(finger("  disable = no\n")).service, "finger");
}

// What a disabled block would use but ninetd does not, as written enabled.
constexpr const char* kUnused = "  flags = IDONLY\n  mdns = yes\n  only_from = localhost\n";

TEST(XinetdMapping, AnEnabledBlockIsWarnedAboutWhatItDoesNotGet) {
  ParseResult r = parse(finger(kUnused));
  ASSERT_EQ(r.services.size(), 1u);
  EXPECT_EQ(
      messages(r),
      (Strings{"x.conf:9:3: warning: mdns is not supported by ninetd yet; it is ignored",
               "x.conf:10:15: warning: only_from: \"localhost\" is a name, which ninetd "
               "does not look up: no client is served by it",
               "x.conf:8:11: warning: flag IDONLY is not supported by ninetd; it is ignored"}));
}

// xinetd reads a disabled block (its attributes' parsers run), then drops it
// before it checks what the block leaves out or combines (confparse.c:
// remove_disabled_services before service_fill and check_entry). ninetd
// does the same, and warns about nothing a disabled block would not use.
TEST(XinetdMapping, ADisabledBlockIsNotWarnedAbout) {
  ParseResult r = parse(finger(std::string(kUnused) + "  disable = yes\n"));
  EXPECT_EQ(messages(r), Strings{});
  EXPECT_TRUE(r.services.empty());
  EXPECT_TRUE(r.failed.empty());
  // Still carried (ninetd --convert writes it "off"), with its notes.
  ASSERT_EQ(r.switched_off.size(), 1u);
  EXPECT_EQ(r.switched_off[0].spec.notes.size(), 3u);
  // Off by the defaults' lists, the same.
  r = parse("defaults\n{\n  disabled = finger\n}\n" + finger(kUnused));
  EXPECT_EQ(messages(r), Strings{});
  ASSERT_EQ(r.switched_off.size(), 1u);
  r = parse("defaults\n{\n  enabled = telnet\n}\n" + finger(kUnused));
  EXPECT_EQ(messages(r), Strings{});
  ASSERT_EQ(r.switched_off.size(), 1u);
}

TEST(XinetdMapping, ADisabledBlockNeedsNothingButItsErrorsStay) {
  // A stub: xinetd never asks a disabled service for its socket_type or
  // server. Nothing is carried, and nothing fails.
  ParseResult r = parse(service("finger", "  disable = yes\n  flags = SENSOR\n"));
  EXPECT_EQ(messages(r), Strings{});
  EXPECT_TRUE(r.services.empty());
  EXPECT_TRUE(r.switched_off.empty());
  EXPECT_TRUE(r.failed.empty());
  // What is written is still read: a mistake in it is an error.
  r = parse(finger("  disable = yes\n  instances = many\n  groups = yes\n"));
  EXPECT_EQ(messages(r), Strings{"x.conf:9:15: error: instances must be a number from 1 to "
                                 "1000000000 or UNLIMITED, got \"many\""});
  EXPECT_TRUE(r.failed.empty());
  r = parse(finger("  disable = yes\n  colour = blue\n  mdns = yes\n"));
  EXPECT_EQ(messages(r), Strings{"x.conf:9:3: error: unknown attribute \"colour\""});
  EXPECT_TRUE(r.failed.empty());
  EXPECT_EQ(messages(parse(finger("  disable = maybe\n"))),
            Strings{"x.conf:8:13: error: disable takes yes or no, got \"maybe\""});
}

TEST(XinetdMapping, TheDefaultsOwnWarningsStayWhenTheirServiceIsOff) {
  ParseResult r = parse("defaults\n{\n  mdns = yes\n}\n" + finger("  disable = yes\n"));
  EXPECT_EQ(messages(r), Strings{"x.conf:3:3: warning: mdns is not supported by ninetd yet; "
                                 "it is ignored"});
}

// xinetd's SENSOR: the service becomes the builtin sensor, whatever its
// server says, with deny_time as its argument (config/deny_time.h).
TEST(XinetdMapping, SensorIsTheBuiltinSensorWithItsDenyTime) {
  ParseResult r = parse(service("ftp", std::string(kServer) +
                                           "  type = UNLISTED\n  port = 2121\n  flags = SENSOR\n"
                                           "  deny_time = 120\n"));
  EXPECT_EQ(messages(r), Strings{"x.conf:7:3: warning: server is ignored: the service is a "
                                 "SENSOR"});
  ASSERT_EQ(r.services.size(), 1u);
  const ServiceSpec& spec = r.services[0];
  EXPECT_EQ(spec.builtin, Builtin::sensor);
  EXPECT_EQ(spec.wait_mode, WaitMode::nowait);
  EXPECT_EQ(spec.args, (Strings{"sensor", "120"}));
  EXPECT_EQ(spec.display_name(), "ftp/tcp");
  // From the defaults, and none at all (xinetd's 0: only logged).
  r = parse("defaults\n{\n  deny_time = FOREVER\n}\n" +
            service("ftp",
                    "  type = UNLISTED\n  port = 2121\n  socket_type = stream\n"
                    "  wait = no\n  flags = SENSOR\n"));
  EXPECT_EQ(messages(r), Strings{});
  ASSERT_EQ(r.services.size(), 1u);
  EXPECT_EQ(r.services[0].args, (Strings{"sensor", "FOREVER"}));
  r = parse(service("ftp",
                    "  type = UNLISTED\n  port = 2121\n  socket_type = stream\n"
                    "  wait = no\n  flags = SENSOR\n"));
  ASSERT_EQ(r.services.size(), 1u);
  EXPECT_EQ(r.services[0].args, (Strings{"sensor"}));
}

TEST(XinetdMapping, SensorMistakes) {
  EXPECT_EQ(refused(service("ftp",
                            "  type = UNLISTED\n  port = 2121\n  socket_type = stream\n"
                            "  wait = no\n  flags = SENSOR\n  deny_time = soon\n")),
            Strings{"x.conf:8:15: error: deny_time must be minutes from 0 to 525600, FOREVER "
                    "or NEVER, got \"soon\""});
  // Over UDP too, as xinetd, with the warning that a datagram's source may be anyone's.
  ParseResult udp = parse(service("ftp",
                                  "  type = UNLISTED\n  port = 2121\n  socket_type = dgram\n"
                                  "  wait = yes\n  flags = SENSOR\n"));
  EXPECT_EQ(messages(udp), Strings{"x.conf:5:17: warning: a sensor over udp lists the source "
                                   "address each datagram claims: a spoofed one has any address "
                                   "refused, yours too (a stream sensor lists only clients that "
                                   "complete a handshake)"});
  EXPECT_EQ(udp.services.size(), 1u);
  // A service named as a builtin would be read back as that builtin.
  EXPECT_EQ(refused(service("echo", "  socket_type = stream\n  wait = no\n  flags = SENSOR\n")),
            Strings{"x.conf:5:3: error: flags = SENSOR on service echo: ninetd would read it as "
                    "its builtin echo (give the service a port)"});
  // Without SENSOR, deny_time means nothing: a warning for the service's own.
  ParseResult r = parse(finger("  deny_time = 5\n"));
  EXPECT_EQ(messages(r), Strings{"x.conf:8:3: warning: deny_time applies to a service with "
                                 "flags = SENSOR only; it is ignored"});
  EXPECT_EQ(r.services.size(), 1u);
  EXPECT_EQ(messages(parse("defaults\n{\n  deny_time = 5\n}\n" + finger(""))), Strings{});
}

TEST(XinetdMapping, DefaultsEnabledAndDisabledByID) {
  std::string two = finger("  id = finger-a\n") + finger("  id = finger-b\n");
  ParseResult r = parse("defaults\n{\n  disabled = finger-a\n}\n" + two);
  ASSERT_EQ(r.services.size(), 1u);
  EXPECT_EQ(r.services[0].line, 14);
  r = parse("defaults\n{\n  enabled = finger-a\n}\n" + two);
  ASSERT_EQ(r.services.size(), 1u);
  EXPECT_EQ(r.services[0].line, 5);
  EXPECT_TRUE(r.failed.empty());
}

TEST(XinetdMapping, BindAndInterface) {
  EXPECT_EQ(only_spec(finger("  bind = 127.0.0.1\n")).host, "127.0.0.1");
  EXPECT_EQ(only_spec(finger("  interface = ::1\n")).host, "::1");
  EXPECT_EQ(refused(finger("  bind = 127.0.0.1\n  interface = ::1\n")),
            Strings{"x.conf:9:3: error: bind and interface are one setting; bind is given "
                    "already (line 8)"});
}

TEST(XinetdMapping, OnlyFromForms) {
  ServiceSpec spec =
      only_spec(finger("  only_from = 127.0.0.1 128.138.12.0 10.0.0.0 0.0.0.0 192.0.2.0/25\n"
                       "  only_from += 10.1.{2,3} 172.16.4.{1,2} 2001:db8::/32 ::1\n"));
  EXPECT_TRUE(spec.allow_given);
  EXPECT_EQ(rules(spec), (Strings{"allow 127.0.0.1/32", "allow 128.138.12.0/24", "allow 10.0.0.0/8",
                                  "allow 0.0.0.0/0", "allow 192.0.2.0/25", "allow 10.1.2.0/24",
                                  "allow 10.1.3.0/24", "allow 172.16.4.1/32", "allow 172.16.4.2/32",
                                  "allow 2001:db8::/32", "allow ::1/128"}));
  // Given with no value: nobody is served.
  spec = only_spec(finger("  only_from =\n"));
  EXPECT_TRUE(spec.allow_given);
  EXPECT_TRUE(spec.access_rules.empty());
}

TEST(XinetdMapping, NoAccessAndNames) {
  ParseResult r = parse(finger("  no_access = 192.0.2.7 evil.example\n  only_from = .example\n"));
  ASSERT_EQ(r.services.size(), 1u);
  EXPECT_TRUE(r.services[0].deny_given);
  EXPECT_TRUE(r.services[0].allow_given);
  EXPECT_EQ(rules(r.services[0]), Strings{"deny 192.0.2.7/32"});
  EXPECT_EQ(messages(r),
            (Strings{"x.conf:9:15: warning: only_from: \".example\" is a name, which ninetd does "
                     "not look up: no client is served by it",
                     "x.conf:8:25: warning: no_access: \"evil.example\" is a name, which ninetd "
                     "does not look up: its clients are NOT refused"}));
  EXPECT_EQ(refused(finger("  only_from = 10.0.300.1\n")),
            Strings{"x.conf:8:15: error: only_from: \"10.0.300.1\": expected an address "
                    "(a.b.c.d, a.b.c.0 for a.b.c.*, a.b.{c,d}, a prefix) or a name"});
  EXPECT_EQ(refused(finger("  only_from = 10.{1,2}.3\n")),
            Strings{"x.conf:8:15: error: only_from: \"10.{1,2}.3\": a factorized address ends "
                    "with its {list}: a.b.{c,d}"});
  EXPECT_EQ(refused(finger("  no_access = 10.0.0.1/8\n"))[0].substr(0, 40),
            "x.conf:8:15: error: no_access: \"10.0.0.1");
}

TEST(XinetdMapping, Limits) {
  ServiceSpec spec = only_spec(finger("  instances = 20\n  per_source = 3\n  cps = 25 30\n"));
  EXPECT_EQ(spec.max_child, 20u);
  EXPECT_EQ(spec.max_child_per_ip, 3u);
  EXPECT_EQ(spec.max_per_minute, 25u * 60);  // N per second kept as N * 60 per minute
  spec = only_spec(finger("  instances = UNLIMITED\n  per_source = UNLIMITED\n"));
  EXPECT_FALSE(spec.max_child);
  EXPECT_FALSE(spec.max_child_per_ip);
  EXPECT_EQ(refused(finger("  instances = 0\n")),
            Strings{"x.conf:8:15: error: instances must be a number from 1 to 1000000000 or "
                    "UNLIMITED, got \"0\""});
  EXPECT_EQ(refused(finger("  cps = 0 10\n")),
            Strings{"x.conf:8:9: error: cps needs connections per second from 1 to 16666666, "
                    "got \"0\""});
  EXPECT_EQ(refused(finger("  cps = 5 soon\n")),
            Strings{"x.conf:8:11: error: cps needs the seconds to wait as a number, got "
                    "\"soon\""});
}

TEST(XinetdMapping, EveryNotYetAttributeWarnsByName) {
  int rows = 0;
  for (const AttributeRow& row : attribute_table()) {
    if (row.support != Support::not_yet) continue;
    ++rows;
    std::string line = "  " + std::string(row.name) + " =";
    for (std::size_t i = 0; i < std::max<std::size_t>(row.min_values, 1); ++i) line += " 1";
    ParseResult r = parse(finger(line + "\n"));
    EXPECT_EQ(messages(r), Strings{"x.conf:8:3: warning: " + std::string(row.name) +
                                   " is not supported by ninetd yet; it is ignored"});
    EXPECT_EQ(r.services.size(), 1u) << row.name;
  }
  EXPECT_GE(rows, 1);  // mdns
  for (const char* mapped : {"redirect", "groups", "libwrap", "deny_time"})
    EXPECT_EQ(find_attribute(mapped)->support, Support::mapped) << mapped;
}

TEST(XinetdMapping, BannersAccessTimesAndMaxLoad) {
  ServiceSpec spec = only_spec(
      finger("  banner = /etc/issue.net\n  banner_success = /etc/ok\n  banner_fail = /etc/no\n"
             "  access_times = 8:00-12:30 13:30-17:00\n  max_load = 2.5\n"));
  EXPECT_EQ(spec.policy.banners[0].path, "/etc/issue.net");
  EXPECT_EQ(spec.policy.banners[0].file, "x.conf");
  EXPECT_EQ(spec.policy.banners[0].place.line, 8);
  EXPECT_EQ(spec.policy.banners[0].place.column, 12);
  EXPECT_EQ(spec.policy.banners[1].path, "/etc/ok");
  EXPECT_EQ(spec.policy.banners[2].path, "/etc/no");
  EXPECT_EQ(spec.policy.access_times, (std::vector<limits::MinuteRange>{{480, 750}, {810, 1020}}));
  EXPECT_EQ(spec.policy.max_load, 250u);
  // From defaults, as xinetd allows each of them there.
  spec = only_spec("defaults\n{\n  banner_fail = /etc/no\n  max_load = 4\n}\n" + finger(""));
  EXPECT_EQ(spec.policy.banners[2].path, "/etc/no");
  EXPECT_EQ(spec.policy.max_load, 400u);
}

TEST(XinetdMapping, GroupsAndLibwrap) {
  EXPECT_FALSE(only_spec(finger("")).supplementary_groups);  // xinetd's default
  ServiceSpec spec = only_spec(finger("  groups = no\n  libwrap = in.fingerd\n"));
  EXPECT_FALSE(spec.supplementary_groups);
  EXPECT_EQ(spec.libwrap, "in.fingerd");
  EXPECT_TRUE(only_spec(finger("  groups = yes\n")).supplementary_groups);
  EXPECT_TRUE(only_spec("defaults\n{\n  groups = yes\n}\n" + finger("")).supplementary_groups);
  EXPECT_EQ(refused(finger("  groups = maybe\n")),
            Strings{"x.conf:8:12: error: groups takes yes or no, got \"maybe\""});
  EXPECT_EQ(refused(finger("  libwrap = " + std::string(128, 'w') + "\n")),
            Strings{"x.conf:8:13: error: libwrap: a daemon name of 128 bytes is longer than the "
                    "limit of 127"});
}

TEST(XinetdMapping, PolicyMistakes) {
  EXPECT_EQ(refused(finger("  banner = issue\n")),
            Strings{"x.conf:8:12: error: banner needs the absolute path of a file, got \"issue\""});
  EXPECT_EQ(refused(finger("  access_times = 8:00-17:00 25:00-26:00\n")),
            Strings{"x.conf:8:29: error: access_times: \"25:00-26:00\" is not a range of the "
                    "form hour:min-hour:min (hours 0 to 23, minutes 0 to 59)"});
  EXPECT_EQ(refused(finger("  max_load = high\n")),
            Strings{"x.conf:8:14: error: max_load needs a load average from 0 to 10000.00 with "
                    "at most two decimals (2, 2.5, 0.75), got \"high\""});
  ParseResult zero = parse(finger("  max_load = 0\n"));
  EXPECT_EQ(messages(zero), Strings{"x.conf:8:3: warning: max_load = 0 refuses every client (the "
                                    "load average is never below 0; xinetd refuses this value)"});
  ASSERT_EQ(zero.services.size(), 1u);
  EXPECT_EQ(zero.services[0].policy.max_load, 0u);
}

TEST(XinetdMapping, PolicyWhereItCannotApply) {
  std::string wait_stream =
      "  socket_type = stream\n  wait = yes\n  user = root\n  server = /usr/sbin/sshd\n";
  EXPECT_EQ(refused(service("ssh", wait_stream + "  access_times = 8:00-9:00\n")),
            Strings{"x.conf:7:3: error: access_times cannot apply to this service: its server "
                    "accepts the connections itself (wait = yes)"});
  ParseResult r =
      parse("defaults\n{\n  max_load = 3\n  banner = /etc/b\n}\n" + service("ssh", wait_stream));
  EXPECT_EQ(messages(r),
            (Strings{"x.conf:4:3: warning: banner is ignored for service ssh: its server accepts "
                     "the connections (wait = yes)",
                     "x.conf:3:3: warning: max_load from defaults is not applied to service ssh: "
                     "its server accepts the connections itself (wait = yes)"}));
  ASSERT_EQ(r.services.size(), 1u);
  EXPECT_FALSE(r.services[0].policy.max_load);
  EXPECT_FALSE(r.services[0].policy.has_banner());
  // A dgram service keeps access_times, drops its banner.
  ParseResult dgram = parse(service("daytime",
                                    "  type = INTERNAL\n  socket_type = dgram\n  banner = /etc/b\n"
                                    "  access_times = 0:00-23:59\n"));
  EXPECT_EQ(messages(dgram),
            Strings{"x.conf:5:3: warning: banner is ignored for service daytime: the service has "
                    "no connection to write it to (stream and seqpacket only)"});
  ASSERT_EQ(dgram.services.size(), 1u);
  EXPECT_TRUE(dgram.services[0].policy.access_times_given);
}

TEST(XinetdMapping, DefaultsMerge) {
  std::string defaults =
      "defaults\n{\n  only_from = 10.0.0.0 127.0.0.1\n  instances = 60\n  cps = 10 5\n}\n";
  ServiceSpec spec = only_spec(defaults + finger(""));
  EXPECT_EQ(rules(spec), (Strings{"allow 10.0.0.0/8", "allow 127.0.0.1/32"}));
  EXPECT_EQ(spec.max_child, 60u);
  EXPECT_EQ(spec.max_per_minute, 600u);
  spec = only_spec(defaults + finger("  only_from += 192.0.2.1\n  instances = 5\n"));
  EXPECT_EQ(rules(spec), (Strings{"allow 10.0.0.0/8", "allow 127.0.0.1/32", "allow 192.0.2.1/32"}));
  EXPECT_EQ(spec.max_child, 5u);
  spec = only_spec(defaults + finger("  only_from -= 127.0.0.1\n"));
  EXPECT_EQ(rules(spec), Strings{"allow 10.0.0.0/8"});
  spec = only_spec(defaults + finger("  only_from = 192.0.2.1\n"));
  EXPECT_EQ(rules(spec), Strings{"allow 192.0.2.1/32"});
  // A defaults block after the services applies too, as in xinetd.
  spec = only_spec(finger("") + defaults);
  EXPECT_EQ(spec.max_child, 60u);
}

TEST(XinetdMapping, DefaultsProblemsAreReportedOnce) {
  ParseResult r = parse("defaults\n{\n  instances = lots\n}\n" + finger("") + finger(""));
  EXPECT_EQ(messages(r), Strings{"x.conf:3:15: error: instances must be a number from 1 to "
                                 "1000000000 or UNLIMITED, got \"lots\""});
  EXPECT_TRUE(r.services.empty());
  EXPECT_EQ(r.failed.size(), 2u);
}

TEST(XinetdMapping, AccessOnAWaitStreamService) {
  std::string body =
      "  socket_type = stream\n  wait = yes\n  user = root\n  server = /usr/sbin/sshd\n";
  EXPECT_EQ(refused(service("ssh", body + "  only_from = 10.0.0.1\n")),
            Strings{"x.conf:7:3: error: only_from cannot apply to a stream service with wait = "
                    "yes: its server accepts the connections itself"});
  ParseResult r = parse("defaults\n{\n  no_access = 10.0.0.1\n}\n" + service("ssh", body));
  EXPECT_EQ(messages(r), Strings{"x.conf:3:3: warning: no_access from defaults is not applied to "
                                 "service ssh (stream, wait = yes: its server accepts the "
                                 "connections itself)"});
  ASSERT_EQ(r.services.size(), 1u);
  EXPECT_FALSE(r.services[0].deny_given);
  EXPECT_TRUE(r.services[0].access_rules.empty());
}

TEST(XinetdMapping, InheritedDefaultsReachAnIncludedFile) {
  Defaults found;
  ParseResult main = parse_xinetd_config("defaults\n{\n  per_source = 4\n}\nincludedir /d\n",
                                         "main.conf", Defaults{}, &found);
  ASSERT_EQ(main.includes.size(), 1u);
  EXPECT_TRUE(main.includes[0].xinetd_dir);
  EXPECT_EQ(main.includes[0].path, "/d");
  ParseResult included = parse_xinetd_config(finger(""), "/d/finger", found, nullptr);
  ASSERT_EQ(included.services.size(), 1u);
  EXPECT_EQ(included.services[0].max_child_per_ip, 4u);
}

}  // namespace
}  // namespace ninetd::config::xinetd
