// NetBSD's key=value form of an entry, as ninetd reads it: the grammar (where
// an entry ends, quoting, comments), each key of the table, and the exact
// diagnostic for each mistake. The classic form is config_parser_test.cpp's.
#include "config/key_values.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "config/parser.h"
#include "parse_helpers.h"

namespace ninetd::config {
namespace {

using namespace parse_test;

// ---------------------------------------------------------------- the grammar

TEST(KeyValueGrammar, AnEntryRunsOverLinesToItsSemicolon) {
  ServiceSpec spec = only_spec(
      "echo on\n"
      "protocol = tcp,\n"
      "    user = nobody\n"
      ";\n");
  EXPECT_EQ(spec.service, "echo");
  EXPECT_EQ(spec.builtin, Builtin::echo);
  EXPECT_EQ(spec.user, "nobody");
  EXPECT_EQ(spec.line, 1);
  EXPECT_EQ(spec.wait_mode, WaitMode::nowait);
  EXPECT_EQ(spec.socket_type, SocketType::stream);
}

TEST(KeyValueGrammar, CommentsMayStandAnywhereOutsideQuotes) {
  ServiceSpec spec = only_spec(
      "8000 on # the switch\n"
      "  protocol = tcp, # a comment after a comma\n"
      "# a whole line\n"
      "  user = nobody, wait = no,\n"
      "  exec = /bin/echo#glued to the value\n"
      "  , args = echo '#not a comment' \"a b\";\n");
  EXPECT_EQ(spec.program, "/bin/echo");
  EXPECT_EQ(spec.args, (std::vector<std::string>{"echo", "#not a comment", "a b"}));
}

TEST(KeyValueGrammar, QuotesTakeNetBsdEscapes) {
  ServiceSpec spec = only_spec(
      "8000 on protocol = tcp, user = nobody, wait = no, exec = /bin/echo,\n"
      "  args = echo 'a\\tb' \"c\\nd\" '\\\\' \"\\\"\" '\\'' \"\\x41\\x7a\" pre\"mid\"post;\n");
  EXPECT_EQ(spec.args, (std::vector<std::string>{"echo", "a\tb", "c\nd", "\\", "\"", "'", "Az",
                                                 "premidpost"}));
}

TEST(KeyValueGrammar, SeveralEntriesShareALineAndAClassicOneMayFollow) {
  ParseResult result = parse(
      "echo on protocol = tcp, user = root; daytime on protocol = tcp, user = root;"
      " time stream tcp nowait root internal\n"
      "discard stream tcp nowait root internal\n");
  EXPECT_EQ(messages(result), std::vector<std::string>{});
  ASSERT_EQ(result.services.size(), 4u);
  EXPECT_EQ(result.services[0].builtin, Builtin::echo);
  EXPECT_EQ(result.services[1].builtin, Builtin::daytime);
  EXPECT_EQ(result.services[2].builtin, Builtin::time);
  EXPECT_EQ(result.services[3].builtin, Builtin::discard);
  EXPECT_EQ(result.services[2].line, 1);
  EXPECT_EQ(result.services[3].line, 2);
}

TEST(KeyValueGrammar, AClassicEntryAfterASemicolonTakesIndentedContinuations) {
  ParseResult result = parse(
      "echo on protocol = tcp, user = root; 8000 stream tcp nowait root\n"
      "\t/bin/echo echo hi\n");
  EXPECT_EQ(messages(result), std::vector<std::string>{});
  ASSERT_EQ(result.services.size(), 2u);
  EXPECT_EQ(result.services[1].args, (std::vector<std::string>{"echo", "hi"}));
}

TEST(KeyValueGrammar, KeyValueLinesNeedNoIndentAndBlankLinesDoNotEndThem) {
  ServiceSpec spec = only_spec("echo on\n\nprotocol = tcp,\n\nuser = root;\n");
  EXPECT_EQ(spec.builtin, Builtin::echo);
}

TEST(KeyValueGrammar, AnEmptyValueListIsAllowedWhereTheKeyTakesNone) {
  ServiceSpec spec = only_spec("echo on protocol = tcp, user = root, ipsec =;");
  EXPECT_EQ(spec.builtin, Builtin::echo);
}

TEST(KeyValueGrammar, AMissingSemicolonIsReportedAtTheEntry) {
  ParseResult result = parse("# x\n  echo on protocol = tcp,\n user = root\n");
  EXPECT_TRUE(result.services.empty());
  EXPECT_EQ(messages(result),
            std::vector<std::string>{"inetd.conf:2:3: error: the key=value entry for \"echo\" "
                                     "has no ';' before the end of the file"});
  ASSERT_EQ(result.failed.size(), 1u);
  EXPECT_EQ(result.failed[0].service, "echo");
  EXPECT_EQ(result.failed[0].protocol, "tcp");
}

TEST(KeyValueGrammar, AKeyWithoutEqualsSkipsToTheSemicolonAndGoesOn) {
  ParseResult result = parse(
      "echo on protocol tcp, user = root;\n"
      "daytime on protocol = tcp, user = root;\n");
  EXPECT_EQ(messages(result), std::vector<std::string>{"inetd.conf:1:18: error: expected '=' "
                                                       "after \"protocol\", got 't'"});
  ASSERT_EQ(result.services.size(), 1u);
  EXPECT_EQ(result.services[0].builtin, Builtin::daytime);
}

TEST(KeyValueGrammar, ABadKeyNameIsReportedAtItsColumn) {
  EXPECT_EQ(only_error("echo on protocol = tcp, 9user = root;"),
            "inetd.conf:1:25: error: expected a key name (letters and '_') or ';', got '9'");
}

TEST(KeyValueGrammar, QuotingMistakesAreErrorsAtTheirColumn) {
  EXPECT_EQ(only_error("x on protocol = tcp, user = root, exec = /bin/x, args = 'open;\n"),
            "inetd.conf:1:57: error: no closing ' on this line (a quoted value is on one line)");
  EXPECT_EQ(only_error("x on protocol = tcp, user = root, exec = /bin/x, args = \"\\q\";"),
            "inetd.conf:1:58: error: unknown escape: 'q' after a backslash (expected a backslash, "
            "n, t, r, a quote or xHH)");
  EXPECT_EQ(only_error("x on protocol = tcp, user = root, exec = /bin/x, args = \"\\x4\";"),
            "inetd.conf:1:58: error: x after a backslash needs two hexadecimal digits");
}

TEST(KeyValueGrammar, ANulByteFromAnEscapeIsRefused) {
  EXPECT_EQ(only_error("x on protocol = tcp, user = root, exec = /bin/x, args = \"a\\x00\";"),
            "inetd.conf:1:59: error: a NUL byte (x00 after a backslash) would end the value there "
            "for the server program; not allowed");
}

TEST(KeyValueGrammar, ARejectedLineInsideAnEntryBreaksItButNotTheNext) {
  std::string text = "echo on protocol = tcp,\n  user = " + std::string(5000, 'r') +
                     ";\ndaytime on protocol = tcp, user = root;\n";
  ParseResult result = parse(text);
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].line, 2);
  ASSERT_EQ(result.services.size(), 1u);
  EXPECT_EQ(result.services[0].builtin, Builtin::daytime);
}

TEST(KeyValueGrammar, OnOrOffAsSecondWordIsWhatMakesAnEntryKeyValue) {
  // A classic entry never has "on" as its socket type, so nothing else changes meaning.
  EXPECT_EQ(only_error("echo stream tcp nowait root"),
            "inetd.conf:1:28: error: missing server program field (expected an absolute path or "
            "\"internal\"); entry has 5 of the 6 required fields");
}

// ---------------------------------------------------------------- on and off

TEST(KeyValueSwitch, OffIsCheckedButNotServedAndNotAFailure) {
  ParseResult result = parse("echo off protocol = tcp, user = root;");
  EXPECT_EQ(messages(result), std::vector<std::string>{});
  EXPECT_TRUE(result.services.empty());
  EXPECT_TRUE(result.failed.empty());
}

TEST(KeyValueSwitch, AnOffEntryStillReportsItsErrors) {
  ParseResult result = parse("echo off protocol = tcq, user = root;");
  EXPECT_EQ(messages(result),
            std::vector<std::string>{"inetd.conf:1:21: error: unknown protocol \"tcq\" (expected "
                                     "tcp, udp, tcp4, udp4, tcp6, udp6, tcp46, udp46, unix, "
                                     "rpc/tcp or rpc/udp)"});
  EXPECT_TRUE(result.services.empty());
  EXPECT_TRUE(result.failed.empty());
}

// ---------------------------------------------------------------- every key

TEST(KeyValueKeys, ProtocolAndItsOptionsAreTheClassicField) {
  // Quoted, the comma stays in the value; bare, it ends the key, and
  // "sndbuf=8k" is the next key, to the same effect.
  for (const char* text : {"echo on protocol = \"tcp6,sndbuf=8k\", user = root;",
                           "echo on protocol = tcp6,sndbuf=8k, user = root;"}) {
    ServiceSpec spec = only_spec(text);
    EXPECT_EQ(spec.family, FamilyRule::v6_only);
    EXPECT_EQ(spec.sndbuf, 8192);
  }
}

TEST(KeyValueKeys, ProtocolIsRequired) {
  EXPECT_EQ(only_error("echo on user = root;"),
            "inetd.conf:1:1: error: protocol is required (tcp, udp, tcp4, udp4, tcp6, udp6, "
            "tcp46, udp46 or unix)");
}

TEST(KeyValueKeys, BindSetsTheAddress) {
  EXPECT_EQ(only_spec("echo on bind = 127.0.0.2, protocol = tcp, user = root;").host, "127.0.0.2");
  EXPECT_EQ(only_spec("echo on bind = ::1, protocol = tcp, user = root;").host, "::1");
  EXPECT_FALSE(only_spec("127.0.0.1:\necho on bind = *, protocol = tcp, user = root;").host);
  EXPECT_EQ(only_spec("127.0.0.3:\necho on protocol = tcp, user = root;").host, "127.0.0.3");
}

TEST(KeyValueKeys, BindAndAHostPrefixTogetherAreAnError) {
  EXPECT_EQ(only_error("127.0.0.1:echo on bind = 127.0.0.2, protocol = tcp, user = root;"),
            "inetd.conf:1:26: error: the address is given twice: in bind and before the "
            "service's \":\"");
}

TEST(KeyValueKeys, SocktypeIsInferredFromTcpAndUdp) {
  EXPECT_EQ(only_spec("echo on protocol = udp, user = root;").socket_type, SocketType::dgram);
  EXPECT_EQ(only_spec("echo on protocol = tcp46, user = root;").socket_type, SocketType::stream);
  EXPECT_EQ(only_spec("echo on socktype = dgram, protocol = udp4, user = root;").socket_type,
            SocketType::dgram);
}

TEST(KeyValueKeys, SocktypeIsRequiredForUnix) {
  EXPECT_EQ(only_error("/run/x.sock on protocol = unix, user = root, wait = no, exec = /bin/x;"),
            "inetd.conf:1:1: error: socktype is required for protocol unix (stream, dgram or "
            "seqpacket)");
}

TEST(KeyValueKeys, SocktypeMustGoWithTheProtocol) {
  EXPECT_EQ(only_error("echo on socktype = dgram, protocol = tcp, user = root;"),
            "inetd.conf:1:38: error: protocol \"tcp\" does not go with socket type dgram "
            "(expected udp, udp4, udp6, udp46 or unix)");
}

TEST(KeyValueKeys, AcceptMaxIsTheChildLimit) {
  EXPECT_EQ(only_spec("/s on socktype = stream, protocol = unix, accept_max = 2, wait = no,"
                      " user = root, exec = /bin/x, args = x;")
                .max_child,
            2u);
}

TEST(KeyValueKeys, AcceptFilterDatareadyDefersAccept) {
  EXPECT_TRUE(only_spec("8000 on protocol = tcp, acceptfilter = dataready, wait = no,"
                        " user = root, exec = /bin/x;")
                  .defer_accept);
  ParseResult result = parse(
      "8000 on protocol = tcp, acceptfilter = httpready, wait = no, user = root, exec = /bin/x;");
  ASSERT_EQ(result.services.size(), 1u);
  EXPECT_TRUE(result.services[0].defer_accept);
  EXPECT_EQ(messages(result),
            std::vector<std::string>{"inetd.conf:1:40: warning: accept filter httpready waits "
                                     "for a whole HTTP request on BSD; on Linux the connection "
                                     "is accepted once its first data arrives "
                                     "(TCP_DEFER_ACCEPT)"});
  EXPECT_EQ(only_error("8000 on protocol = tcp, acceptfilter = nope, wait = no, user = root,"
                       " exec = /bin/x;"),
            "inetd.conf:1:40: error: unknown accept filter \"nope\" (expected dataready or "
            "httpready)");
}

TEST(KeyValueKeys, BufferSizes) {
  ServiceSpec spec = only_spec("echo on protocol = tcp, sndbuf = 64k, recvbuf = 1m, user = root;");
  EXPECT_EQ(spec.sndbuf, 65536);
  EXPECT_EQ(spec.rcvbuf, 1048576);
  EXPECT_EQ(only_error("echo on protocol = 'tcp,sndbuf=1k', sndbuf = 2k, user = root;"),
            "inetd.conf:1:37: error: sndbuf is given twice: here and as the protocol's ,sndbuf=");
  EXPECT_EQ(only_error("echo on protocol = tcp, recvbuf = lots, user = root;"),
            "inetd.conf:1:35: error: recvbuf needs a size in bytes, with an optional k or m, got "
            "\"lots\"");
}

TEST(KeyValueKeys, WaitIsRequiredForAProgram) {
  EXPECT_EQ(only_spec("8000 on protocol = tcp, wait = yes, user = root, exec = /bin/x;").wait_mode,
            WaitMode::wait);
  EXPECT_EQ(only_error("8000 on protocol = tcp, user = root, exec = /bin/x;"),
            "inetd.conf:1:1: error: wait = yes or wait = no is required for a server program");
  EXPECT_EQ(only_error("8000 on protocol = tcp, wait = maybe, user = root, exec = /bin/x;"),
            "inetd.conf:1:32: error: expected yes or no, got \"maybe\"");
}

TEST(KeyValueKeys, WaitOfABuiltinIsDecidedAndAContraryValueWarned) {
  ParseResult result = parse("echo on protocol = tcp, wait = yes, user = root;");
  ASSERT_EQ(result.services.size(), 1u);
  EXPECT_EQ(result.services[0].wait_mode, WaitMode::nowait);
  EXPECT_EQ(messages(result), std::vector<std::string>{"inetd.conf:1:32: warning: wait for "
                                                       "internal service echo is \"no\" whatever "
                                                       "is given"});
}

TEST(KeyValueKeys, ServiceMaxAndIpMaxAreRatesPerMinute) {
  ServiceSpec spec = only_spec("echo on protocol = tcp, service_max = 5, ip_max = 3, user = root;");
  EXPECT_EQ(spec.max_per_minute, 5u);
  EXPECT_EQ(spec.max_conn_per_ip_per_minute, 3u);
  EXPECT_EQ(only_error("echo on protocol = tcp, service_max = many, user = root;"),
            "inetd.conf:1:39: error: service_max must be a number from 0 to 1000000000, got "
            "\"many\"");
}

TEST(KeyValueKeys, ALimitOfZeroAdmitsNothingSoTheServiceIsNotOpened) {
  ParseResult result = parse("echo on protocol = tcp, ip_max = 0, user = root;");
  EXPECT_TRUE(result.services.empty());
  EXPECT_TRUE(result.failed.empty());
  EXPECT_EQ(messages(result),
            std::vector<std::string>{"inetd.conf:1:25: warning: ip_max = 0 lets no connection "
                                     "through (as in NetBSD's inetd): the service is not opened"});
}

TEST(KeyValueKeys, NinetdsOwnLimitKeys) {
  ServiceSpec spec =
      only_spec("echo on protocol = tcp, max_child = 3, rate = 60, per_ip_rate = 6, user = root;");
  EXPECT_EQ(spec.max_child, 3u);
  EXPECT_EQ(spec.max_per_minute, 60u);
  EXPECT_EQ(spec.max_conn_per_ip_per_minute, 6u);
  EXPECT_EQ(only_error("echo on protocol = tcp, service_max = 5, rate = 6, user = root;"),
            "inetd.conf:1:42: error: rate and service_max set the same limit; give one");
  EXPECT_EQ(only_error("echo on protocol = tcp, rate = 0, user = root;"),
            "inetd.conf:1:32: error: rate must be a number from 1 up (leave it out for no "
            "limit), got \"0\"");
}

TEST(KeyValueKeys, MaxChildPerIp) {
  EXPECT_EQ(
      only_spec("echo on protocol = tcp, max_child_per_ip = 4, user = root;").max_child_per_ip, 4u);
  EXPECT_EQ(only_error("echo on protocol = tcp, max_child_per_ip = 0, user = root;"),
            "inetd.conf:1:44: error: max_child_per_ip must be a number from 1 up (leave it out "
            "for no limit), got \"0\"");
}

TEST(KeyValueKeys, AllowAndDenyTakePrefixesSeparatedByBlanksOrCommas) {
  ServiceSpec spec = only_spec(
      "echo on protocol = tcp, user = root, allow = 127.0.0.1 '10.0.0.0/8,::1',\n"
      "  deny = 10.9.0.0/16;");
  EXPECT_TRUE(spec.allow_given);
  EXPECT_TRUE(spec.deny_given);
  ASSERT_EQ(spec.access_rules.size(), 4u);
  EXPECT_EQ(limits::to_string(spec.access_rules[0].prefix), "127.0.0.1/32");
  EXPECT_EQ(limits::to_string(spec.access_rules[2].prefix), "::1/128");
  EXPECT_TRUE(spec.access_rules[2].allow);
  EXPECT_FALSE(spec.access_rules[3].allow);
  // Given empty, the allow list serves nobody: it still counts as given.
  ServiceSpec nobody = only_spec("echo on protocol = tcp, user = root, allow =;");
  EXPECT_TRUE(nobody.allow_given);
  EXPECT_TRUE(nobody.access_rules.empty());
}

TEST(KeyValueKeys, AllowAndDenyMistakesAreErrorsAtTheirColumn) {
  EXPECT_EQ(only_error("echo on protocol = tcp, user = root, allow = '127.0.0.1,localhost';"),
            "inetd.conf:1:46: error: allow: \"localhost\" is not an IPv4 or IPv6 address");
  EXPECT_EQ(only_error("echo on protocol = tcp, user = root, deny = 192.0.2.1/24;"),
            "inetd.conf:1:45: error: deny: \"192.0.2.1/24\" has address bits set past /24: the "
            "network is 192.0.2.0/24");
  EXPECT_EQ(only_error("/s on socktype = stream, protocol = unix, wait = no, user = root,"
                       " exec = /bin/x, deny = 10.0.0.0/8;"),
            "inetd.conf:1:1: error: allow and deny need an IP protocol: a unix socket's clients "
            "have no address");
}

TEST(KeyValueKeys, BannersAccessTimesAndMaxLoad) {
  ServiceSpec spec = only_spec(
      "echo on protocol = tcp, user = root, banner = /etc/issue.net,\n"
      "  banner_success = '/etc/ok', banner_fail = '/etc/go away',\n"
      "  access_times = 8:00-12:30 22:00-6:00, max_load = 2.5;");
  EXPECT_EQ(spec.policy.banners[0].path, "/etc/issue.net");
  EXPECT_EQ(spec.policy.banners[0].place.line, 1);
  EXPECT_EQ(spec.policy.banners[0].place.column, 47);
  EXPECT_EQ(spec.policy.banners[1].path, "/etc/ok");
  EXPECT_EQ(spec.policy.banners[2].path, "/etc/go away");
  EXPECT_TRUE(spec.policy.access_times_given);
  EXPECT_EQ(spec.policy.access_times,
            (std::vector<limits::MinuteRange>{{480, 750}, {1320, 1439}, {0, 360}}));
  EXPECT_EQ(spec.policy.max_load, 250u);
  ServiceSpec plain = only_spec("echo on protocol = tcp, user = root;");
  EXPECT_FALSE(plain.policy.has_banner());
  EXPECT_FALSE(plain.policy.limits_admission());
}

TEST(KeyValueKeys, PolicyMistakesAreErrorsAtTheirValue) {
  EXPECT_EQ(only_error("echo on protocol = tcp, user = root, banner = issue;"),
            "inetd.conf:1:47: error: banner needs the absolute path of a file, got \"issue\"");
  EXPECT_EQ(only_error("echo on protocol = tcp, user = root, access_times = 8:00-9:00 9-10;"),
            "inetd.conf:1:63: error: access_times: \"9-10\" is not a range of the form "
            "hour:min-hour:min (hours 0 to 23, minutes 0 to 59)");
  EXPECT_EQ(only_error("echo on protocol = tcp, user = root, max_load = -1;"),
            "inetd.conf:1:49: error: max_load needs a load average from 0 to 10000.00 with at "
            "most two decimals (2, 2.5, 0.75), got \"-1\"");
  EXPECT_EQ(only_error("echo on protocol = tcp, user = root, access_times =;"),
            "inetd.conf:1:38: error: access_times takes at least 1 value (hour:min-hour:min "
            "ranges of the day when the service serves), got 0");
}

TEST(KeyValueKeys, PolicyWhereItCannotApply) {
  // A dgram service has no connection for a banner: a warning, and none kept.
  ParseResult dgram = parse("daytime on protocol = udp, user = root, banner = /etc/b;");
  ASSERT_EQ(dgram.services.size(), 1u);
  EXPECT_FALSE(dgram.services[0].policy.has_banner());
  EXPECT_EQ(messages(dgram),
            std::vector<std::string>{"inetd.conf:1:41: warning: banner is ignored: the service "
                                     "has no connection to write it to (stream and seqpacket "
                                     "only)"});
  // access_times and max_load apply to datagrams...
  EXPECT_EQ(only_spec("daytime on protocol = udp, user = root, max_load = 3;").policy.max_load,
            300u);
  // ...but not to a stream service whose server accepts by itself.
  EXPECT_EQ(only_error("x on protocol = tcp, wait = yes, user = root, exec = /bin/x,"
                       " access_times = 0:00-23:59;"),
            "inetd.conf:1:62: error: access_times cannot apply to this service: its server "
            "accepts the connections itself (wait = yes)");
  // max_load = 0 refuses everyone: allowed, with a warning.
  ParseResult zero = parse("echo on protocol = tcp, user = root, max_load = 0.0;");
  ASSERT_EQ(zero.services.size(), 1u);
  EXPECT_EQ(zero.services[0].policy.max_load, 0u);
  EXPECT_EQ(messages(zero), std::vector<std::string>{
                                "inetd.conf:1:38: warning: max_load = 0 refuses every client (the "
                                "load average is never below 0; xinetd refuses this value)"});
}

TEST(KeyValueKeys, UserGroupAndLoginClass) {
  ServiceSpec spec = only_spec(
      "8000 on protocol = tcp, wait = no, user = first.last, group = staff, login_class = "
      "daemon, exec = /bin/x;");
  EXPECT_EQ(spec.user, "first.last");  // no "." splitting: the value is the name
  EXPECT_EQ(spec.group, "staff");
  EXPECT_EQ(spec.login_class, "daemon");
  EXPECT_EQ(only_error("echo on protocol = tcp;"),
            "inetd.conf:1:1: error: user is required (the user the server runs as)");
}

TEST(KeyValueKeys, GroupsAndLibwrap) {
  const std::string head = "8000 on protocol = tcp, wait = no, user = root, exec = /bin/x, ";
  ServiceSpec plain = only_spec(head + "args = x;");
  EXPECT_TRUE(plain.supplementary_groups);
  EXPECT_EQ(plain.libwrap, "");
  ServiceSpec spec = only_spec(head + "groups = no, libwrap = in.fingerd;");
  EXPECT_FALSE(spec.supplementary_groups);
  EXPECT_EQ(spec.libwrap, "in.fingerd");
  EXPECT_TRUE(only_spec(head + "groups = yes;").supplementary_groups);
  EXPECT_EQ(only_error(head + "groups = none;"),
            "inetd.conf:1:73: error: expected yes or no, got \"none\"");
  EXPECT_EQ(only_error(head + "libwrap = \"in fingerd\";"),
            "inetd.conf:1:74: error: libwrap: a daemon name is one word of printable characters");
  EXPECT_EQ(only_error(head + "libwrap = " + std::string(128, 'x') + ";"),
            "inetd.conf:1:74: error: libwrap: a daemon name of 128 bytes is longer than the "
            "limit of 127");
  EXPECT_TRUE(only_spec(head + "libwrap = " + std::string(127, 'x') + ";").libwrap.size() == 127);
}

TEST(KeyValueKeys, ExecAndArgs) {
  ServiceSpec spec =
      only_spec("8000 on protocol = tcp, wait = no, user = root, exec = /usr/sbin/in.x;");
  EXPECT_EQ(spec.program, "/usr/sbin/in.x");
  EXPECT_EQ(spec.args, std::vector<std::string>{"in.x"});
  EXPECT_EQ(only_error("8000 on protocol = tcp, wait = no, user = root, exec = in.x;"),
            "inetd.conf:1:56: error: server program \"in.x\" is not an absolute path (expected "
            "/path/to/program or \"internal\")");
  EXPECT_EQ(
      only_spec("8000 on protocol = tcp, user = root, exec = internal, args = daytime;").builtin,
      Builtin::daytime);
}

TEST(KeyValueKeys, ListenFds) {
  EXPECT_TRUE(only_spec("8000 on protocol = tcp, wait = yes, listen_fds = yes, user = root,"
                        " exec = /bin/x;")
                  .listen_fds);
}

TEST(KeyValueKeys, IpsecIsWarnedAboutAndTheServiceRuns) {
  ParseResult result =
      parse("echo on protocol = tcp, user = root, ipsec = \"in ipsec ah/require\";");
  ASSERT_EQ(result.services.size(), 1u);
  EXPECT_EQ(messages(result),
            std::vector<std::string>{"inetd.conf:1:46: warning: IPsec policy \"in ipsec "
                                     "ah/require\" is not applied on Linux; the service runs "
                                     "without it"});
}

// An entry written "off" is checked for errors, but what it would not use is
// not warned about.
TEST(KeyValueKeys, AnOffEntryIsNotWarnedAboutButItsErrorsStay) {
  ParseResult result =
      parse("echo off protocol = tcp, user = root, ipsec = \"in ipsec ah/require\";");
  EXPECT_TRUE(result.services.empty());
  ASSERT_EQ(result.switched_off.size(), 1u);
  EXPECT_EQ(messages(result), std::vector<std::string>{});
  result = parse("echo off protocol = tcp, user = root, ipsec = x, nice = 99;");
  EXPECT_TRUE(result.switched_off.empty());
  EXPECT_EQ(messages(result),
            std::vector<std::string>{"inetd.conf:1:57: error: nice takes a number from -20 to 19, "
                                     "got \"99\""});
}

TEST(KeyValueKeys, UnknownRepeatedAndMiscountedKeysAreErrors) {
  EXPECT_EQ(only_error("echo on protocol = tcp, user = root, colour = blue;"),
            "inetd.conf:1:38: error: unknown key \"colour\" (ninetd.conf(5), \"Key=value "
            "entries\", lists the keys)");
  EXPECT_EQ(only_error("echo on protocol = tcp, user = root, max_childs = 3;"),
            "inetd.conf:1:38: error: unknown key \"max_childs\"; did you mean \"max_child\"?");
  EXPECT_EQ(only_error("echo on protocol = tcp, user = root, bannr = /x;"),
            "inetd.conf:1:38: error: unknown key \"bannr\"; did you mean \"banner\"?");
  EXPECT_EQ(only_error("echo on protocol = tcp, user = root,\n  user = nobody;"),
            "inetd.conf:2:3: error: user is given twice (first at line 1, column 25)");
  EXPECT_EQ(only_error("echo on protocol = tcp, user = root nobody;"),
            "inetd.conf:1:25: error: user takes 1 value (the user the server runs as), got 2");
}

TEST(KeyValueKeys, AFailedEntryIsNamedSoAReloadKeepsItsRunningDefinition) {
  ParseResult result = parse("127.0.0.1:echo on protocol = udp, user = root, colour = 1;");
  ASSERT_EQ(result.failed.size(), 1u);
  EXPECT_EQ(result.failed[0].service, "echo");
  EXPECT_EQ(result.failed[0].protocol, "udp");
}

TEST(KeyValueKeys, EveryKeyHasItsLineInTheManual) {
  std::string manual = read_file(source_root() / "man" / "ninetd.conf.5");
  for (const KeyDescription& key : key_descriptions())
    EXPECT_NE(manual.find(".BR " + std::string(key.name) + " \" = \""), std::string::npos)
        << key.name << " is not in man/ninetd.conf.5's KEY=VALUE ENTRIES";
}

// ---------------------------------------------------------------- NetBSD's own tests

// The files of NetBSD's tests/usr.sbin/inetd, laid out anew with the same
// entries: they read with no error but the relative "exec = test_server"
// (ninetd runs only absolute paths: never a program found from its cwd).
TEST(NetBsdTests, TheRateLimitConfigurationReads) {
  std::string text = read_file(source_root() / "tests" / "data" / "netbsd-ratelimit.conf");
  ParseResult result = parse_config(text, "netbsd-ratelimit.conf");
  std::size_t relative = 0;
  for (const auto& d : result.diagnostics) {
    EXPECT_NE(d.message.find("is not an absolute path"), std::string::npos) << d.format();
    ++relative;
  }
  EXPECT_EQ(relative, 10u);
  EXPECT_EQ(result.failed.size(), 10u);
  // The same entries with an absolute path: every one is served but the two
  // five whose service_max or ip_max is 0 (NetBSD lets nothing through those).
  std::string absolute = text;
  for (std::size_t at; (at = absolute.find("exec = test_server")) != std::string::npos;)
    absolute.replace(at, 18, "exec = /usr/libexec/test_server");
  result = parse_config(absolute, "netbsd-ratelimit.conf");
  EXPECT_EQ(result.services.size(), 5u);
  EXPECT_FALSE(has_errors(result.diagnostics));
  ASSERT_FALSE(result.services.empty());
  EXPECT_EQ(result.services[0].host, "127.0.0.1");
  EXPECT_EQ(result.services[0].max_per_minute, 5u);
  EXPECT_EQ(result.services[0].max_conn_per_ip_per_minute, 3u);
  EXPECT_EQ(result.services[0].args, (std::vector<std::string>{"test_server", "dgram", "wait"}));
}

TEST(NetBsdTests, TheAcceptMaxConfigurationsReadInBothForms) {
  ServiceSpec positional = only_spec("/tmp/t/sock stream,2 unix nowait root /tmp/t/run run\n");
  ServiceSpec key_values = only_spec(
      "/tmp/t/sock on\n"
      "\tsocktype = stream,\n"
      "\tprotocol = unix,\n"
      "\taccept_max = 2,\n"
      "\twait = no,\n"
      "\tuser = root,\n"
      "\texec = /tmp/t/run,\n"
      "\targs = run;\n");
  for (const ServiceSpec* spec : {&positional, &key_values}) {
    EXPECT_EQ(spec->max_child, 2u);
    EXPECT_EQ(spec->transport, Transport::local);
    EXPECT_EQ(spec->service, "/tmp/t/sock");
    EXPECT_EQ(spec->args, std::vector<std::string>{"run"});
  }
}

// ---------------------------------------------------------------- the classic socket type

TEST(SocketTypeSuffixes, CommaNIsTheAcceptMax) {
  EXPECT_EQ(only_spec("8000 stream,3 tcp nowait root /bin/x").max_child, 3u);
  EXPECT_EQ(only_error("8000 stream,0 tcp nowait root /bin/x"),
            "inetd.conf:1:13: error: accept-max after \",\" must be a number of children from 1 "
            "up, got \"0\"");
  EXPECT_EQ(only_error("8000 stream,2 tcp nowait/4 root /bin/x"),
            "inetd.conf:1:26: error: max-child is given twice: here and as the socket type's "
            "\",N\"");
}

TEST(SocketTypeSuffixes, ColonIsTheAcceptFilter) {
  ServiceSpec spec = only_spec("8000 stream,2:dataready tcp nowait root /bin/x");
  EXPECT_TRUE(spec.defer_accept);
  EXPECT_EQ(spec.max_child, 2u);
  EXPECT_EQ(only_error("8000 stream:x tcp nowait root /bin/x"),
            "inetd.conf:1:13: error: unknown accept filter \"x\" (expected dataready or "
            "httpready)");
}

TEST(KeyValuePort, TheServiceWordNamesAServiceListeningOnThePort) {
  ServiceSpec spec = only_spec(
      "cat on protocol = tcp4, port = 4000, user = nobody,\n"
      "  wait = no, exec = /bin/cat, args = cat;");
  EXPECT_EQ(spec.service, "4000");
  EXPECT_EQ(spec.label, "cat");
  EXPECT_EQ(spec.display_name(), "cat/tcp4");
  spec = only_spec(
      "127.0.0.1:cat on protocol = udp4, port = 4000, wait = yes,\n"
      "  user = nobody, exec = /bin/cat;");
  EXPECT_EQ(spec.host, "127.0.0.1");
  EXPECT_EQ(spec.display_name(), "cat/udp4");
}

TEST(KeyValuePort, ABuiltinOnAnotherPortIsNamedByItsWord) {
  ServiceSpec metrics =
      only_spec("metrics on port = 9262, bind = 127.0.0.1, protocol = tcp, user = nobody;");
  EXPECT_EQ(metrics.builtin, Builtin::metrics);
  EXPECT_EQ(metrics.service, "9262");
  EXPECT_EQ(metrics.display_name(), "metrics/tcp");
  EXPECT_EQ(metrics.wait_mode, WaitMode::nowait);
  ServiceSpec echo = only_spec("echo on port = 2007, protocol = udp, user = nobody;");
  EXPECT_EQ(echo.builtin, Builtin::echo);
  EXPECT_EQ(echo.wait_mode, WaitMode::wait);
}

TEST(KeyValuePort, OnlyANumberForTcpAndUdp) {
  EXPECT_EQ(only_error("cat on protocol = tcp4, port = 0, user = nobody, wait = no, exec = /x;"),
            "inetd.conf:1:32: error: port must be a number from 1 to 65535, got \"0\"");
  EXPECT_EQ(only_error("cat on protocol = tcp4, port = echo, user = nobody, wait = no, exec = /x;"),
            "inetd.conf:1:32: error: port must be a number from 1 to 65535, got \"echo\"");
  EXPECT_EQ(
      only_error(
          "/run/x on protocol = unix, socktype = stream, port = 7, user = nobody, exec = /x,\n"
          "  wait = no;"),
      "inetd.conf:1:54: error: port applies to tcp and udp services only");
}

TEST(KeyValueTcpFlags, NodelayAndKeepaliveForTcpStreamServices) {
  ServiceSpec spec = only_spec(
      "cat on protocol = tcp4, nodelay = yes, keepalive = yes, wait = no, user = nobody,\n"
      "  exec = /bin/cat;");
  EXPECT_TRUE(spec.nodelay);
  EXPECT_TRUE(spec.keepalive);
  ParseResult r =
      parse("cat on protocol = udp4, keepalive = yes, wait = yes, user = nobody, exec = /bin/cat;");
  EXPECT_EQ(messages(r),
            std::vector<std::string>{
                "inetd.conf:1:19: warning: nodelay and keepalive apply to tcp stream services "
                "only; ignored"});
  ASSERT_EQ(r.services.size(), 1u);
  EXPECT_FALSE(r.services[0].keepalive);
}

}  // namespace
}  // namespace ninetd::config
