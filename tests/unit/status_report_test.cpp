// The pure parts of --status and --metrics: the history kept per service, the
// table, one service's details and the Prometheus text.
#include <gtest/gtest.h>

#include <string>

#include "status/metrics_text.h"
#include "status/service_history.h"
#include "status/status_text.h"

namespace ninetd::status {
namespace {

ServiceEvent event_at(std::int64_t ms, EventKind kind, int pid, int value = 0) {
  ServiceEvent e;
  e.unix_ms = ms;
  e.kind = kind;
  e.pid = pid;
  e.value = value;
  return e;
}

TEST(ServiceHistory, KeepsTheLastEventsOldestFirst) {
  ServiceHistory history;
  EXPECT_TRUE(history.events().empty());
  for (int i = 1; i <= 20; ++i) history.record(event_at(i, EventKind::started, i));
  auto events = history.events();
  ASSERT_EQ(events.size(), ServiceHistory::kEvents);
  EXPECT_EQ(events.front().pid, 5);
  EXPECT_EQ(events.back().pid, 20);
}

TEST(ServiceHistory, CountsRefusalsByReason) {
  ServiceHistory history;
  history.count_refusals(Refusal::access, 2);
  history.count_refusals(Refusal::load, 1);
  history.count_refusals(Refusal::access, 3);
  EXPECT_EQ(history.refusals(Refusal::access), 5u);
  EXPECT_EQ(history.refusals(Refusal::load), 1u);
  EXPECT_EQ(history.refusals(Refusal::libwrap), 0u);
}

TEST(PeerBytes, KeepsIpPeersAndNothingElse) {
  auto v6 = net::SocketAddress::from_numeric("2001:db8::7", 4711);
  ASSERT_TRUE(v6);
  EXPECT_EQ(PeerBytes(&*v6).address().to_string(), "[2001:db8::7]:4711");
  auto v4 = net::SocketAddress::from_numeric("192.0.2.7", 80);
  EXPECT_EQ(PeerBytes(&*v4).address().to_string(), "192.0.2.7:80");
  auto path = net::SocketAddress::from_path("/run/x.sock");
  EXPECT_TRUE(PeerBytes(&*path).empty());
  EXPECT_TRUE(PeerBytes(nullptr).empty());
}

TEST(RefusalNames, OneWordEach) {
  EXPECT_EQ(name(Refusal::access), "access");
  EXPECT_EQ(name(Refusal::service_rate), "rate");
  EXPECT_EQ(name(Refusal::busy), "busy");
  EXPECT_EQ(name(static_cast<Refusal>(kRefusalKinds)), "?");
}

DaemonReport sample() {
  DaemonReport report;
  report.version = "1.2.3";
  report.pid = 42;
  report.started_unix = 1000;
  report.now_unix = 1000 + 3 * 3600 + 7 * 60 + 5;
  report.reloads = 2;
  report.servers = 1;
  ServiceReport echo;
  echo.name = "echo/tcp";
  echo.address = "127.0.0.1:7";
  echo.socket = "stream/tcp";
  echo.state = "listening";
  echo.state_text = "listening";
  echo.server = "stream, nowait, internal echo";
  echo.connections = 12;
  echo.refused = 3;
  echo.refused_by[static_cast<std::size_t>(Refusal::access)] = 2;
  echo.refused_by[static_cast<std::size_t>(Refusal::service_rate)] = 1;
  ServiceReport cat;
  cat.name = "cat\"\\\n/tcp";  // a name no file holds, to see it escaped
  cat.address = "[::1]:2100";
  cat.socket = "stream/tcp";
  cat.state = "waiting_for_server";
  cat.state_text = "waiting for its wait server (pid 77)";
  cat.children = 1;
  cat.launch_failures = 4;
  report.services = {echo, cat};
  return report;
}

TEST(StatusTable, AlignsColumnsAndBreaksRefusalsDown) {
  DaemonReport report = sample();
  report.services[1].name = "cat/tcp";
  EXPECT_EQ(status_table(report),
            "ninetd 1.2.3, pid 42, up 3h 07m\n"
            "2 services, 1 servers running, 0 in-loop sessions; 2 reloads\n"
            "SERVICE   ADDRESS      STATE                                 CHILDREN  SERVED  "
            "FAILED  REFUSED  WHY\n"
            "echo/tcp  127.0.0.1:7  listening                                    0      12  "
            "     0        3  access=2 rate=1\n"
            "cat/tcp   [::1]:2100   waiting for its wait server (pid 77)         1       0  "
            "     4        0  -\n");
}

TEST(StatusTable, RefusedReloadsAreSaid) {
  DaemonReport report = sample();
  report.services.clear();
  report.reload_failures = 1;
  report.now_unix = report.started_unix + 2 * 86400 + 5;
  std::string text = status_table(report);
  EXPECT_EQ(text.substr(0, text.find("SERVICE")),
            "ninetd 1.2.3, pid 42, up 2d 0h 00m\n"
            "0 services, 1 servers running, 0 in-loop sessions; 2 reloads, 1 refused (the "
            "configuration before kept)\n");
}

// The sensors' deny list follows the table: how many, then each address
// with when it is let in again, and how many more there are than shown.
TEST(StatusTable, ListsTheDenyList) {
  DaemonReport report = sample();
  report.services.clear();
  EXPECT_EQ(status_table(report).find("deny list"), std::string::npos);
  report.deny_list.count = 3;
  report.deny_list_max = 10240;
  report.deny_list.first = {{"192.0.2.1", std::nullopt}, {"192.0.2.7", std::chrono::seconds(59)}};
  std::string text = status_table(report);
  EXPECT_EQ(text.substr(text.find("\n\n")),
            "\n\ndeny list (sensors): 3 of at most 10240 addresses refused\n"
            "  192.0.2.1  for ever\n"
            "  192.0.2.7  until 1970-01-01T03:24:44.000Z\n"
            "  and 1 more\n");
  report.deny_list.first.clear();  // --no-peer-addresses
  text = status_table(report);
  EXPECT_EQ(text.substr(text.find("\n\n")),
            "\n\ndeny list (sensors): 3 of at most 10240 addresses refused\n"
            "  (addresses not shown: --no-peer-addresses)\n");
}

TEST(ServiceDetails, ListsTheEventsInWords) {
  DaemonReport report = sample();
  report.services.resize(1);
  auto peer = net::SocketAddress::from_numeric("::ffff:192.0.2.9", 5000);
  ServiceEvent started = event_at(1796445800123, EventKind::started, 99);
  started.peer = PeerBytes(&*peer);
  ServiceEvent exited = event_at(1796445801000, EventKind::exited, 99, 2 << 8);
  exited.duration_ms = 877;
  ServiceEvent killed = event_at(1796445802000, EventKind::exited, 100, 11);
  ServiceEvent refused =
      event_at(1796445803000, EventKind::refused, 0, static_cast<int>(Refusal::per_source_limit));
  ServiceEvent failed = event_at(1796445804000, EventKind::launch_failed, 101, 2);
  ServiceEvent backed = event_at(1796445805000, EventKind::backed_off, 0, 10);
  report.services[0].events = {started, exited, killed, refused, failed, backed};
  EXPECT_EQ(service_details(report),
            "echo/tcp\n"
            "  address          127.0.0.1:7 (stream/tcp)\n"
            "  state            listening\n"
            "  server           stream, nowait, internal echo\n"
            "  children         0\n"
            "  connections      12\n"
            "  launch failures  0\n"
            "  refused          3 (access=2 rate=1)\n"
            "  recent events (oldest first, UTC):\n"
            "    2026-12-05T04:43:20.123Z started pid=99 peer=192.0.2.9:5000\n"
            "    2026-12-05T04:43:21.000Z exited pid=99 status=2 duration_ms=877\n"
            "    2026-12-05T04:43:22.000Z exited pid=100 signal=SEGV duration_ms=0\n"
            "    2026-12-05T04:43:23.000Z refused reason=per_source_limit\n"
            "    2026-12-05T04:43:24.000Z launch_failed pid=101 error=\"No such file or "
            "directory\"\n"
            "    2026-12-05T04:43:25.000Z backed_off seconds=10\n");
}

TEST(MetricsText, FamiliesWithHelpAndTypeAndEscapedLabels) {
  std::string text = metrics_text(sample());
  EXPECT_NE(text.find("# HELP ninetd_service_connections_total "), std::string::npos);
  EXPECT_NE(text.find("# TYPE ninetd_service_connections_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("ninetd_service_connections_total{service=\"echo/tcp\",address=\"127.0.0.1:"
                      "7\"} 12\n"),
            std::string::npos);
  EXPECT_NE(text.find("ninetd_service_refused_total{service=\"echo/tcp\",address=\"127.0.0.1:7\","
                      "reason=\"access\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("ninetd_service_refused_total{service=\"echo/tcp\",address=\"127.0.0.1:7\","
                      "reason=\"busy\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("ninetd_service_state{service=\"cat\\\"\\\\\\n/tcp\",address=\"[::1]:2100\","
                      "state=\"waiting_for_server\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("ninetd_build_info{version=\"1.2.3\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("ninetd_reloads_total 2\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE ninetd_deny_list_addresses gauge\nninetd_deny_list_addresses 0\n"),
            std::string::npos);
  EXPECT_EQ(text.back(), '\n');
}

TEST(MetricsText, LabelValuesEscapeOnlyWhatTheFormatAsks) {
  EXPECT_EQ(label_value("a\\b\"c\nd\te"), "a\\\\b\\\"c\\nd\te");
}

}  // namespace
}  // namespace ninetd::status
