// The reap path's decisions: how an exit is told, and when a service whose
// servers fail at once backs off instead of being watched again at once. The
// times are made up: `ran` is how long a server ran, no test sleeps.
#include "daemon/exit_policy.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <string_view>
#include <vector>

namespace ninetd::daemon {
namespace {

using std::chrono::milliseconds;

int exited(int code) {
  return (code & 0xff) << 8;
}  // as waitpid reports it
int killed(int signal, bool core = false) {
  return signal | (core ? 0x80 : 0);
}

TEST(ExitStatus, DescribedAsAnAdministratorReadsIt) {
  ASSERT_TRUE(WIFEXITED(exited(3)));
  EXPECT_EQ(describe_status(exited(3)), "exited with status 3");
  EXPECT_EQ(describe_status(killed(SIGKILL)), "killed by signal 9 (Killed)");
  EXPECT_EQ(describe_status(killed(SIGSEGV, true)),
            "killed by signal 11 (Segmentation fault), core dumped");
}

TEST(ExitStatus, FailedMeansKilledOrNonZero) {
  EXPECT_FALSE(failed(exited(0)));
  EXPECT_TRUE(failed(exited(1)));
  EXPECT_TRUE(failed(killed(SIGTERM)));
}

using Kind = CrashLoop::Verdict::Kind;

ServerExit accepted(int status, long ran_ms) {  // a stream nowait server
  return ServerExit{false, false, status, milliseconds(ran_ms)};
}
ServerExit given_socket(int status, long ran_ms) {  // wait, dgram nowait
  return ServerExit{true, false, status, milliseconds(ran_ms)};
}

TEST(QuickFailure, KilledOrNonZeroWithinASecondOrALaunchThatFailed) {
  EXPECT_TRUE(failed_at_once(accepted(exited(127), 3)));
  EXPECT_TRUE(failed_at_once(accepted(killed(SIGSEGV), 999)));
  EXPECT_FALSE(failed_at_once(accepted(exited(1), 1000)));  // ran long: not "at once"
  EXPECT_FALSE(failed_at_once(accepted(exited(0), 1)));
  EXPECT_TRUE(failed_at_once({false, true, exited(0), milliseconds(5000)}));
}

TEST(QuickFailure, ADatagramLeftUnreadIsAFailureWhateverTheStatus) {
  ServerExit exit = given_socket(exited(0), 2);
  exit.left_datagram = true;
  EXPECT_TRUE(failed_at_once(exit));
  EXPECT_EQ(describe_quick_failure(exit), "exited with status 0, its datagram unread");
  exit.ran = milliseconds(1500);  // it ran: a new datagram that looks the same
  EXPECT_FALSE(failed_at_once(exit));
}

TEST(CrashLoop, FiveQuickFailuresInARowBackOffOnce) {
  CrashLoop loop;
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(loop.on_exit(accepted(exited(1), 5), false).kind, Kind::none);
  CrashLoop::Verdict verdict = loop.on_exit(accepted(exited(127), 5), false);
  EXPECT_EQ(verdict.kind, Kind::back_off);
  EXPECT_EQ(verdict.delay, milliseconds(1000));
  EXPECT_TRUE(verdict.first);
  EXPECT_EQ(verdict.in_a_row, 5u);
  EXPECT_TRUE(loop.backing_off());
}

TEST(CrashLoop, ASuccessResetsTheCount) {
  CrashLoop loop;
  for (int round = 0; round < 10; ++round) {
    for (int i = 0; i < 4; ++i)
      EXPECT_EQ(loop.on_exit(accepted(exited(1), 5), false).kind, Kind::none);
    EXPECT_EQ(loop.on_exit(accepted(exited(0), 5), false).kind, Kind::none);  // not "recovered"
    EXPECT_EQ(loop.in_a_row(), 0u);
  }
  EXPECT_FALSE(loop.backing_off());
}

TEST(CrashLoop, AFailureAfterALongRunIsNotCountedAndResets) {
  CrashLoop loop;
  for (int i = 0; i < 4; ++i) loop.on_exit(accepted(killed(SIGKILL), 5), false);
  EXPECT_EQ(loop.on_exit(accepted(killed(SIGKILL), 60000), false).kind, Kind::none);
  EXPECT_EQ(loop.in_a_row(), 0u);
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(loop.on_exit(accepted(exited(1), 5), false).kind, Kind::none);
}

TEST(CrashLoop, ExitsReapedDuringTheBackOffCountButChangeNothing) {
  CrashLoop loop;
  for (int i = 0; i < 5; ++i) loop.on_exit(accepted(exited(1), 5), false);
  // Twenty more servers, started before the back-off, fail while it lasts.
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(loop.on_exit(accepted(exited(1), 5), true).kind, Kind::none);
  EXPECT_EQ(loop.in_a_row(), 25u);
  // Watched again: the next quick failure doubles the delay, unlogged.
  CrashLoop::Verdict verdict = loop.on_exit(accepted(exited(1), 5), false);
  EXPECT_EQ(verdict.kind, Kind::back_off);
  EXPECT_EQ(verdict.delay, milliseconds(2000));
  EXPECT_FALSE(verdict.first);
}

TEST(CrashLoop, DelaysDoubleUpToAMinute) {
  CrashLoop loop;
  for (int i = 0; i < 4; ++i) loop.on_exit(accepted(exited(1), 5), false);
  std::vector<long> delays;
  for (int i = 0; i < 9; ++i)
    delays.push_back(loop.on_exit(accepted(exited(1), 5), false).delay.count());
  EXPECT_EQ(delays, (std::vector<long>{1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000}));
}

TEST(CrashLoop, RecoversAtTheFirstNormalExitAndStartsAfresh) {
  CrashLoop loop;
  for (int i = 0; i < 7; ++i) loop.on_exit(accepted(exited(1), 5), false);
  CrashLoop::Verdict verdict = loop.on_exit(accepted(exited(0), 3), true);
  EXPECT_EQ(verdict.kind, Kind::recovered);
  EXPECT_EQ(verdict.in_a_row, 7u);
  EXPECT_FALSE(loop.backing_off());
  EXPECT_EQ(loop.on_exit(accepted(exited(0), 3), false).kind, Kind::none);  // recovered once
  // A new run needs five again, and starts at a second, logged again.
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(loop.on_exit(accepted(exited(1), 5), false).kind, Kind::none);
  verdict = loop.on_exit(accepted(exited(1), 5), false);
  EXPECT_EQ(verdict.delay, milliseconds(1000));
  EXPECT_TRUE(verdict.first);
}

TEST(CrashLoop, AServerGivenTheSocketBacksOffAtItsFirstQuickFailure) {
  CrashLoop loop;
  CrashLoop::Verdict verdict = loop.on_exit(given_socket(exited(1), 10), false);
  EXPECT_EQ(verdict.kind, Kind::back_off);
  EXPECT_EQ(verdict.delay, milliseconds(1000));
  EXPECT_TRUE(verdict.first);
  EXPECT_EQ(loop.on_exit(given_socket(exited(1), 10), false).delay, milliseconds(2000));
  EXPECT_EQ(loop.on_exit(given_socket(exited(0), 10), false).kind, Kind::recovered);
}

TEST(CrashLoop, ADatagramServerThatExitsZeroWithoutReadingBacksOff) {
  CrashLoop loop;
  ServerExit unread = given_socket(exited(0), 2);
  unread.left_datagram = true;
  EXPECT_EQ(loop.on_exit(unread, false).kind, Kind::back_off);
  EXPECT_EQ(loop.on_exit(unread, true).kind, Kind::none);  // started before the back-off
  EXPECT_EQ(loop.on_exit(unread, false).delay, milliseconds(2000));
  EXPECT_EQ(loop.on_exit(given_socket(exited(0), 2), false).kind, Kind::recovered);
}

TEST(CrashLoop, ALaunchThatFailedOutrightBacksOffWhateverTheCount) {
  CrashLoop loop;
  EXPECT_EQ(loop.on_launch_failure().delay, milliseconds(1000));
  EXPECT_EQ(loop.on_launch_failure().delay, milliseconds(2000));
  EXPECT_EQ(loop.in_a_row(), 2u);
}

std::span<const std::byte> bytes(std::string_view text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

TEST(DatagramFingerprint, TellsSourceLengthAndHeadApart) {
  std::uint64_t one = datagram_fingerprint(bytes("from a"), 100, bytes("payload"));
  EXPECT_EQ(one, datagram_fingerprint(bytes("from a"), 100, bytes("payload")));
  EXPECT_NE(one, 0u);
  EXPECT_NE(one, datagram_fingerprint(bytes("from b"), 100, bytes("payload")));
  EXPECT_NE(one, datagram_fingerprint(bytes("from a"), 101, bytes("payload")));
  EXPECT_NE(one, datagram_fingerprint(bytes("from a"), 100, bytes("paylaod")));
  EXPECT_NE(datagram_fingerprint({}, 0, {}), 0u);
}

}  // namespace
}  // namespace ninetd::daemon
