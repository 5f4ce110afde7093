#include "services/login_class.h"

#include <gtest/gtest.h>

namespace ninetd::services {
namespace {

constexpr const char* kLoginConf =
    "# FreeBSD-style login.conf\n"
    "default:\\\n"
    "\t:cputime=infinity:\\\n"
    "\t:openfiles=1024:\\\n"
    "\t:coredumpsize=0:\n"
    "\n"
    "daemon|Daemon processes:\\\n"
    "\t:openfiles-cur=128:\\\n"
    "\t:datasize=64m:\\\n"
    "\t:tc=default:\n"
    "slow:\\\n"
    "\t:cputime=1h30m:\\\n"
    "\t:maxproc=bogus:\n";

const ResourceLimit* find(const LoginClassResult& r, int resource) {
  for (const auto& l : r.limits)
    if (l.resource == resource) return &l;
  return nullptr;
}

TEST(LoginClass, UnknownClassIsNotFound) {
  EXPECT_FALSE(find_login_class(kLoginConf, "staff").found);
}

TEST(LoginClass, OwnCapabilitiesWinOverInheritedOnes) {
  auto r = find_login_class(kLoginConf, "daemon");
  ASSERT_TRUE(r.found);
  const ResourceLimit* files = find(r, RLIMIT_NOFILE);
  ASSERT_NE(files, nullptr);
  EXPECT_EQ(files->soft, 128u);   // openfiles-cur from daemon
  EXPECT_EQ(files->hard, 1024u);  // openfiles from default, through tc=
  const ResourceLimit* data = find(r, RLIMIT_DATA);
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(data->soft, 64u << 20);
  EXPECT_EQ(find(r, RLIMIT_CORE)->hard, 0u);
  EXPECT_EQ(find(r, RLIMIT_CPU)->soft, RLIM_INFINITY);
}

TEST(LoginClass, AliasNamesTheSameClass) {
  EXPECT_TRUE(find_login_class(kLoginConf, "Daemon processes").found);
}

TEST(LoginClass, TimeValuesAddTheirUnits) {
  auto r = find_login_class(kLoginConf, "slow");
  EXPECT_EQ(find(r, RLIMIT_CPU)->soft, 5400u);
}

TEST(LoginClass, BadValueIsReportedByCapability) {
  auto r = find_login_class(kLoginConf, "slow");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0], "class slow: bad value \"bogus\" for maxproc");
  EXPECT_EQ(find(r, RLIMIT_NPROC), nullptr);
}

TEST(LoginClass, DefaultFillsWhatTheClassLeavesUnset) {
  auto r = find_login_class(kLoginConf, "slow");
  EXPECT_EQ(find(r, RLIMIT_NOFILE)->hard, 1024u);
}

TEST(LoginClass, SoftLimitNeverAboveHard) {
  auto r = find_login_class("x:openfiles-cur=500:openfiles-max=100:\n", "x");
  EXPECT_EQ(find(r, RLIMIT_NOFILE)->soft, 100u);
  EXPECT_EQ(find(r, RLIMIT_NOFILE)->hard, 100u);
}

TEST(LoginClass, InheritanceLoopsEnd) {
  auto r = find_login_class("a:tc=b:\nb:tc=a:openfiles=9:\n", "a");
  EXPECT_TRUE(r.found);
  EXPECT_EQ(find(r, RLIMIT_NOFILE)->hard, 9u);
}

}  // namespace
}  // namespace ninetd::services
