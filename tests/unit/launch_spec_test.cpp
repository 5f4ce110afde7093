// The value checks of the launch settings (env, passenv, nice, umask,
// rlimit_*) both configuration forms share, and how each form reads them.
#include "config/launch_spec.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <string>
#include <vector>

#include "parse_helpers.h"
#include "xinetd_test_util.h"

namespace ninetd::config {
namespace {

using Strings = std::vector<std::string>;

TEST(LaunchValues, VariableNames) {
  EXPECT_EQ(variable_name_problem("LANG"), "");
  EXPECT_EQ(variable_name_problem("PATH"), "");  // replaces the default PATH
  EXPECT_EQ(variable_name_problem(""), "the variable's name is empty");
  EXPECT_EQ(variable_name_problem("A=B"), "a variable's name may not hold '='");
  EXPECT_EQ(variable_name_problem(std::string("A\0B", 3)), "a variable's name may not hold a NUL");
  EXPECT_EQ(variable_name_problem("PROTO"), "PROTO is set by ninetd for every connection");
  EXPECT_EQ(variable_name_problem("TCPREMOTEIP"),
            "TCPREMOTEIP is set by ninetd for every connection");
  EXPECT_EQ(variable_name_problem("UDP6LOCALPORT"),
            "UDP6LOCALPORT is set by ninetd for every connection");
  EXPECT_EQ(variable_name_problem("LISTEN_PID"),
            "LISTEN_PID is set by ninetd for every connection");
  EXPECT_EQ(variable_name_problem("TCPREMOTEHOST"), "");  // ninetd does not set it
}

TEST(LaunchValues, EnvEntries) {
  EXPECT_EQ(env_entry_problem("LANG=C.UTF-8"), "");
  EXPECT_EQ(env_entry_problem("EMPTY="), "");
  EXPECT_EQ(env_entry_problem("A==B"), "");  // the value is "=B"
  EXPECT_EQ(env_entry_problem("LANG"), "expected NAME=VALUE (no '=')");
  EXPECT_EQ(env_entry_problem("=x"), "the variable's name is empty");
  EXPECT_EQ(env_entry_problem(std::string("A=x\0y", 5)), "a value may not hold a NUL");
  EXPECT_EQ(env_entry_problem("A=" + std::string(kMaxVariableBytes - 2, 'x')), "");
  EXPECT_EQ(env_entry_problem("A=" + std::string(kMaxVariableBytes - 1, 'x')),
            "NAME=VALUE is 4097 bytes, more than the limit of 4096");
}

TEST(LaunchValues, Nice) {
  EXPECT_EQ(parse_nice("0"), 0);
  EXPECT_EQ(parse_nice("-20"), -20);
  EXPECT_EQ(parse_nice("19"), 19);
  EXPECT_EQ(parse_nice("+5"), 5);
  EXPECT_FALSE(parse_nice("20"));
  EXPECT_FALSE(parse_nice("-21"));
  EXPECT_FALSE(parse_nice("99999999999999999999"));
  EXPECT_FALSE(parse_nice("5x"));
  EXPECT_FALSE(parse_nice(""));
  EXPECT_FALSE(parse_nice("+"));
}

TEST(LaunchValues, Umask) {
  EXPECT_EQ(parse_umask("022"), 022u);
  EXPECT_EQ(parse_umask("0"), 0u);
  EXPECT_EQ(parse_umask("777"), 0777u);
  EXPECT_EQ(parse_umask("0077"), 077u);
  EXPECT_FALSE(parse_umask("1000"));
  EXPECT_FALSE(parse_umask("08"));
  EXPECT_FALSE(parse_umask("-1"));
  EXPECT_FALSE(parse_umask(""));
  EXPECT_FALSE(parse_umask("000000000022"));
}

TEST(LaunchValues, Rlimits) {
  std::string problem;
  EXPECT_EQ(parse_rlimit(Rlimit::as, "1048576", problem), 1048576u);
  EXPECT_EQ(parse_rlimit(Rlimit::as, "64M", problem), 64u << 20);
  EXPECT_EQ(parse_rlimit(Rlimit::stack, "512k", problem), 512u << 10);
  EXPECT_EQ(parse_rlimit(Rlimit::files, "1K", problem), 1024u);
  EXPECT_EQ(parse_rlimit(Rlimit::cpu, "30", problem), 30u);
  EXPECT_EQ(parse_rlimit(Rlimit::rss, "UNLIMITED", problem), kUnlimited);
  EXPECT_EQ(parse_rlimit(Rlimit::data, "unlimited", problem), kUnlimited);
  EXPECT_EQ(problem, "");
  EXPECT_EQ(parse_rlimit(Rlimit::as, "18446744073709551614", problem), kUnlimited - 1);

  EXPECT_FALSE(parse_rlimit(Rlimit::cpu, "30M", problem));
  EXPECT_EQ(problem, "rlimit_cpu takes seconds or UNLIMITED, got \"30M\"");
  EXPECT_FALSE(parse_rlimit(Rlimit::as, "-1", problem));
  EXPECT_EQ(problem, "rlimit_as takes a number (with K or M) or UNLIMITED, got \"-1\"");
  EXPECT_FALSE(parse_rlimit(Rlimit::as, "M", problem));
  EXPECT_FALSE(parse_rlimit(Rlimit::as, "1G", problem));
  EXPECT_FALSE(parse_rlimit(Rlimit::as, "18446744073709551615", problem));
  EXPECT_EQ(problem, "rlimit_as = \"18446744073709551615\" is too large (UNLIMITED has no limit)");
  EXPECT_FALSE(parse_rlimit(Rlimit::data, "99999999999999999999999", problem));
  EXPECT_EQ(problem,
            "rlimit_data = \"99999999999999999999999\" is too large (UNLIMITED has no limit)");
  EXPECT_FALSE(parse_rlimit(Rlimit::stack, "17592186044416M", problem));  // 2^64 bytes
  EXPECT_EQ(problem, "rlimit_stack = \"17592186044416M\" is too large (UNLIMITED has no limit)");
}

TEST(LaunchValues, EveryKindNamesItsResource) {
  EXPECT_EQ(rlimit_kind(Rlimit::as).resource, RLIMIT_AS);
  EXPECT_EQ(rlimit_kind(Rlimit::cpu).resource, RLIMIT_CPU);
  EXPECT_EQ(rlimit_kind(Rlimit::data).resource, RLIMIT_DATA);
  EXPECT_EQ(rlimit_kind(Rlimit::rss).resource, RLIMIT_RSS);
  EXPECT_EQ(rlimit_kind(Rlimit::stack).resource, RLIMIT_STACK);
  EXPECT_EQ(rlimit_kind(Rlimit::files).resource, RLIMIT_NOFILE);
  for (const RlimitKind& kind : rlimit_kinds()) EXPECT_TRUE(is_launch_key(kind.key));
  EXPECT_FALSE(is_launch_key("rlimit_core"));
}

// ------------------------------------------------------------ key=value form

using parse_test::only_error;
using parse_test::only_spec;

TEST(LaunchKeys, EveryKeyIsRead) {
  ServiceSpec spec = only_spec(
      "8000 on protocol = tcp, wait = no, user = nobody, exec = /bin/sh,\n"
      "  env = LANG=C.UTF-8 \"GREETING=hello world\", passenv = TZ HOME TZ,\n"
      "  nice = 10, umask = 027, rlimit_as = 64M, rlimit_cpu = 30, rlimit_data = 1k,\n"
      "  rlimit_rss = UNLIMITED, rlimit_stack = 8388608, rlimit_files = 64;");
  const LaunchSpec& launch = spec.launch;
  EXPECT_EQ(launch.env, (Strings{"LANG=C.UTF-8", "GREETING=hello world"}));
  EXPECT_EQ(launch.passenv, (Strings{"TZ", "HOME"}));
  EXPECT_EQ(launch.nice, 10);
  EXPECT_EQ(launch.umask, 027u);
  EXPECT_EQ(launch.rlimits, (std::vector<RlimitSetting>{{Rlimit::as, 64u << 20},
                                                        {Rlimit::cpu, 30},
                                                        {Rlimit::data, 1024},
                                                        {Rlimit::rss, kUnlimited},
                                                        {Rlimit::stack, 8388608},
                                                        {Rlimit::files, 64}}));
  EXPECT_TRUE(only_spec("echo on protocol = tcp, user = root;").launch.empty());
}

TEST(LaunchKeys, HostileValuesAreErrorsAtTheirValue) {
  const char* head = "8000 on protocol = tcp, wait = no, user = nobody, exec = /bin/sh, ";
  auto error_of = [&](std::string keys) { return only_error(head + keys + ";"); };
  EXPECT_EQ(error_of("env = LANG"),
            "inetd.conf:1:73: error: env: \"LANG\": expected NAME=VALUE (no '=')");
  EXPECT_EQ(error_of("env = \"=x\""),
            "inetd.conf:1:73: error: env: \"=x\": the variable's name is empty");
  EXPECT_EQ(error_of("env = PROTO=x"),
            "inetd.conf:1:73: error: env: \"PROTO=x\": PROTO is set by ninetd for every "
            "connection");
  EXPECT_EQ(error_of("passenv = A=B"),
            "inetd.conf:1:77: error: passenv: \"A=B\": a variable's name may not hold '='");
  EXPECT_EQ(error_of("nice = -21"),
            "inetd.conf:1:74: error: nice takes a number from -20 to 19, got \"-21\"");
  EXPECT_EQ(error_of("umask = 1000"),
            "inetd.conf:1:75: error: umask takes an octal mask from 0 to 0777, got \"1000\"");
  EXPECT_EQ(error_of("rlimit_as = 99999999999999999999M"),
            "inetd.conf:1:79: error: rlimit_as = \"99999999999999999999M\" is too large "
            "(UNLIMITED has no limit)");
  EXPECT_EQ(error_of("nice = 1 2"),
            "inetd.conf:1:67: error: nice takes 1 value (the server's nice value, -20 to 19), "
            "got 2");
}

TEST(LaunchKeys, TooManyVariablesIsAnError) {
  std::string names;
  for (std::size_t i = 0; i <= kMaxVariables; ++i) names += " V" + std::to_string(i);
  EXPECT_EQ(only_error("8000 on protocol = tcp, wait = no, user = nobody, exec = /bin/sh, "
                       "passenv =" +
                       names + ";"),
            "inetd.conf:1:67: error: env and passenv name 65 variables, more than the limit of "
            "64");
}

// ------------------------------------------------------------- xinetd.conf

namespace xt = xinetd::testing;

std::string finger(std::string_view extra) {
  return xt::service("finger", std::string(xt::kServer) + std::string(extra));
}

TEST(LaunchAttributes, EveryAttributeIsMapped) {
  ServiceSpec spec = xt::only_spec(finger(
      "  env = LANG=C A=1\n  env += B=2\n  passenv = TZ HOME\n  passenv -= HOME\n"
      "  nice = -5\n  umask = 077\n  rlimit_as = 32M\n  rlimit_cpu = UNLIMITED\n"
      "  rlimit_data = 100K\n  rlimit_rss = 1M\n  rlimit_stack = 1m\n  rlimit_files = 128\n"));
  const LaunchSpec& launch = spec.launch;
  EXPECT_EQ(launch.env, (Strings{"LANG=C", "A=1", "B=2"}));
  EXPECT_EQ(launch.passenv, Strings{"TZ"});
  EXPECT_EQ(launch.nice, -5);
  EXPECT_EQ(launch.umask, 077u);
  EXPECT_EQ(launch.rlimits.size(), 6u);
  EXPECT_EQ(launch.rlimits[0], (RlimitSetting{Rlimit::as, 32u << 20}));
  EXPECT_EQ(launch.rlimits[1], (RlimitSetting{Rlimit::cpu, kUnlimited}));
  EXPECT_EQ(launch.rlimits[5], (RlimitSetting{Rlimit::files, 128}));
}

TEST(LaunchAttributes, DefaultsGiveUmaskAndPassenv) {
  std::string defaults = "defaults\n{\n  umask = 002\n  passenv = TZ\n}\n";
  ServiceSpec spec = xt::only_spec(defaults + finger(""));
  EXPECT_EQ(spec.launch.umask, 002u);
  EXPECT_EQ(spec.launch.passenv, Strings{"TZ"});
  spec = xt::only_spec(defaults + finger("  umask = 027\n  passenv += LANG\n"));
  EXPECT_EQ(spec.launch.umask, 027u);
  EXPECT_EQ(spec.launch.passenv, (Strings{"TZ", "LANG"}));
}

TEST(LaunchAttributes, BadValuesAreErrorsAndTheServiceIsSkipped) {
  EXPECT_EQ(xt::refused(finger("  env = NOEQUALS\n")),
            Strings{"x.conf:8:9: error: env: \"NOEQUALS\": expected NAME=VALUE (no '=')"});
  EXPECT_EQ(xt::refused(finger("  env -= A=1\n")),
            Strings{"x.conf:8:3: error: env takes only = and += (\"-=\" is for sets of values)"});
  EXPECT_EQ(xt::refused(finger("  nice = 20\n")),
            Strings{"x.conf:8:10: error: nice takes a number from -20 to 19, got \"20\""});
  EXPECT_EQ(xt::refused(finger("  umask = 0778\n")),
            Strings{"x.conf:8:11: error: umask takes an octal mask from 0 to 0777, got \"0778\""});
  EXPECT_EQ(xt::refused(finger("  rlimit_cpu = 10K\n")),
            Strings{"x.conf:8:16: error: rlimit_cpu takes seconds or UNLIMITED, got \"10K\""});
  EXPECT_EQ(xt::refused(finger("  rlimit_files = 18446744073709551616\n")),
            Strings{"x.conf:8:18: error: rlimit_files = \"18446744073709551616\" is too large "
                    "(UNLIMITED has no limit)"});
}

TEST(LaunchAttributes, ZeroLimitIsIgnoredAsXinetdDoes) {
  auto r = xt::parse(finger("  rlimit_as = 0\n"));
  EXPECT_EQ(xt::messages(r),
            Strings{"x.conf:8:15: warning: rlimit_as = 0 is ignored (as xinetd does): it sets no "
                    "limit"});
  ASSERT_EQ(r.services.size(), 1u);
  EXPECT_TRUE(r.services[0].launch.rlimits.empty());
}

}  // namespace
}  // namespace ninetd::config
