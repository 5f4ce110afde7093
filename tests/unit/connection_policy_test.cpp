#include "services/connection_policy.h"

#include <gtest/gtest.h>

#include "daemon/policy_clock.h"
#include "limits/access_times.h"
#include "limits/load_limit.h"

namespace ninetd {
namespace {

using limits::MinuteRange;

std::vector<MinuteRange> ranges_of(std::initializer_list<const char*> values) {
  std::vector<MinuteRange> out;
  for (const char* value : values) {
    std::string problem;
    EXPECT_TRUE(limits::parse_access_time(value, out, problem)) << value << ": " << problem;
  }
  return out;
}

std::string problem_of(const char* value) {
  std::vector<MinuteRange> out;
  std::string problem;
  EXPECT_FALSE(limits::parse_access_time(value, out, problem)) << value;
  EXPECT_TRUE(out.empty()) << value;
  return problem;
}

TEST(AccessTimes, ReadsXinetdRangesWithBothEndsIncluded) {
  auto ranges = ranges_of({"8:00-17:00", "20:05-21:5"});
  EXPECT_EQ(ranges, (std::vector<MinuteRange>{{480, 1020}, {1205, 1265}}));
  EXPECT_FALSE(limits::within(ranges, 479));
  EXPECT_TRUE(limits::within(ranges, 480));
  EXPECT_TRUE(limits::within(ranges, 1020));  // 17:00 itself, as xinetd
  EXPECT_FALSE(limits::within(ranges, 1021));
  EXPECT_TRUE(limits::within(ranges, 1265));
  EXPECT_EQ(limits::describe(ranges), "08:00-17:00 20:05-21:05");
}

TEST(AccessTimes, TheWholeDayIsMidnightTo2359) {
  auto ranges = ranges_of({"0:00-23:59"});
  for (unsigned minute = 0; minute < limits::kMinutesPerDay; ++minute)
    EXPECT_TRUE(limits::within(ranges, minute)) << minute;
}

TEST(AccessTimes, ARangeAcrossMidnightIsTwoRanges) {
  auto ranges = ranges_of({"22:30-6:00"});
  EXPECT_EQ(ranges, (std::vector<MinuteRange>{{1350, 1439}, {0, 360}}));
  EXPECT_TRUE(limits::within(ranges, 1439));
  EXPECT_TRUE(limits::within(ranges, 0));
  EXPECT_TRUE(limits::within(ranges, 360));
  EXPECT_FALSE(limits::within(ranges, 361));
  EXPECT_FALSE(limits::within(ranges, 1349));
}

TEST(AccessTimes, RefusesWhatXinetdRefusesButMidnightCrossings) {
  EXPECT_NE(problem_of("24:00-1:00").find("hours 0 to 23"), std::string::npos);
  problem_of("8:00-24:00");
  problem_of("8:60-9:00");
  problem_of("8-9");
  problem_of("8:00");
  problem_of("8:00-");
  problem_of("8:00-9:00x");
  problem_of(" 8:00-9:00");
  problem_of("008:00-9:00");
  problem_of("-1:00-9:00");
  problem_of("");
  EXPECT_NE(problem_of("8:00-8:00").find("0:00-23:59"), std::string::npos);
  EXPECT_TRUE(limits::within(ranges_of({"8:00-8:01"}), 481));
  EXPECT_FALSE(limits::within({}, 0));
}

unsigned fake_minute_calls = 0;
unsigned fake_minute(std::int64_t seconds) {
  ++fake_minute_calls;
  return static_cast<unsigned>((seconds / 60 + 60) % limits::kMinutesPerDay);  // UTC+1
}

TEST(MinuteOfDay, ConvertsOncePerMinuteOfTheClock) {
  fake_minute_calls = 0;
  limits::MinuteOfDay minute(fake_minute);
  EXPECT_EQ(minute.at(0), 60U);
  EXPECT_EQ(minute.at(59), 60U);
  EXPECT_EQ(fake_minute_calls, 1U);
  EXPECT_EQ(minute.at(60), 61U);
  EXPECT_EQ(minute.at(119), 61U);
  EXPECT_EQ(fake_minute_calls, 2U);
  EXPECT_EQ(minute.at(23 * 3600), 0U);  // 23:00 UTC is midnight here
  EXPECT_EQ(minute.conversions(), 3U);
  (void)minute.at(-1);  // before 1970: its own minute
  EXPECT_EQ(minute.conversions(), 4U);
}

TEST(MaxLoad, ReadsAtMostTwoDecimals) {
  EXPECT_EQ(limits::parse_max_load("2"), 200U);
  EXPECT_EQ(limits::parse_max_load("2.5"), 250U);
  EXPECT_EQ(limits::parse_max_load("0.75"), 75U);
  EXPECT_EQ(limits::parse_max_load("0"), 0U);
  EXPECT_EQ(limits::parse_max_load("0.0"), 0U);
  EXPECT_EQ(limits::parse_max_load("10000"), limits::kMaxLoadHundredths);
  EXPECT_FALSE(limits::parse_max_load("10000.01"));
  EXPECT_FALSE(limits::parse_max_load("99999999999999999999"));
  EXPECT_FALSE(limits::parse_max_load("2.555"));
  EXPECT_FALSE(limits::parse_max_load("-1"));
  EXPECT_FALSE(limits::parse_max_load("1e2"));
  EXPECT_FALSE(limits::parse_max_load(".5"));
  EXPECT_FALSE(limits::parse_max_load(""));
  EXPECT_FALSE(limits::parse_max_load("nan"));
  EXPECT_EQ(limits::format_load(250), "2.50");
  EXPECT_EQ(limits::format_load(7), "0.07");
}

std::optional<double> fake_load_value;
std::optional<double> fake_load() {
  return fake_load_value;
}

TEST(LoadGauge, ReadsAtMostOnceASecond) {
  using std::chrono::milliseconds;
  limits::LoadGauge gauge(fake_load);
  limits::LoadGauge::TimePoint t0{std::chrono::hours(1)};
  fake_load_value = 0.07;  // 0.07 is not exact in binary: rounded, not truncated
  EXPECT_EQ(gauge.hundredths(t0), 7U);
  fake_load_value = 3.0;
  EXPECT_EQ(gauge.hundredths(t0 + milliseconds(999)), 7U);
  EXPECT_EQ(gauge.reads(), 1U);
  EXPECT_EQ(gauge.hundredths(t0 + milliseconds(1000)), 300U);
  fake_load_value.reset();
  EXPECT_EQ(gauge.hundredths(t0 + milliseconds(2500)), std::nullopt);
  fake_load_value = -1.0;
  EXPECT_EQ(gauge.hundredths(t0 + milliseconds(3500)), std::nullopt);
  EXPECT_EQ(gauge.reads(), 4U);
}

services::ConnectionPolicy policy_with(std::vector<MinuteRange> times,
                                       std::optional<std::uint32_t> max_load) {
  services::ConnectionPolicy policy;
  policy.access_times = std::move(times);
  policy.max_load = max_load;
  return policy;
}

TEST(ConnectionPolicy, JudgesTimeThenLoad) {
  using services::PolicyVerdict;
  auto policy = policy_with(ranges_of({"8:00-17:00"}), 200);
  EXPECT_EQ(services::judge(policy, 600, 199), PolicyVerdict::allowed);
  EXPECT_EQ(services::judge(policy, 600, 200), PolicyVerdict::over_max_load);  // at: refused
  EXPECT_EQ(services::judge(policy, 1021, 0), PolicyVerdict::outside_access_times);
  EXPECT_EQ(services::judge(policy, 600, std::nullopt), PolicyVerdict::allowed);  // unreadable
  auto zero = policy_with({}, 0);
  EXPECT_EQ(services::judge(zero, 0, 0), PolicyVerdict::over_max_load);
  EXPECT_EQ(services::judge(services::ConnectionPolicy{}, 0, 10000), PolicyVerdict::allowed);
}

TEST(PolicyClock, ReadsOnlyWhatThePolicyNeeds) {
  fake_minute_calls = 0;
  fake_load_value = 1.5;
  daemon::PolicyClock clock(fake_minute, fake_load);
  loop::Clock::time_point now{std::chrono::hours(5)};
  auto in = clock.inputs(policy_with({}, 100), 3600, now);
  EXPECT_EQ(in.load, 150U);
  EXPECT_EQ(fake_minute_calls, 0U);
  in = clock.inputs(policy_with(ranges_of({"1:00-2:00"}), std::nullopt), 3600, now);
  EXPECT_EQ(in.minute, 120U);
  EXPECT_FALSE(in.load);
  log::EventLine outside("t/tcp", "refused", true);
  daemon::add_refusal_fields(outside, services::PolicyVerdict::outside_access_times,
                             policy_with(ranges_of({"1:00-1:30"}), std::nullopt), in);
  EXPECT_EQ(outside.text(),
            "t/tcp: refused reason=access_times time=02:00 access_times=01:00-01:30");
  daemon::PolicyInputs loaded{0, 250};
  log::EventLine busy("t/tcp", "refused", true);
  daemon::add_refusal_fields(busy, services::PolicyVerdict::over_max_load, policy_with({}, 200),
                             loaded);
  EXPECT_EQ(busy.text(), "t/tcp: refused reason=max_load load=2.50 max_load=2.00");
}

}  // namespace
}  // namespace ninetd
