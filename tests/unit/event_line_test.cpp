// Event lines (log/event_line.h): logfmt fields, quoting, the peer fields
// that --no-peer-addresses leaves out, and the repeat summary.
#include "log/event_line.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

namespace ninetd::log {
namespace {

std::string value(std::string_view v) {
  std::string out;
  append_value(out, v);
  return out;
}

TEST(EventLine, PlainValuesStayBare) {
  EXPECT_EQ(value("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(value("::1"), "::1");
  EXPECT_EQ(value("/run/x.sock"), "/run/x.sock");
  EXPECT_EQ(value("08:00-17:00"), "08:00-17:00");
}

TEST(EventLine, ValuesThatCouldBreakAFieldAreQuoted) {
  EXPECT_EQ(value(""), "\"\"");
  EXPECT_EQ(value("No such file or directory"), "\"No such file or directory\"");
  EXPECT_EQ(value("a=b"), "\"a=b\"");
  EXPECT_EQ(value("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(value("back\\slash"), "\"back\\\\slash\"");
  // A line end or an escape sequence never reaches the log raw.
  EXPECT_EQ(value("x\nfake: line"), "\"x\\x0afake: line\"");
  EXPECT_EQ(value("\x1b[2J"), "\"\\x1b[2J\"");
  EXPECT_EQ(value("\xc3\xa9"), "\"\\xc3\\xa9\"");
  EXPECT_EQ(value(std::string_view("a\0b", 3)), "\"a\\x00b\"");
}

TEST(EventLine, ServiceEventThenFields) {
  EventLine line("echo/tcp", "start");
  line.add("pid", 4711).peer("192.0.2.7", 40312);
  EXPECT_EQ(line.text(), "echo/tcp: start pid=4711 peer=192.0.2.7 port=40312");
  EXPECT_EQ(EventLine("x/unix", "accept").peer("/run/c.sock").text(),
            "x/unix: accept peer=/run/c.sock");
  // An unnamed unix client: nothing to say.
  EXPECT_EQ(EventLine("x/unix", "accept").peer("").text(), "x/unix: accept");
  EXPECT_EQ(EventLine("a/tcp", "refused").add("reason", "access").add("list", "allow").text(),
            "a/tcp: refused reason=access list=allow");
  EXPECT_EQ(EventLine("a/tcp", "x").add("n", std::uint64_t{18446744073709551615ULL}).text(),
            "a/tcp: x n=18446744073709551615");
}

TEST(EventLine, SocketAddressesAsPeers) {
  auto v4 = net::SocketAddress::from_numeric("198.51.100.9", 40312).value();
  EXPECT_EQ(EventLine("a/tcp", "accept").peer(v4).text(),
            "a/tcp: accept peer=198.51.100.9 port=40312");
  auto mapped = net::SocketAddress::from_numeric("::ffff:198.51.100.9", 7).value();
  EXPECT_EQ(EventLine("a/tcp46", "accept").peer(mapped).text(),
            "a/tcp46: accept peer=198.51.100.9 port=7");
  auto v6 = net::SocketAddress::from_numeric("2001:db8::1", 7).value();
  EXPECT_EQ(EventLine("a/tcp6", "accept").peer(v6).text(),
            "a/tcp6: accept peer=2001:db8::1 port=7");
  auto path = net::SocketAddress::from_path("/run/c d.sock").value();
  EXPECT_EQ(EventLine("a/unix", "accept").peer(path).text(),
            "a/unix: accept peer=\"/run/c d.sock\"");
}

TEST(EventLine, NoPeerAddressesLeavesEveryClientFieldOut) {
  auto v4 = net::SocketAddress::from_numeric("198.51.100.9", 40312).value();
  EventLine line("echo/tcp", "refused", false);
  line.peer(v4).peer("192.0.2.7", 1).add("reason", "per_source_rate");
  line.add_peer_field("source", "198.51.100.0/24").add("limit", 5);
  EXPECT_EQ(line.text(), "echo/tcp: refused reason=per_source_rate limit=5");
  EXPECT_FALSE(line.shows_peers());
  EventLine shown("echo/tcp", "refused");
  shown.add_peer_field("source", "uid 0");
  EXPECT_EQ(shown.text(), "echo/tcp: refused source=\"uid 0\"");
}

TEST(EventLine, ExitStatusOrSignalByName) {
  EXPECT_EQ(EventLine("a/tcp", "exit").exit_status(3 << 8).text(), "a/tcp: exit status=3");
  EXPECT_EQ(EventLine("a/tcp", "exit").exit_status(SIGSEGV).text(), "a/tcp: exit signal=SEGV");
  EXPECT_EQ(EventLine("a/tcp", "exit").exit_status(SIGKILL | 0x80).text(),
            "a/tcp: exit signal=KILL core=yes");
  EXPECT_EQ(EventLine("a/tcp", "exit").exit_status(SIGRTMIN + 1).text(),
            fmt::format("a/tcp: exit signal={}", SIGRTMIN + 1));
}

TEST(EventLine, RepeatSummaryIsAnEventLineToo) {
  std::string key = repeat_key("echo/tcp", "refused reason=access");
  EXPECT_EQ(repeat_summary_line(key, 12, 10),
            "echo/tcp: repeated event=refused reason=access count=12 seconds=10");
  EXPECT_EQ(repeat_summary_line(repeat_key("daemon", "at_max_children"), 3, 10),
            "daemon: repeated event=at_max_children count=3 seconds=10");
  // A service name with a colon or a space (a unix path) stays whole.
  EXPECT_EQ(repeat_summary_line(repeat_key("/run/a: b/unix", "exit"), 1, 10),
            "/run/a: b/unix: repeated event=exit count=1 seconds=10");
}

}  // namespace
}  // namespace ninetd::log
