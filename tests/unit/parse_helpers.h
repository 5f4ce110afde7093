// Helpers the tests of the inetd.conf language share (the classic form, the
// key=value form, the resolver's stock files): parse a text as "inetd.conf",
// the one service or the one error it gives, and the project's test data.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "config/parser.h"

namespace ninetd::config::parse_test {

inline ParseResult parse(std::string_view text) {
  return parse_config(text, "inetd.conf");
}

inline std::vector<std::string> messages(const ParseResult& result) {
  std::vector<std::string> out;
  for (const auto& d : result.diagnostics) out.push_back(d.format());
  return out;
}

// The one diagnostic a bad entry gives; the entry must have been skipped.
inline std::string only_error(std::string_view text) {
  ParseResult result = parse(text);
  EXPECT_TRUE(result.services.empty()) << text;
  EXPECT_EQ(result.diagnostics.size(), 1u) << text;
  EXPECT_EQ(result.failed.size(), 1u) << text;
  return result.diagnostics.empty() ? std::string() : result.diagnostics.front().format();
}

// The one service a good entry gives, with no diagnostic at all.
inline ServiceSpec only_spec(std::string_view text) {
  ParseResult result = parse(text);
  EXPECT_EQ(messages(result), std::vector<std::string>{}) << text;
  EXPECT_EQ(result.services.size(), 1u) << text;
  return result.services.empty() ? ServiceSpec{} : result.services.front();
}

inline std::filesystem::path source_root() {
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A file of tests/data.
inline std::string read_data(const std::string& name) {
  return read_file(source_root() / "tests" / "data" / name);
}

}  // namespace ninetd::config::parse_test
