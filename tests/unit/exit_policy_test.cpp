// The reap path's decisions: how an exit is told, and when a service whose
// server took the socket backs off instead of being watched again at once.
#include "daemon/exit_policy.h"

#include <signal.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

namespace ninetd::daemon {
namespace {

using std::chrono::milliseconds;

int exited(int code) { return (code & 0xff) << 8; }          // as waitpid reports it
int killed(int signal, bool core = false) { return signal | (core ? 0x80 : 0); }

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

TEST(Backoff, AServerWithoutTheSocketNeverBacksOff) {
  unsigned quick = 4;
  EXPECT_EQ(backoff_after({false, true, exited(1), milliseconds(0)}, quick), std::nullopt);
  EXPECT_EQ(quick, 4u);
}

TEST(Backoff, QuickFailuresDoubleUpToAMinute) {
  unsigned quick = 0;
  ServerExit fast_failure{true, false, exited(1), milliseconds(10)};
  std::vector<long> delays;
  for (int i = 0; i < 9; ++i) delays.push_back(backoff_after(fast_failure, quick)->count());
  EXPECT_EQ(delays, (std::vector<long>{1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000}));
}

TEST(Backoff, ALaunchThatFailedBacksOffWhateverTheStatus) {
  unsigned quick = 0;
  EXPECT_EQ(backoff_after({true, true, exited(0), milliseconds(5000)}, quick), milliseconds(1000));
}

TEST(Backoff, ASuccessOrASlowFailureResetsTheSequence) {
  unsigned quick = 3;
  EXPECT_EQ(backoff_after({true, false, exited(0), milliseconds(10)}, quick), std::nullopt);
  EXPECT_EQ(quick, 0u);
  quick = 3;
  // A server that ran a while before failing took what was waiting for it.
  EXPECT_EQ(backoff_after({true, false, killed(SIGKILL), milliseconds(1000)}, quick),
            std::nullopt);
  EXPECT_EQ(quick, 0u);
}

TEST(Backoff, ALaunchThatFailedOutrightTakesTheNextDelay) {
  unsigned quick = 1;
  EXPECT_EQ(next_backoff(quick), milliseconds(2000));
  EXPECT_EQ(quick, 2u);
}

}  // namespace
}  // namespace ninetd::daemon
