// Helpers the xinetd_*_test.cpp files share.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "config/xinetd/parser.h"

namespace ninetd::config::xinetd::testing {

inline ParseResult parse(std::string_view text) {
  return parse_xinetd_config(text, "x.conf");
}

inline std::vector<std::string> messages(const ParseResult& result) {
  std::vector<std::string> out;
  for (const auto& d : result.diagnostics) out.push_back(d.format());
  return out;
}

// A service block around `body` (attribute lines).
inline std::string service(std::string_view name, std::string_view body) {
  return std::string("service ") + std::string(name) + "\n{\n" + std::string(body) + "}\n";
}

// The one spec a text gives, with no diagnostic at all.
inline ServiceSpec only_spec(std::string_view text) {
  ParseResult result = parse(text);
  EXPECT_EQ(messages(result), std::vector<std::string>{}) << text;
  EXPECT_EQ(result.services.size(), 1u) << text;
  return result.services.empty() ? ServiceSpec{} : result.services.front();
}

// The diagnostics of a text whose one service is not served.
inline std::vector<std::string> refused(std::string_view text) {
  ParseResult result = parse(text);
  EXPECT_TRUE(result.services.empty()) << text;
  EXPECT_EQ(result.failed.size(), 1u) << text;
  return messages(result);
}

inline constexpr const char* kServer =
    "  socket_type = stream\n  protocol = tcp\n  wait = no\n  user = nobody\n"
    "  server = /usr/sbin/in.fingerd\n";

}  // namespace ninetd::config::xinetd::testing
