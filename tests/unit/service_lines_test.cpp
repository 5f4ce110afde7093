// The START, EXIT and FAIL lines (log/service_lines.h) and the log file's
// soft and hard limits (log/file_budget.h).
#include "log/service_lines.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include "config/log_settings.h"
#include "log/file_budget.h"

namespace ninetd::log {
namespace {

namespace success = config::log_success;
namespace failure = config::log_failure;

constexpr std::uint8_t kDebian =
    success::kPid | success::kHost | success::kDuration | success::kExit;

int exited(int status) {
  return status << 8;  // as waitpid(2) reports an exit
}

TEST(ServiceLines, WhichLinesTheFlagsAskFor) {
  EXPECT_FALSE(logs_start(0));
  EXPECT_TRUE(logs_start(success::kUserid));
  EXPECT_FALSE(logs_exit(success::kPid | success::kHost));
  EXPECT_TRUE(logs_exit(success::kDuration));
  EXPECT_TRUE(logs_exit(success::kExit));
  EXPECT_FALSE(logs_fail(0));
  EXPECT_TRUE(logs_fail(failure::kAttempt));
}

TEST(ServiceLines, Start) {
  EXPECT_EQ(start_line("echo/tcp", kDebian, 4711, "192.0.2.7"),
            "echo/tcp: START pid=4711 from=192.0.2.7");
  EXPECT_EQ(start_line("echo/tcp", success::kHost, 4711, "::1"), "echo/tcp: START from=::1");
  EXPECT_EQ(start_line("tftp/udp", kDebian, 9, ""), "tftp/udp: START pid=9");
  EXPECT_EQ(start_line("x/unix", success::kHost, 9, "/run/a\nb"),
            "x/unix: START from=\"/run/a\\x0ab\"");
  // --no-peer-addresses: the line without its client.
  EXPECT_EQ(start_line("echo/tcp", kDebian, 4711, "192.0.2.7", false), "echo/tcp: START pid=4711");
}

TEST(ServiceLines, Exit) {
  EXPECT_EQ(exit_line("echo/tcp", kDebian, 4711, exited(3), 12),
            "echo/tcp: EXIT status=3 pid=4711 duration=12s");
  EXPECT_EQ(exit_line("echo/tcp", kDebian, 4711, SIGKILL, 0),
            "echo/tcp: EXIT signal=9 pid=4711 duration=0s");
  EXPECT_EQ(exit_line("echo/tcp", success::kDuration, 4711, exited(0), 5),
            "echo/tcp: EXIT duration=5s");
}

TEST(ServiceLines, Fail) {
  EXPECT_EQ(fail_line("echo/tcp", failure::kHost, "address", "198.51.100.9"),
            "echo/tcp: FAIL reason=address from=198.51.100.9");
  EXPECT_EQ(fail_line("echo/tcp", failure::kAttempt, "libwrap", "198.51.100.9"),
            "echo/tcp: FAIL reason=libwrap");
  EXPECT_EQ(fail_line("echo/tcp", failure::kHost, "address", "198.51.100.9", false),
            "echo/tcp: FAIL reason=address");
}

TEST(FileBudget, NoLimits) {
  FileBudget budget(0, 0, 1'000'000);
  EXPECT_EQ(budget.take(100), FileBudget::Verdict::write);
  EXPECT_EQ(budget.size(), 1'000'100u);
}

TEST(FileBudget, SoftWarnsOnceAndHardStopsForGood) {
  FileBudget budget(100, 200, 0);
  EXPECT_EQ(budget.take(90), FileBudget::Verdict::write);
  EXPECT_EQ(budget.take(20), FileBudget::Verdict::write_past_soft);
  EXPECT_EQ(budget.take(20), FileBudget::Verdict::write);
  EXPECT_EQ(budget.take(70), FileBudget::Verdict::write);  // 200: at the limit, not past it
  EXPECT_EQ(budget.take(1), FileBudget::Verdict::reached_hard);
  EXPECT_EQ(budget.take(1), FileBudget::Verdict::stopped);
  EXPECT_EQ(budget.size(), 200u);
}

TEST(FileBudget, AFileOpenedPastItsSoftLimitWarnsAtItsFirstLine) {
  FileBudget budget(100, 1000, 500);
  EXPECT_EQ(budget.take(10), FileBudget::Verdict::write_past_soft);
  EXPECT_EQ(budget.take(10), FileBudget::Verdict::write);
}

}  // namespace
}  // namespace ninetd::log
