// What keeps the log readable under abuse: client bytes escaped, repeated
// events summarised.
#include <gtest/gtest.h>

#include <string>

#include "log/escape.h"
#include "log/repeat_limiter.h"

namespace ninetd::log {
namespace {

using std::chrono::seconds;
using TimePoint = RepeatLimiter::TimePoint;
const TimePoint kStart = TimePoint{} + std::chrono::hours(1000);

TEST(Escaped, PrintableAsciiIsKept) {
  EXPECT_EQ(escaped("echo help-me 1.0"), "echo help-me 1.0");
}

TEST(Escaped, LineEndsAndTerminalControlAreShownAsHex) {
  EXPECT_EQ(escaped("a\r\nb"), "a\\x0d\\x0ab");
  EXPECT_EQ(escaped("\x1b[2K"), "\\x1b[2K");
  EXPECT_EQ(escaped(std::string("x\0y", 3)), "x\\x00y");
  EXPECT_EQ(escaped("\x7f\xff"), "\\x7f\\xff");
}

TEST(Escaped, ABackslashCannotForgeAnEscape) {
  EXPECT_EQ(escaped("\\x41"), "\\\\x41");
}

TEST(RepeatLimiter, LogsTheBurstThenCountsTheRest) {
  RepeatLimiter limiter(3, seconds(10));
  int logged = 0;
  for (int i = 0; i < 500; ++i) logged += limiter.allow("ftp: refused", kStart) ? 1 : 0;
  EXPECT_EQ(logged, 3);
  EXPECT_TRUE(limiter.has_suppressed());
  EXPECT_TRUE(limiter.take_summaries(kStart + seconds(9)).empty());
  auto summaries = limiter.take_summaries(kStart + seconds(10));
  ASSERT_EQ(summaries.size(), 1u);
  EXPECT_EQ(summaries[0].key, "ftp: refused");
  EXPECT_EQ(summaries[0].suppressed, 497u);
  EXPECT_FALSE(limiter.has_suppressed());
}

TEST(RepeatLimiter, KeysAreCountedApart) {
  RepeatLimiter limiter(1, seconds(10));
  EXPECT_TRUE(limiter.allow("a", kStart));
  EXPECT_TRUE(limiter.allow("b", kStart));
  EXPECT_FALSE(limiter.allow("a", kStart));
}

TEST(RepeatLimiter, ANewIntervalLogsAgainAfterTheSummary) {
  RepeatLimiter limiter(1, seconds(10));
  EXPECT_TRUE(limiter.allow("a", kStart));
  EXPECT_FALSE(limiter.allow("a", kStart + seconds(1)));
  EXPECT_EQ(limiter.take_summaries(kStart + seconds(10)).size(), 1u);
  EXPECT_TRUE(limiter.allow("a", kStart + seconds(11)));
}

TEST(RepeatLimiter, QuietKeysAreForgotten) {
  RepeatLimiter limiter(5, seconds(10));
  EXPECT_TRUE(limiter.allow("a", kStart));
  EXPECT_TRUE(limiter.take_summaries(kStart + seconds(10)).empty());
  EXPECT_FALSE(limiter.has_suppressed());
}

}  // namespace
}  // namespace ninetd::log

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "log/logger.h"
#include "sys/fd.h"

namespace ninetd::log {
namespace {

// A log daemon that stops reading must not stop ninetd: with its socket full,
// lines are dropped and counted, and the count reaches the log afterwards.
TEST(Syslog, AFullSocketDropsLinesInsteadOfBlocking) {
  char directory[] = "/tmp/ninetd-syslog-XXXXXX";
  ASSERT_NE(mkdtemp(directory), nullptr);
  std::string path = std::string(directory) + "/log";
  sys::Fd server(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  ASSERT_TRUE(server);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  ASSERT_EQ(::bind(server.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);

  use_syslog(false, path.c_str());
  for (int i = 0; i < 5000; ++i) write(Level::notice, "a line nobody reads");
  std::uint64_t dropped = syslog_dropped();
  EXPECT_GT(dropped, 0u);

  char buffer[512];
  ssize_t n = ::recv(server.get(), buffer, sizeof(buffer) - 1, 0);
  ASSERT_GT(n, 0);
  buffer[n] = '\0';
  EXPECT_EQ(std::string(buffer).rfind("<29>", 0), 0u) << buffer;  // daemon.notice
  EXPECT_NE(std::strstr(buffer, "]: a line nobody reads"), nullptr) << buffer;
  while (::recv(server.get(), buffer, sizeof(buffer), MSG_DONTWAIT) > 0) {
  }
  write(Level::notice, "after");
  n = ::recv(server.get(), buffer, sizeof(buffer) - 1, 0);
  ASSERT_GT(n, 0);
  buffer[n] = '\0';
  EXPECT_NE(std::strstr(buffer, "log lines dropped: the syslog socket was full"), nullptr)
      << buffer;
  set_sink(nullptr);
  ::unlink(path.c_str());
  ::rmdir(directory);
}

}  // namespace
}  // namespace ninetd::log
