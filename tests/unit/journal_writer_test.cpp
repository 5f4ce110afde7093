// The journal writer (log::use_journal): "<N>" lines on stderr that never
// block the loop, whatever the reader does.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <syslog.h>
#include <unistd.h>

#include <string>

#include "log/logger.h"

namespace ninetd::log {
namespace {

// Descriptor 2 is a blocking pipe of one page that nobody reads until drain().
class JournalCapture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(pipe2(ends_, O_CLOEXEC), 0);
    ASSERT_EQ(fcntl(ends_[0], F_SETPIPE_SZ, 4096), 4096);
    ASSERT_EQ(fcntl(ends_[0], F_SETFL, O_NONBLOCK), 0);  // the test's end only
    saved_ = dup(STDERR_FILENO);
    ASSERT_GE(saved_, 0);
    ASSERT_EQ(dup2(ends_[1], STDERR_FILENO), STDERR_FILENO);
    use_journal();
  }
  void TearDown() override {
    dup2(saved_, STDERR_FILENO);
    close(saved_);
    close(ends_[0]);
    close(ends_[1]);
    use_stderr();
  }
  std::string drain() {
    std::string out;
    char buffer[65536];
    ssize_t n;
    while ((n = read(ends_[0], buffer, sizeof(buffer))) > 0) out.append(buffer, n);
    return out;
  }

  int ends_[2] = {-1, -1};
  int saved_ = -1;
};

TEST_F(JournalCapture, EachLineWithItsPriority) {
  error("a");
  warning("b");
  notice("c");
  info("{}", "d");
  write_at(LOG_LOCAL0 | LOG_NOTICE, "e");
  EXPECT_EQ(drain(), "<3>a\n<4>b\n<5>c\n<6>d\n<133>e\n");
}

TEST_F(JournalCapture, AFullStreamNeverBlocksAndLosesOnlyWholeCountedLines) {
  const std::string body(99, 'x');  // "<6>" + 99 + "\n": 103 bytes a line
  constexpr int kLines = 2000;      // 206,000 bytes: past the pipe and the backlog
  for (int i = 0; i < kLines; ++i) info("{}", body);
  // Reached at all: nothing blocked. Now the reader catches up.
  ASSERT_GT(fcntl(ends_[0], F_SETPIPE_SZ, 1 << 20), 0);
  std::string text = drain();
  info("last");
  text += drain();
  std::size_t kept = 0;
  std::size_t start = 0;
  std::string dropped_line;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    ASSERT_NE(end, std::string::npos) << "a cut line";
    std::string line = text.substr(start, end - start);
    if (line == "<6>" + body)
      ++kept;
    else if (line.starts_with("<4>"))
      dropped_line = line;
    else
      EXPECT_EQ(line, "<6>last");
    start = end + 1;
  }
  EXPECT_TRUE(text.ends_with("<6>last\n"));
  EXPECT_LT(kept, static_cast<std::size_t>(kLines));
  EXPECT_EQ(dropped_line, "<4>" + std::to_string(kLines - kept) +
                              " log lines dropped: the journal stream was full");
}

}  // namespace
}  // namespace ninetd::log
