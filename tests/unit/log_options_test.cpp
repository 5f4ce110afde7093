// The log's options: --no-peer-addresses, and where -d and -i send lines
// when stderr is, or is not, the journal (log/journal.h).
#include <gtest/gtest.h>
#include <syslog.h>

#include "daemon/options.h"
#include "log/journal.h"

namespace ninetd {
namespace {

TEST(NoPeerAddressesOption, OffByDefaultOnWhenGiven) {
  EXPECT_FALSE(daemon::parse_options({}).options.no_peer_addresses);
  auto r = daemon::parse_options({"-d", "--no-peer-addresses", "x.conf"});
  EXPECT_EQ(r.error, "");
  EXPECT_TRUE(r.options.no_peer_addresses);
  EXPECT_EQ(r.options.config, "x.conf");
  EXPECT_NE(std::string(daemon::usage_text()).find("--no-peer-addresses"), std::string::npos);
}

TEST(JournalStream, NamesStderrOnlyByBothNumbers) {
  EXPECT_TRUE(log::names_stream("8:31337", 8, 31337));
  EXPECT_FALSE(log::names_stream("8:31337", 8, 31338));
  EXPECT_FALSE(log::names_stream("9:31337", 8, 31337));
  EXPECT_FALSE(log::names_stream("", 8, 31337));
  EXPECT_FALSE(log::names_stream("8", 8, 31337));
  EXPECT_FALSE(log::names_stream("8:", 8, 31337));
  EXPECT_FALSE(log::names_stream(":31337", 8, 31337));
  EXPECT_FALSE(log::names_stream("8:31337x", 8, 31337));
  EXPECT_FALSE(log::names_stream("8:31337:1", 8, 31337));
  EXPECT_FALSE(log::names_stream("-8:31337", 8, 31337));
  EXPECT_TRUE(log::names_stream("18446744073709551615:1", 18446744073709551615ULL, 1));
}

TEST(JournalStream, LinesCarryTheirPriority) {
  EXPECT_EQ(log::journal_line(LOG_ERR, "a: b"), "<3>a: b\n");
  EXPECT_EQ(log::journal_line(LOG_INFO, "echo/tcp: start pid=1"), "<6>echo/tcp: start pid=1\n");
  // A service's log_type SYSLOG local0 notice: the facility goes along.
  EXPECT_EQ(log::journal_line(LOG_LOCAL0 | LOG_NOTICE, "x"), "<133>x\n");
}

TEST(JournalStream, OnlyAForegroundDaemonWritesToIt) {
  using log::Destination;
  // -i under systemd: the journal; -i elsewhere: syslog, as before.
  EXPECT_EQ(log::choose_destination(true, false, true), Destination::journal);
  EXPECT_EQ(log::choose_destination(true, false, false), Destination::syslog);
  // -d: the journal's prefixes when stderr is it, plain lines otherwise.
  EXPECT_EQ(log::choose_destination(true, true, true), Destination::journal);
  EXPECT_EQ(log::choose_destination(true, true, false), Destination::stderr_plain);
  // Detached: stderr is /dev/null by then.
  EXPECT_EQ(log::choose_destination(false, false, true), Destination::syslog);
}

}  // namespace
}  // namespace ninetd
