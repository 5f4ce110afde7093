// Logger: the stderr sink's line format, and batches that hold stderr lines
// back until the outermost batch ends.
#include "log/logger.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

namespace ninetd::log {
namespace {

// Points descriptor 2 at a non-blocking pipe for the test's lifetime.
class StderrCapture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(pipe2(ends_, O_NONBLOCK | O_CLOEXEC), 0);
    fcntl(ends_[0], F_SETPIPE_SZ, 1 << 20);
    saved_ = dup(STDERR_FILENO);
    ASSERT_GE(saved_, 0);
    ASSERT_EQ(dup2(ends_[1], STDERR_FILENO), STDERR_FILENO);
    use_stderr();
  }
  void TearDown() override {
    dup2(saved_, STDERR_FILENO);
    close(saved_);
    close(ends_[0]);
    close(ends_[1]);
  }
  // Everything written to stderr so far.
  std::string drain() {
    std::string out;
    char buffer[65536];
    ssize_t n;
    while ((n = read(ends_[0], buffer, sizeof(buffer))) > 0) out.append(buffer, n);
    return out;
  }
  std::string prefix() const { return "ninetd[" + std::to_string(getpid()) + "]: "; }

  int ends_[2] = {-1, -1};
  int saved_ = -1;
};

TEST_F(StderrCapture, OneLineAtATimeOutsideABatch) {
  notice("{}/tcp: listening", 7);
  EXPECT_EQ(drain(), prefix() + "notice: 7/tcp: listening\n");
  error("x");
  EXPECT_EQ(drain(), prefix() + "error: x\n");
}

TEST_F(StderrCapture, BatchHoldsLinesUntilTheOutermostEnds) {
  {
    Batch outer;
    notice("one");
    {
      Batch inner;
      warning("two");
    }
    EXPECT_EQ(drain(), "");  // the inner batch ending writes nothing
    info("three");
    EXPECT_EQ(drain(), "");
  }
  EXPECT_EQ(drain(),
            prefix() + "notice: one\n" + prefix() + "warning: two\n" + prefix() + "info: three\n");
}

TEST_F(StderrCapture, BigBatchIsWrittenInWholeLines) {
  std::string expected;
  {
    Batch batch;
    for (int i = 0; i < 1000; ++i) {
      notice("service {}: listening on 127.0.0.1:{}", i, 20000 + i);
      expected +=
          prefix() + fmt::format("notice: service {}: listening on 127.0.0.1:{}\n", i, 20000 + i);
    }
    // Some went out already (every 16 KiB), each write ending with a whole line.
    std::string early = drain();
    EXPECT_FALSE(early.empty());
    EXPECT_LT(early.size(), expected.size());
    EXPECT_EQ(early.back(), '\n');
    EXPECT_EQ(expected.compare(0, early.size(), early), 0);
    expected.erase(0, early.size());
  }
  EXPECT_EQ(drain(), expected);
}

}  // namespace
}  // namespace ninetd::log
