// Pidfile: created and flock-ed for the daemon's life, holding its pid, and
// removed at exit. The lock, not the file's existence, says who is running.
#include "daemon/pidfile.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace ninetd::daemon {
namespace {

class PidfileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/ninetd-pidfile-test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    path_ = dir_ + "/ninetd.pid";
  }
  void TearDown() override {
    ::unlink(path_.c_str());
    ::unlink((dir_ + "/link.pid").c_str());
    ::rmdir(dir_.c_str());
  }

  bool exists() const {
    struct stat st{};
    return ::stat(path_.c_str(), &st) == 0;
  }
  std::string contents() const {
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  void write_file(const std::string& text) const { std::ofstream(path_) << text; }

  std::string dir_;
  std::string path_;
};

TEST_F(PidfileTest, AcquireCreatesTheFileAndWritePidFillsIt) {
  std::string holder;
  auto pidfile = Pidfile::acquire(path_, holder);
  ASSERT_TRUE(pidfile.has_value()) << pidfile.error().describe();
  EXPECT_TRUE(exists());
  ASSERT_TRUE(pidfile->write_pid(getpid()).has_value());
  EXPECT_EQ(contents(), std::to_string(getpid()) + "\n");
  EXPECT_EQ(holder, "");
}

TEST_F(PidfileTest, WritePidReplacesLongerOldContents) {
  write_file("1234567890\n");
  std::string holder;
  auto pidfile = Pidfile::acquire(path_, holder);
  ASSERT_TRUE(pidfile.has_value());
  ASSERT_TRUE(pidfile->write_pid(42).has_value());
  EXPECT_EQ(contents(), "42\n");
}

TEST_F(PidfileTest, ASecondAcquireFailsWithEwouldblockAndNamesTheHolder) {
  std::string holder;
  auto first = Pidfile::acquire(path_, holder);
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(first->write_pid(4321).has_value());

  std::string second_holder;
  auto second = Pidfile::acquire(path_, second_holder);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, EWOULDBLOCK);
  EXPECT_STREQ(second.error().call, "flock");
  EXPECT_EQ(second_holder, "4321");
}

TEST_F(PidfileTest, AFailedAcquireLeavesTheHoldersFileInPlace) {
  std::string holder;
  auto first = Pidfile::acquire(path_, holder);
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(first->write_pid(4321).has_value());
  {
    std::string other;
    ASSERT_FALSE(Pidfile::acquire(path_, other).has_value());
  }
  EXPECT_TRUE(exists());
  EXPECT_EQ(contents(), "4321\n");
}

TEST_F(PidfileTest, HolderIsEmptyWhenTheLockedFileHasNoPidYet) {
  std::string holder;
  auto first = Pidfile::acquire(path_, holder);
  ASSERT_TRUE(first.has_value());
  std::string second_holder;
  auto second = Pidfile::acquire(path_, second_holder);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second_holder, "");
}

TEST_F(PidfileTest, TheFileIsRemovedOnDestruction) {
  {
    std::string holder;
    auto pidfile = Pidfile::acquire(path_, holder);
    ASSERT_TRUE(pidfile.has_value());
    ASSERT_TRUE(pidfile->write_pid(getpid()).has_value());
    ASSERT_TRUE(exists());
  }
  EXPECT_FALSE(exists());
}

TEST_F(PidfileTest, TheLockIsFreeAgainAfterDestruction) {
  std::string holder;
  { ASSERT_TRUE(Pidfile::acquire(path_, holder).has_value()); }
  auto again = Pidfile::acquire(path_, holder);
  EXPECT_TRUE(again.has_value());
}

TEST_F(PidfileTest, AStaleFileWithoutALockDoesNotBlockAStart) {
  write_file("99999\n");
  std::string holder;
  auto pidfile = Pidfile::acquire(path_, holder);
  ASSERT_TRUE(pidfile.has_value());
  EXPECT_EQ(holder, "");
}

TEST_F(PidfileTest, MovingKeepsOneOwnerThatRemovesTheFile) {
  std::optional<Pidfile> kept;
  {
    std::string holder;
    auto acquired = Pidfile::acquire(path_, holder);
    ASSERT_TRUE(acquired.has_value());
    kept.emplace(std::move(*acquired));
  }
  // The moved-from Pidfile is gone; the file and the lock stay.
  EXPECT_TRUE(exists());
  std::string holder;
  EXPECT_FALSE(Pidfile::acquire(path_, holder).has_value());
  kept.reset();
  EXPECT_FALSE(exists());
}

TEST_F(PidfileTest, RefusesToFollowASymlink) {
  std::string target = dir_ + "/ninetd.pid";
  std::string link = dir_ + "/link.pid";
  write_file("");
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  std::string holder;
  auto pidfile = Pidfile::acquire(link, holder);
  ASSERT_FALSE(pidfile.has_value());
  EXPECT_EQ(pidfile.error().code, ELOOP);
  EXPECT_STREQ(pidfile.error().call, "open");
}

TEST_F(PidfileTest, AMissingDirectoryIsAnOpenError) {
  std::string holder;
  auto pidfile = Pidfile::acquire(dir_ + "/no/such/dir/ninetd.pid", holder);
  ASSERT_FALSE(pidfile.has_value());
  EXPECT_EQ(pidfile.error().code, ENOENT);
  EXPECT_STREQ(pidfile.error().call, "open");
}

}  // namespace
}  // namespace ninetd::daemon
