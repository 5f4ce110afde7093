// Pidfile::acquire refuses what is not a pid file of its own: a symlink, a
// FIFO, a directory, a file with another hard link; and says why (explain).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "daemon/pidfile.h"

namespace ninetd::daemon {
namespace {

class PidfileKindTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/ninetd-pidfile-kind.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    path_ = dir_ + "/ninetd.pid";
  }
  void TearDown() override {
    for (const char* name : {"/ninetd.pid", "/target", "/other"})
      ::unlink((dir_ + name).c_str());
    ::rmdir(path_.c_str());
    ::rmdir(dir_.c_str());
  }
  sys::SysError refused() {
    std::string holder;
    auto acquired = Pidfile::acquire(path_, holder);
    EXPECT_FALSE(acquired.has_value());
    return acquired ? sys::SysError{} : acquired.error();
  }
  std::string dir_, path_;
};

TEST_F(PidfileKindTest, ASymlinkIsNotFollowedAndItsTargetIsUntouched) {
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

TEST_F(PidfileKindTest, AFifoIsRefusedAndLeftInPlace) {
  ASSERT_EQ(::mkfifo(path_.c_str(), 0600), 0);
  EXPECT_EQ(Pidfile::explain(refused()), "not a regular file");
  struct stat st {};
  ASSERT_EQ(::lstat(path_.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
}

TEST_F(PidfileKindTest, ADirectoryIsRefused) {
  ASSERT_EQ(::mkdir(path_.c_str(), 0700), 0);
  EXPECT_EQ(refused().code, EISDIR);
}

TEST_F(PidfileKindTest, AFileWithAnotherHardLinkIsRefusedAndKeepsItsData) {
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
