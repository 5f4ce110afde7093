// log_on_success, log_on_failure and log_type as both configuration forms
// read them (config/log_settings.h), and the same settings through the
// xinetd.conf defaults block and the key=value keys.
#include "config/log_settings.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <syslog.h>

#include <string>
#include <vector>

#include "parse_helpers.h"
#include "xinetd_test_util.h"

namespace ninetd::config {
namespace {

using Strings = std::vector<std::string>;
namespace success = log_success;
namespace failure = log_failure;

struct Reported {
  Strings problems;  // "column severity message"
  LogReport report() {
    return [this](const Word& word, Severity severity, std::string message) {
      problems.push_back(fmt::format("{} {} {}", word.column,
                                     severity == Severity::error ? "error" : "warning", message));
    };
  }
};

std::vector<Word> words(std::initializer_list<const char*> texts) {
  std::vector<Word> out;
  int column = 1;
  for (const char* text : texts) {
    out.push_back(Word{text, 1, column});
    column += static_cast<int>(std::string(text).size()) + 1;
  }
  return out;
}

TEST(LogSettings, SuccessFlags) {
  Reported r;
  auto flags = parse_log_flags(words({"PID", "HOST", "DURATION", "EXIT"}), true, "log_on_success",
                               r.report());
  ASSERT_TRUE(flags);
  EXPECT_EQ(*flags, success::kPid | success::kHost | success::kDuration | success::kExit);
  EXPECT_TRUE(r.problems.empty());
  EXPECT_EQ(parse_log_flags({}, true, "log_on_success", r.report()), std::uint8_t{0});
}

TEST(LogSettings, UseridAndTrafficAreWarningsAndTheRestApplies) {
  Reported r;
  auto flags =
      parse_log_flags(words({"USERID", "PID", "TRAFFIC"}), true, "log_on_success", r.report());
  ASSERT_TRUE(flags);
  EXPECT_EQ(*flags & success::kPid, success::kPid);
  EXPECT_EQ(r.problems,
            (Strings{"1 warning log_on_success: USERID (an RFC 1413 ident lookup) is not "
                     "supported by ninetd; the other flags apply",
                     "12 warning log_on_success: TRAFFIC counts the bytes of a redirected "
                     "service, which ninetd does not have; the other flags apply"}));
}

TEST(LogSettings, FailureFlagsAndAWrongFlag) {
  Reported r;
  EXPECT_EQ(parse_log_flags(words({"HOST", "ATTEMPT"}), false, "log_on_failure", r.report()),
            std::uint8_t{failure::kHost | failure::kAttempt});
  EXPECT_FALSE(parse_log_flags(words({"HOST", "PID"}), false, "log_on_failure", r.report()));
  EXPECT_EQ(r.problems, Strings{"6 error log_on_failure: unknown flag \"PID\" (expected HOST, "
                                "USERID, ATTEMPT)"});
}

TEST(LogSettings, SyslogFacilityAndLevel) {
  Reported r;
  Word at{"log_type", 1, 1};
  auto target = parse_log_type(words({"SYSLOG", "daemon", "info"}), at, r.report());
  ASSERT_TRUE(target);
  EXPECT_EQ(target->kind, LogTarget::Kind::syslog);
  EXPECT_EQ(target->priority, LOG_DAEMON | LOG_INFO);
  target = parse_log_type(words({"SYSLOG", "authpriv"}), at, r.report());  // info by default
  ASSERT_TRUE(target);
  EXPECT_EQ(target->priority, LOG_AUTHPRIV | LOG_INFO);
  EXPECT_EQ(parse_log_type(words({"SYSLOG", "local7", "warning"}), at, r.report())->priority,
            LOG_LOCAL7 | LOG_WARNING);
  EXPECT_TRUE(r.problems.empty());
  EXPECT_FALSE(parse_log_type(words({"SYSLOG", "kern"}), at, r.report()));
  EXPECT_FALSE(parse_log_type(words({"SYSLOG", "daemon", "loud"}), at, r.report()));
  EXPECT_FALSE(parse_log_type(words({"SYSLOG"}), at, r.report()));
  EXPECT_FALSE(parse_log_type(words({"JOURNAL", "x"}), at, r.report()));
  ASSERT_EQ(r.problems.size(), 4u);
  EXPECT_EQ(r.problems[1],
            "15 error log_type: unknown syslog level \"loud\" (expected emerg, alert, crit, err, "
            "warning, notice, info, debug)");
  EXPECT_EQ(r.problems[3], "1 error log_type: \"JOURNAL\" is neither SYSLOG nor FILE");
}

TEST(LogSettings, FileWithXinetdsLimits) {
  Reported r;
  Word at{"log_type", 1, 1};
  auto target = parse_log_type(words({"FILE", "/var/log/x"}), at, r.report());
  ASSERT_TRUE(target);
  EXPECT_EQ(target->kind, LogTarget::Kind::file);
  EXPECT_EQ(target->path, "/var/log/x");
  EXPECT_EQ(target->soft_limit, 0u);
  EXPECT_EQ(target->hard_limit, 0u);
  // A hard limit left out: the soft one plus 1%, at least 5 KiB, at most 20 KiB.
  target = parse_log_type(words({"FILE", "/var/log/x", "10k"}), at, r.report());
  EXPECT_EQ(target->soft_limit, 10240u);
  EXPECT_EQ(target->hard_limit, 10240u + 5120u);
  target = parse_log_type(words({"FILE", "/var/log/x", "1000M"}), at, r.report());
  EXPECT_EQ(target->hard_limit, 1000u * 1024 * 1024 + 20480u);
  target = parse_log_type(words({"FILE", "/var/log/x", "1000", "3000"}), at, r.report());
  EXPECT_EQ(target->soft_limit, 1000u);
  EXPECT_EQ(target->hard_limit, 3000u);
  EXPECT_TRUE(r.problems.empty());
  EXPECT_FALSE(parse_log_type(words({"FILE", "x.log"}), at, r.report()));
  EXPECT_FALSE(parse_log_type(words({"FILE", "/x", "2k", "1k"}), at, r.report()));
  EXPECT_FALSE(parse_log_type(words({"FILE", "/x", "lots"}), at, r.report()));
  // Past 64 bits: refused, not wrapped (15 digits of MiB are 2^70 bytes).
  EXPECT_FALSE(parse_log_type(words({"FILE", "/x", "999999999999999M"}), at, r.report()));
  EXPECT_EQ(r.problems.size(), 4u);
  r.problems.pop_back();
  EXPECT_EQ(r.problems,
            (Strings{"6 error log_type FILE needs an absolute path, got \"x.log\"",
                     "12 error log_type: hard limit \"1k\" must be a size no less than the soft "
                     "limit",
                     "9 error log_type: soft limit \"lots\" is not a size (a number, K or M "
                     "after it)"}));
}

TEST(LogSettings, XinetdDefaultsAndAServiceAddingToThem) {
  using xinetd::testing::kServer;
  using xinetd::testing::only_spec;
  using xinetd::testing::service;
  std::string defaults =
      "defaults\n{\n  log_type = SYSLOG daemon info\n  log_on_failure = HOST\n"
      "  log_on_success = PID HOST DURATION EXIT\n}\n";
  ServiceSpec spec = only_spec(defaults + service("finger", kServer));
  EXPECT_EQ(spec.log_on_success,
            success::kPid | success::kHost | success::kDuration | success::kExit);
  EXPECT_EQ(spec.log_on_failure, failure::kHost);
  ASSERT_TRUE(spec.log_type);
  EXPECT_EQ(spec.log_type->priority, LOG_DAEMON | LOG_INFO);
  spec = only_spec(defaults + service("finger", std::string(kServer) +
                                                    "  log_on_success -= HOST DURATION\n"
                                                    "  log_on_failure += ATTEMPT\n"
                                                    "  log_type = FILE /var/log/finger 1M\n"));
  EXPECT_EQ(spec.log_on_success, success::kPid | success::kExit);
  EXPECT_EQ(spec.log_on_failure, failure::kHost | failure::kAttempt);
  EXPECT_EQ(spec.log_type->path, "/var/log/finger");
  spec = only_spec(service("finger", kServer));
  EXPECT_EQ(spec.log_on_success, 0);
  EXPECT_FALSE(spec.log_type);
}

TEST(LogSettings, XinetdUseridIsAWarningNamingFileAndLine) {
  using xinetd::testing::kServer;
  using xinetd::testing::messages;
  using xinetd::testing::parse;
  using xinetd::testing::service;
  auto result = parse(service("finger", std::string(kServer) + "  log_on_success = PID USERID\n"));
  ASSERT_EQ(result.services.size(), 1u);
  EXPECT_EQ(result.services[0].log_on_success & success::kPid, success::kPid);
  EXPECT_EQ(messages(result),
            Strings{"x.conf:8:24: warning: log_on_success: USERID (an RFC 1413 ident lookup) is "
                    "not supported by ninetd; the other flags apply"});
}

TEST(LogSettings, KeyValueKeys) {
  ServiceSpec spec = parse_test::only_spec(
      "finger on protocol = tcp, wait = no, user = nobody, exec = /usr/sbin/in.fingerd,\n"
      "  log_on_success = PID HOST EXIT DURATION, log_on_failure = HOST,\n"
      "  log_type = FILE /var/log/finger.log 10k 20k;");
  EXPECT_EQ(spec.log_on_success,
            success::kPid | success::kHost | success::kExit | success::kDuration);
  EXPECT_EQ(spec.log_on_failure, failure::kHost);
  ASSERT_TRUE(spec.log_type);
  EXPECT_EQ(spec.log_type->path, "/var/log/finger.log");
  EXPECT_EQ(spec.log_type->hard_limit, 20480u);
  auto result = parse_test::parse(
      "finger on protocol = tcp, wait = no, user = nobody, exec = /usr/sbin/in.fingerd,\n"
      "  log_type = SYSLOG daemon shout;");
  EXPECT_TRUE(result.services.empty());
  EXPECT_EQ(parse_test::messages(result),
            Strings{"inetd.conf:2:28: error: log_type: unknown syslog level \"shout\" (expected "
                    "emerg, alert, crit, err, warning, notice, info, debug)"});
}

}  // namespace
}  // namespace ninetd::config
