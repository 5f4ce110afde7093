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
  EXPECT_EQ(parse_options({"-Z"}).error, "unknown option -Z");
  EXPECT_EQ(parse_options({"--frobnicate"}).error, "unknown option --frobnicate");
  EXPECT_EQ(parse_options({"-p"}).error, "option -p needs a file name");
  EXPECT_EQ(parse_options({"a", "b"}).error,
            "more than one configuration file given (\"a\" and \"b\")");
}

}  // namespace
}  // namespace ninetd::daemon

namespace ninetd::daemon {
namespace {

TEST(Options, DashIStaysInForegroundButLogsToSyslog) {
  auto r = parse_options({"-i"});
  EXPECT_TRUE(r.options.foreground);
  EXPECT_FALSE(r.options.log_to_stderr);
  auto d = parse_options({"-d"});
  EXPECT_TRUE(d.options.foreground);
  EXPECT_TRUE(d.options.log_to_stderr);
}

TEST(Options, LongOptionsTakeTheirValueAfterASpaceOrAnEqualsSign) {
  auto r = parse_options({"--login-conf", "/x/login.conf", "--idle-timeout=5", "a.conf"});
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.options.login_conf, "/x/login.conf");
  EXPECT_EQ(r.options.idle_timeout, 5u);
  EXPECT_EQ(r.options.config, "a.conf");
  EXPECT_EQ(parse_options({}).options.idle_timeout, 60u);
}

TEST(Options, IdleTimeoutMustBeSecondsInRange) {
  EXPECT_EQ(parse_options({"--idle-timeout", "0"}).error,
            "option --idle-timeout needs a number of seconds from 1 to 86400, got \"0\"");
  EXPECT_EQ(parse_options({"--idle-timeout=1m"}).error,
            "option --idle-timeout needs a number of seconds from 1 to 86400, got \"1m\"");
  EXPECT_EQ(parse_options({"--idle-timeout"}).error, "option --idle-timeout needs a value");
  EXPECT_EQ(parse_options({"--login-conf"}).error, "option --login-conf needs a value");
}

}  // namespace
TEST(QueryOptions, StatusTakesAServiceMetricsNothing) {
  auto all = parse_options({"--status"});
  ASSERT_EQ(all.error, "");
  EXPECT_EQ(all.options.query, Options::Query::status);
  EXPECT_EQ(all.options.query_service, "");
  EXPECT_FALSE(all.options.control);
  auto one = parse_options({"--status", "echo/tcp", "--control", "/run/x/c"});
  ASSERT_EQ(one.error, "");
  EXPECT_EQ(one.options.query_service, "echo/tcp");
  EXPECT_EQ(one.options.control, "/run/x/c");
  EXPECT_EQ(one.options.config, kDefaultConfig);
  EXPECT_EQ(parse_options({"--status=echo"}).options.query_service, "echo");
  auto metrics = parse_options({"--metrics"});
  EXPECT_EQ(metrics.options.query, Options::Query::metrics);
  EXPECT_EQ(parse_options({"--metrics", "x"}).error, "unexpected argument \"x\"");
  EXPECT_EQ(parse_options({"--status", "-t"}).error,
            "options --status and --metrics go with no configuration option");
}

TEST(ControlOption, APathOrNone) {
  auto given = parse_options({"--control=/run/n/c", "x.conf"});
  ASSERT_EQ(given.error, "");
  EXPECT_EQ(given.options.control, "/run/n/c");
  EXPECT_EQ(given.options.config, "x.conf");
  EXPECT_TRUE(parse_options({"--no-control"}).options.no_control);
  EXPECT_EQ(parse_options({"--control", ""}).error, "option --control needs a socket path");
  EXPECT_EQ(parse_options({"--control", "/a", "--no-control"}).error,
            "options --control and --no-control cannot be given together");
  EXPECT_EQ(parse_options({"--control"}).error, "option --control needs a value");
}

}  // namespace ninetd::daemon

TEST(MaxSessionsOption, DefaultsToZeroMeaningFromTheDescriptorLimit) {
  using ninetd::daemon::parse_options;
  EXPECT_EQ(parse_options({}).options.max_sessions, 0u);
  EXPECT_EQ(parse_options({"--max-sessions", "20000"}).options.max_sessions, 20000u);
  EXPECT_EQ(parse_options({"--max-sessions=3"}).options.max_sessions, 3u);
  EXPECT_EQ(parse_options({"--max-sessions", "0"}).error,
            "option --max-sessions needs a number from 1 to 1000000, got \"0\"");
  EXPECT_EQ(parse_options({"--max-sessions"}).error, "option --max-sessions needs a value");
}

TEST(LibwrapOptions, LowercaseWForServersCapitalWForBuiltins) {
  using ninetd::daemon::parse_options;
  auto servers = parse_options({"-w"}).options;
  EXPECT_TRUE(servers.wrap_servers);
  EXPECT_FALSE(servers.wrap_builtins);
  auto both = parse_options({"-dwW"}).options;
  EXPECT_TRUE(both.wrap_servers && both.wrap_builtins && both.foreground);
  EXPECT_FALSE(parse_options({}).options.wrap_servers);
}

TEST(LimitOptions, FreeBsdLettersWithAttachedOrSeparateNumbers) {
  using ninetd::daemon::parse_options;
  auto o = parse_options({"-c", "10", "-C5", "-R", "256", "-s", "2"}).options;
  EXPECT_EQ(o.max_child, 10u);
  EXPECT_EQ(o.max_conn_per_ip_per_minute, 5u);
  EXPECT_EQ(o.max_per_minute, 256u);
  EXPECT_EQ(o.max_child_per_ip, 2u);
  EXPECT_EQ(parse_options({"-c", "0"}).options.max_child, 0u);
  EXPECT_EQ(parse_options({"-R", "many"}).error,
            "option -R needs a number from 0 (no limit) to 1000000000, got \"many\"");
  EXPECT_EQ(parse_options({"-s"}).error, "option -s needs a number");
}

TEST(SourcePrefixOptions, DefaultsAndBounds) {
  using ninetd::daemon::parse_options;
  EXPECT_EQ(parse_options({}).options.source_prefix_v4, 32u);
  EXPECT_EQ(parse_options({}).options.source_prefix_v6, 64u);
  auto o = parse_options({"--source-prefix-ipv4", "24", "--source-prefix-ipv6=48"}).options;
  EXPECT_EQ(o.source_prefix_v4, 24u);
  EXPECT_EQ(o.source_prefix_v6, 48u);
  EXPECT_EQ(parse_options({"--source-prefix-ipv6", "129"}).error,
            "option --source-prefix-ipv6 needs a prefix length from 1 to 128, got \"129\"");
}

TEST(AccessOptions, CommaSeparatedPrefixesRepeatable) {
  using ninetd::daemon::parse_options;
  auto r =
      parse_options({"--allow", "127.0.0.1,10.0.0.0/8", "--deny=10.9.0.0/16", "--allow", "::1"});
  ASSERT_EQ(r.error, "");
  EXPECT_TRUE(r.options.allow_given);
  EXPECT_TRUE(r.options.deny_given);
  ASSERT_EQ(r.options.access_rules.size(), 4u);
  EXPECT_FALSE(r.options.access_rules[2].allow);
  EXPECT_EQ(ninetd::limits::to_string(r.options.access_rules[3].prefix), "::1/128");
  EXPECT_FALSE(parse_options({}).options.allow_given);
  EXPECT_EQ(parse_options({"--deny", "10.0.0.1/8"}).error,
            "option --deny: \"10.0.0.1/8\" has address bits set past /8: the network is "
            "10.0.0.0/8");
  EXPECT_EQ(parse_options({"--allow", "127.0.0.1,"}).error,
            "option --allow: \"\" is not an IPv4 or IPv6 address");
}

// The drop-in directory: /etc/inetd.d for /etc/inetd.conf only, unless given or turned off.
TEST(IncludeDirOption, DefaultsToEtcInetdDOnlyForTheDefaultFile) {
  using ninetd::daemon::parse_options;
  EXPECT_EQ(parse_options({}).options.include_dir, "/etc/inetd.d");
  EXPECT_EQ(parse_options({"/etc/inetd.conf"}).options.include_dir, "/etc/inetd.d");
  EXPECT_EQ(parse_options({"/tmp/test.conf"}).options.include_dir, "");
  EXPECT_EQ(parse_options({"-t", "my.conf"}).options.include_dir, "");
}

TEST(IncludeDirOption, GivenOrTurnedOff) {
  using ninetd::daemon::parse_options;
  EXPECT_EQ(parse_options({"--include-dir", "/srv/d", "/tmp/a.conf"}).options.include_dir,
            "/srv/d");
  EXPECT_EQ(parse_options({"/tmp/a.conf", "--include-dir=/srv/d"}).options.include_dir, "/srv/d");
  EXPECT_EQ(parse_options({"--no-include-dir"}).options.include_dir, "");
  EXPECT_EQ(parse_options({"--no-include-dir", "--include-dir", "/d"}).error,
            "options --include-dir and --no-include-dir cannot be given together");
  EXPECT_EQ(parse_options({"--include-dir="}).error, "option --include-dir needs a directory");
  EXPECT_EQ(parse_options({"--include-dir"}).error, "option --include-dir needs a value");
}

// -x FILE: the configuration file, read as xinetd.conf.
TEST(XinetdOption, NamesTheFileAndItsLanguage) {
  using ninetd::daemon::parse_options;
  auto r = parse_options({"-t", "-x", "/etc/xinetd.conf"});
  EXPECT_EQ(r.error, "");
  EXPECT_TRUE(r.options.xinetd);
  EXPECT_TRUE(r.options.check_only);
  EXPECT_EQ(r.options.config, "/etc/xinetd.conf");
  EXPECT_EQ(r.options.include_dir, "");  // includedir is the file's own business
  r = parse_options({"--xinetd=/etc/xinetd.conf", "-d"});
  EXPECT_TRUE(r.options.xinetd);
  EXPECT_TRUE(r.options.foreground);
  EXPECT_EQ(r.options.config, "/etc/xinetd.conf");
  EXPECT_FALSE(parse_options({"/etc/inetd.conf"}).options.xinetd);
  EXPECT_EQ(parse_options({"-x"}).error, "option -x needs a file name");
  EXPECT_EQ(parse_options({"--xinetd"}).error, "option --xinetd needs a value");
  EXPECT_EQ(parse_options({"-x", "a.conf", "b.conf"}).error,
            "more than one configuration file given (\"a.conf\" and \"b.conf\")");
  EXPECT_EQ(parse_options({"a.conf", "-x", "b.conf"}).error,
            "more than one configuration file given (\"a.conf\" and \"b.conf\")");
}

// --convert FILE: print the xinetd.conf as ninetd configuration.
TEST(ConvertOption, NeedsAFileAndNotCheck) {
  using ninetd::daemon::parse_options;
  auto r = parse_options({"--convert", "-x", "/etc/xinetd.conf"});
  EXPECT_EQ(r.error, "");
  EXPECT_TRUE(r.options.convert);
  EXPECT_TRUE(r.options.xinetd);
  EXPECT_EQ(r.options.config, "/etc/xinetd.conf");
  r = parse_options({"--convert", "/etc/xinetd.d/echo"});
  EXPECT_EQ(r.error, "");
  EXPECT_FALSE(r.options.xinetd);
  EXPECT_EQ(parse_options({"--convert"}).error, "option --convert needs a configuration file");
  EXPECT_EQ(parse_options({"--convert", "-t", "x.conf"}).error,
            "options --convert and -t cannot be given together");
}
