// The files Debian's xinetd package installs (tests/data/xinetd, laid out
// anew with the same settings): they read without a diagnostic, serve
// nothing as installed (each is disabled), and map onto ninetd's builtins
// once enabled. Also the includedir name rules.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "config/xinetd/includedir.h"
#include "config/xinetd/parser.h"
#include "parse_helpers.h"
#include "xinetd_test_util.h"

namespace ninetd::config::xinetd {
namespace {

using testing::messages;
using Strings = std::vector<std::string>;

std::string read_data(const std::string& name) {
  return parse_test::read_file(parse_test::source_root() / "tests" / "data" / "xinetd" / name);
}

struct Stock {
  const char* name;
  Builtin builtin;
};

constexpr Stock kStock[] = {{"chargen", Builtin::chargen},
                            {"daytime", Builtin::daytime},
                            {"discard", Builtin::discard},
                            {"echo", Builtin::echo},
                            {"time", Builtin::time}};

TEST(XinetdStock, MainFile) {
  std::string text = read_data("xinetd.conf");
  EXPECT_TRUE(looks_like_xinetd(text));
  ParseResult r = parse_xinetd_config(text, "/etc/xinetd.conf");
  EXPECT_EQ(messages(r), Strings{});
  EXPECT_TRUE(r.services.empty());
  ASSERT_EQ(r.includes.size(), 1u);
  EXPECT_EQ(r.includes[0].path, "/etc/xinetd.d");
  EXPECT_TRUE(r.includes[0].xinetd_dir);
  EXPECT_EQ(r.includes[0].line, 10);
  EXPECT_EQ(r.includes[0].column, 12);
}

TEST(XinetdStock, DisabledAsInstalled) {
  for (const Stock& stock : kStock) {
    std::string file = std::string("/etc/xinetd.d/") + stock.name;
    std::string text = read_data(std::string("xinetd.d/") + stock.name);
    EXPECT_TRUE(looks_like_xinetd(text)) << stock.name;
    ParseResult r = parse_xinetd_config(text, file);
    EXPECT_EQ(messages(r), Strings{}) << stock.name;
    EXPECT_TRUE(r.services.empty()) << stock.name;
    EXPECT_TRUE(r.failed.empty()) << stock.name;
  }
}

TEST(XinetdStock, EnabledTheyAreTheBuiltins) {
  for (const Stock& stock : kStock) {
    std::string file = std::string("/etc/xinetd.d/") + stock.name;
    std::string text = read_data(std::string("xinetd.d/") + stock.name);
    text = std::regex_replace(text, std::regex("disable(\\s*)= yes"), "disable$1= no");
    ParseResult r = parse_xinetd_config(text, file);
    EXPECT_EQ(messages(r), Strings{}) << stock.name;
    ASSERT_EQ(r.services.size(), 2u) << stock.name;
    const ServiceSpec& stream = r.services[0];
    const ServiceSpec& dgram = r.services[1];
    EXPECT_EQ(stream.display_name(), std::string(stock.name) + "/tcp");
    EXPECT_EQ(stream.builtin, stock.builtin);
    EXPECT_EQ(stream.socket_type, SocketType::stream);
    EXPECT_EQ(stream.wait_mode, WaitMode::nowait);
    EXPECT_EQ(stream.family, FamilyRule::both);
    EXPECT_EQ(stream.file, file);
    EXPECT_EQ(dgram.display_name(), std::string(stock.name) + "/udp");
    EXPECT_EQ(dgram.builtin, stock.builtin);
    EXPECT_EQ(dgram.socket_type, SocketType::dgram);
    EXPECT_EQ(dgram.wait_mode, WaitMode::wait);
    EXPECT_EQ(dgram.user, "root");
  }
}

TEST(XinetdIncludeDir, NamesReadAsXinetdReadsThem) {
  EXPECT_TRUE(read_in_dir("echo"));
  EXPECT_TRUE(read_in_dir("tftp-hpa"));
  EXPECT_FALSE(read_in_dir("."));
  EXPECT_FALSE(read_in_dir(".."));
  EXPECT_FALSE(read_in_dir(".hidden"));
  EXPECT_FALSE(read_in_dir("echo.dpkg-old"));
  EXPECT_FALSE(read_in_dir("echo.conf"));
  EXPECT_FALSE(read_in_dir("echo~"));
  EXPECT_FALSE(read_in_dir(""));
  EXPECT_EQ(names_read_in_dir({"time", "echo~", "daytime", ".", "..", "Zed", "chargen.rpmsave",
                               "echo", "discard"}),
            (Strings{"Zed", "daytime", "discard", "echo", "time"}));
}

}  // namespace
}  // namespace ninetd::config::xinetd
