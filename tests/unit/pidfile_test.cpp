// Pidfile: created and flock-ed for the daemon's life, holding its pid, and
// removed at exit. The lock, not the file's existence, says who is running.
#include "daemon/pidfile.h"

#include <fcntl.h>
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
    for (const char* name : {"/ninetd.pid", "/link.pid", "/target", "/other"})
      ::unlink((dir_ + name).c_str());
    ::rmdir(path_.c_str());
    ::rmdir(dir_.c_str());
  }
  // The error of an acquire that must fail.
  sys::SysError refused() {
    std::string holder;
    auto acquired = Pidfile::acquire(path_, holder);
    EXPECT_FALSE(acquired.has_value());
    return acquired ? sys::SysError{} : acquired.error();
  }

  bool exists() const {
    struct stat st {};
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

// acquire refuses what is not a pid file of its own: a symlink, a FIFO, a
// directory, a file with another hard link; and says why (explain).
TEST_F(PidfileTest, ASymlinkIsNotFollowedAndItsTargetIsUntouched) {
  std::string target = dir_ + "/target";
  sys::Fd file(::open(target.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
  ASSERT_TRUE(file.valid());
  ASSERT_EQ(::write(file.get(), "data", 4), 4);
  ASSERT_EQ(::symlink(target.c_str(), path_.c_str()), 0);
  sys::SysError error = refused();
  EXPECT_EQ(error.code, ELOOP);
  EXPECT_EQ(Pidfile::explain(error), "a symbolic link; not following it");
  struct stat st {};
  ASSERT_EQ(::stat(target.c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 4);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(PidfileTest, AFifoIsRefusedAndLeftInPlace) {
  ASSERT_EQ(::mkfifo(path_.c_str(), 0600), 0);
  EXPECT_EQ(Pidfile::explain(refused()), "not a regular file");
  struct stat st {};
  ASSERT_EQ(::lstat(path_.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
}

TEST_F(PidfileTest, ADirectoryIsRefused) {
  ASSERT_EQ(::mkdir(path_.c_str(), 0700), 0);
  EXPECT_EQ(refused().code, EISDIR);
}

TEST_F(PidfileTest, AFileWithAnotherHardLinkIsRefusedAndKeepsItsData) {
  std::string other = dir_ + "/other";
  {
    sys::Fd file(::open(other.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
    ASSERT_TRUE(file.valid());
    ASSERT_EQ(::write(file.get(), "precious", 8), 8);
  }
  ASSERT_EQ(::link(other.c_str(), path_.c_str()), 0);
  EXPECT_EQ(Pidfile::explain(refused()), "another name links to it");
  struct stat st {};
  ASSERT_EQ(::stat(other.c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 8);
}

}  // namespace
}  // namespace ninetd::daemon
