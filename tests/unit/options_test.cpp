#include "daemon/options.h"

#include <gtest/gtest.h>

namespace ninetd::daemon {
namespace {

TEST(Options, DefaultsReadEtcInetdConfAndDaemonize) {
  auto r = parse_options({});
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.options.config, "/etc/inetd.conf");
  EXPECT_FALSE(r.options.foreground);
  EXPECT_FALSE(r.options.pidfile.has_value());
}

TEST(Options, ClassicFlagsCombine) {
  auto r = parse_options({"-dl", "-p", "/tmp/x.pid", "my.conf"});
  EXPECT_EQ(r.error, "");
  EXPECT_TRUE(r.options.foreground);
  EXPECT_TRUE(r.options.log_connections);
  EXPECT_EQ(r.options.pidfile.value(), "/tmp/x.pid");
  EXPECT_EQ(r.options.config, "my.conf");
}

TEST(Options, PidfileMayBeGluedToTheFlag) {
  auto r = parse_options({"-p/run/a.pid"});
  EXPECT_EQ(r.options.pidfile.value(), "/run/a.pid");
}

TEST(Options, CheckLongAndShort) {
  EXPECT_TRUE(parse_options({"-t"}).options.check_only);
  EXPECT_TRUE(parse_options({"--check", "x"}).options.check_only);
}

TEST(Options, ErrorsNameTheProblem) {
  EXPECT_EQ(parse_options({"-x"}).error, "unknown option -x");
  EXPECT_EQ(parse_options({"--frobnicate"}).error, "unknown option --frobnicate");
  EXPECT_EQ(parse_options({"-p"}).error, "option -p needs a file name");
  EXPECT_EQ(parse_options({"a", "b"}).error,
            "more than one configuration file given (\"a\" and \"b\")");
}

}  // namespace
}  // namespace ninetd::daemon
