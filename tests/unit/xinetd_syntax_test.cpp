// xinetd.conf's grammar as ninetd reads it: blocks, operators, comments,
// directives, and every mistake located at FILE:LINE:COLUMN.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/xinetd/syntax.h"
#include "xinetd_test_util.h"

namespace ninetd::config::xinetd {
namespace {

using testing::messages;
using testing::parse;
using Strings = std::vector<std::string>;

Document syntax(std::string_view text, Strings expected = {}) {
  std::vector<Diagnostic> diagnostics;
  Document document = parse_syntax(text, "x.conf", diagnostics);
  Strings got;
  for (const auto& d : diagnostics) got.push_back(d.format());
  EXPECT_EQ(got, expected) << text;
  return document;
}

TEST(XinetdSyntax, BlocksAttributesAndOperators) {
  Document d = syntax(
      "# comment\n"
      "defaults\n"
      "{\n"
      "\tonly_from = 10.0.0.0\n"
      "}\n"
      "\n"
      "   # an indented comment\n"
      "service echo {\n"
      "  log_on_success += PID HOST\n"
      "  log_on_failure-=HOST\n"
      "  server_args = -a # not a comment\n"
      "  server_args =\n"
      "}\n");
  ASSERT_EQ(d.blocks.size(), 2u);
  EXPECT_EQ(d.blocks[0].kind, BlockKind::defaults);
  EXPECT_EQ(d.blocks[0].attributes.size(), 1u);
  const Block& echo = d.blocks[1];
  EXPECT_EQ(echo.kind, BlockKind::service);
  EXPECT_EQ(echo.name.text, "echo");
  EXPECT_FALSE(echo.broken);
  ASSERT_EQ(echo.attributes.size(), 4u);
  EXPECT_EQ(echo.attributes[0].op, Operator::add);
  EXPECT_EQ(echo.attributes[0].values.size(), 2u);
  EXPECT_EQ(echo.attributes[0].values[1].text, "HOST");
  EXPECT_EQ(echo.attributes[0].values[1].column, 25);
  EXPECT_EQ(echo.attributes[1].op, Operator::remove);
  EXPECT_EQ(echo.attributes[1].name.text, "log_on_failure");
  EXPECT_EQ(echo.attributes[1].values[0].text, "HOST");
  EXPECT_EQ(echo.attributes[2].values.size(), 5u);  // '#' inside a line is a value
  EXPECT_TRUE(echo.attributes[3].values.empty());
}

TEST(XinetdSyntax, Directives) {
  Document d = syntax(
      "include /etc/xinetd.extra\n"
      "service a {\n}\n"
      "includedir /etc/xinetd.d\n");
  ASSERT_EQ(d.directives.size(), 2u);
  EXPECT_FALSE(d.directives[0].directory);
  EXPECT_EQ(d.directives[0].blocks_before, 0u);
  EXPECT_TRUE(d.directives[1].directory);
  EXPECT_EQ(d.directives[1].path.text, "/etc/xinetd.d");
  EXPECT_EQ(d.directives[1].path.line, 4);
  EXPECT_EQ(d.directives[1].path.column, 12);
  EXPECT_EQ(d.directives[1].blocks_before, 1u);
  syntax("include\nincludedir a b\n",
         {"x.conf:1:8: error: missing path after \"include\"",
          "x.conf:2:14: error: includedir takes one path, got \"b\" after it"});
}

TEST(XinetdSyntax, UnterminatedBlockAtEndOfFile) {
  Document d = syntax("service echo\n{\n  wait = no\n",
                      {"x.conf:1:1: error: service echo is not closed: '}' missing at the end of "
                       "the file"});
  ASSERT_EQ(d.blocks.size(), 1u);
  EXPECT_TRUE(d.blocks[0].broken);
}

TEST(XinetdSyntax, UnterminatedBlockBeforeTheNext) {
  Document d = syntax("service a\n{\n  wait = no\nservice b\n{\n}\n",
                      {"x.conf:1:1: error: service a is not closed: '}' missing before line 4"});
  ASSERT_EQ(d.blocks.size(), 2u);
  EXPECT_TRUE(d.blocks[0].broken);
  EXPECT_FALSE(d.blocks[1].broken);
  EXPECT_EQ(d.blocks[1].name.text, "b");
}

TEST(XinetdSyntax, AttributeOutsideABlock) {
  syntax("  wait = no\n",
         {"x.conf:1:3: error: attribute outside a block (expected inside defaults { } or "
          "service NAME { })"});
  syntax("servce echo\n", {"x.conf:1:1: error: unexpected \"servce\" (expected defaults, service "
                           "NAME, include FILE or includedir DIR)"});
  syntax("}\n", {"x.conf:1:1: error: '}' with no block open"});
}

TEST(XinetdSyntax, BraceMistakes) {
  syntax("service a\n  wait = no\n}\n",
         {"x.conf:2:3: error: expected '{' to open service a (line 1)",
          "x.conf:2:3: error: attribute outside a block (expected inside defaults { } or "
          "service NAME { })",
          "x.conf:3:1: error: '}' with no block open"});
  syntax("service\n{\n}\n", {"x.conf:1:8: error: missing service name after \"service\""});
  syntax("service a b\n{\n}\n", {"x.conf:1:11: error: unexpected \"b\" (expected '{')"});
  syntax("{\n  wait = no\n}\n",
         {"x.conf:1:1: error: '{' with no \"defaults\" or \"service NAME\" line before it"});
  syntax("service a {\n} x\n", {"x.conf:2:3: error: nothing may follow '}' on its line"});
}

TEST(XinetdSyntax, BadAttributeLines) {
  Document d = syntax("service a {\n  wait yes\n  = no\n}\n",
                      {"x.conf:2:8: error: expected =, += or -= after \"wait\"",
                       "x.conf:3:3: error: expected an attribute name"});
  EXPECT_TRUE(d.blocks[0].broken);
}

TEST(XinetdSyntax, HostileLinesAreBounded) {
  std::string long_line = "service a {\n  server_args = " + std::string(5000, 'x') + "\n}\n";
  Document d = syntax(long_line, {"x.conf:2:1: error: line longer than 4096 bytes: line not read"});
  EXPECT_TRUE(d.blocks[0].broken);
  std::string nul = std::string("service a {\n  wait = n") + '\0' + "o\n}\n";
  d = syntax(nul, {"x.conf:2:11: error: NUL byte in line: line not read"});
  EXPECT_TRUE(d.blocks[0].broken);
  std::string many = "service a {\n";
  for (std::size_t i = 0; i <= kMaxAttributes; ++i) many += "  env += A=1\n";
  many += "}\n";
  d = syntax(many, {"x.conf:258:3: error: more than 256 attributes in one block"});
  EXPECT_TRUE(d.blocks[0].broken);
  std::string blocks;
  for (std::size_t i = 0; i <= kMaxBlocks; ++i) blocks += "service a {\n}\n";
  std::vector<Diagnostic> diagnostics;
  d = parse_syntax(blocks, "x.conf", diagnostics);
  EXPECT_EQ(d.blocks.size(), kMaxBlocks);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].line, 2 * static_cast<int>(kMaxBlocks) + 1);
}

TEST(XinetdSyntax, UnknownAttributeIsAnError) {
  ParseResult r = parse("service finger\n{\n  sever = /usr/sbin/in.fingerd\n}\n");
  EXPECT_EQ(messages(r), Strings{"x.conf:3:3: error: unknown attribute \"sever\""});
  EXPECT_TRUE(r.services.empty());
  ASSERT_EQ(r.failed.size(), 1u);
  EXPECT_EQ(r.failed[0].service, "finger");
  EXPECT_EQ(r.failed[0].line, 1);
}

TEST(XinetdSyntax, OperatorsCountsAndScopeAreChecked) {
  std::string base = testing::kServer;
  EXPECT_EQ(testing::refused(testing::service("f", base + "  user += root\n")),
            Strings{"x.conf:8:3: error: user takes only = (\"+=\" is for sets of values)"});
  EXPECT_EQ(testing::refused(testing::service("f", base + "  env -= A=1\n")),
            Strings{"x.conf:8:3: error: env takes only = and += (\"-=\" is for sets of values)"});
  EXPECT_EQ(testing::refused(testing::service("f", base + "  cps = 10\n")),
            Strings{"x.conf:8:3: error: cps takes 2 values (connections per second and seconds "
                    "to wait), got 1"});
  EXPECT_EQ(testing::refused(testing::service("f", base + "  wait = yes\n")),
            Strings{"x.conf:8:3: error: wait is given twice (first at line 5)"});
  EXPECT_EQ(testing::refused(testing::service("f", base + "  disabled = f\n")),
            Strings{"x.conf:8:3: error: disabled belongs in the defaults block, not in a "
                    "service"});
  EXPECT_EQ(messages(parse("defaults\n{\n  server = /bin/true\n}\n")),
            Strings{"x.conf:3:3: error: server belongs in a service block, not in defaults"});
}

TEST(XinetdSyntax, SecondDefaultsBlock) {
  EXPECT_EQ(messages(parse("defaults\n{\n}\ndefaults\n{\n}\n")),
            Strings{"x.conf:4:1: error: a second defaults block (the first is at line 1): it is "
                    "not read"});
}

TEST(XinetdSyntax, LooksLikeXinetd) {
  EXPECT_TRUE(looks_like_xinetd("defaults\n{\n}\n"));
  EXPECT_TRUE(looks_like_xinetd("# c\nservice echo\n\n# c\n{\n"));
  EXPECT_TRUE(looks_like_xinetd("service echo {\n"));
  EXPECT_TRUE(looks_like_xinetd("includedir /etc/xinetd.d\ndefaults {\n}\n"));
  EXPECT_FALSE(looks_like_xinetd("echo stream tcp nowait root internal\n"));
  EXPECT_FALSE(looks_like_xinetd("service stream tcp nowait root /bin/cat cat\n{\n"));
  EXPECT_FALSE(looks_like_xinetd("service echo\nwait = no\n{\n"));
  EXPECT_FALSE(looks_like_xinetd(""));
}

}  // namespace
}  // namespace ninetd::config::xinetd
