// deny_time's words, as xinetd reads them: minutes, FOREVER, NEVER.
#include "config/deny_time.h"

#include <gtest/gtest.h>

namespace ninetd::config {
namespace {

TEST(DenyTime, MinutesForeverAndNever) {
  auto minutes = parse_deny_time("120");
  ASSERT_TRUE(minutes);
  EXPECT_EQ(minutes->kind, DenyTime::Kind::minutes);
  EXPECT_EQ(minutes->length, std::chrono::minutes(120));
  EXPECT_EQ(describe(*minutes), "120 minutes");
  EXPECT_EQ(parse_deny_time("FOREVER")->kind, DenyTime::Kind::forever);
  EXPECT_EQ(describe(*parse_deny_time("FOREVER")), "ever");
  EXPECT_EQ(parse_deny_time("NEVER")->kind, DenyTime::Kind::never);
  // xinetd's 0 only logs, as NEVER.
  EXPECT_EQ(parse_deny_time("0")->kind, DenyTime::Kind::never);
  EXPECT_EQ(parse_deny_time("525600")->length, std::chrono::minutes(525600));
}

TEST(DenyTime, AnythingElseIsNone) {
  for (const char* bad :
       {"", "-1", "+5", "5m", "forever", "525601", "99999999999999999999", " 5", "5 "})
    EXPECT_FALSE(parse_deny_time(bad)) << bad;
}

}  // namespace
}  // namespace ninetd::config
