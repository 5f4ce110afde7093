// The log's options: --no-peer-addresses.
#include <gtest/gtest.h>

#include "daemon/options.h"

namespace ninetd {
namespace {

TEST(NoPeerAddressesOption, OffByDefaultOnWhenGiven) {
  EXPECT_FALSE(daemon::parse_options({}).options.no_peer_addresses);
  auto r = daemon::parse_options({"-d", "--no-peer-addresses", "x.conf"});
  EXPECT_EQ(r.error, "");
  EXPECT_TRUE(r.options.no_peer_addresses);
  EXPECT_EQ(r.options.config, "x.conf");
  EXPECT_NE(std::string(daemon::usage_text()).find("--no-peer-addresses"), std::string::npos);
}

}  // namespace
}  // namespace ninetd
