// --load-timeout: how long a configuration loader may run (config_reader.h).
#include <gtest/gtest.h>

#include "daemon/options.h"

using ninetd::daemon::parse_options;

TEST(LoadTimeoutOption, DefaultsTo120AndTakesSecondsEitherWay) {
  EXPECT_EQ(parse_options({}).options.load_timeout, 120u);
  EXPECT_EQ(parse_options({"--load-timeout", "3"}).options.load_timeout, 3u);
  auto r = parse_options({"--load-timeout=7", "a.conf"});
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.options.load_timeout, 7u);
  EXPECT_EQ(r.options.config, "a.conf");
}

TEST(LoadTimeoutOption, MustBeSecondsInRange) {
  EXPECT_EQ(parse_options({"--load-timeout", "0"}).error,
            "option --load-timeout needs a number of seconds from 1 to 86400, got \"0\"");
  EXPECT_EQ(parse_options({"--load-timeout=2m"}).error,
            "option --load-timeout needs a number of seconds from 1 to 86400, got \"2m\"");
  EXPECT_EQ(parse_options({"--load-timeout"}).error, "option --load-timeout needs a value");
}
