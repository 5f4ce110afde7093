// The lexer: how inetd.conf text becomes entries of located words, before any
// field has a meaning.
#include "config/lexer.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace ninetd::config {
namespace {

std::vector<Entry> lex(std::string_view text, std::vector<Diagnostic>* out = nullptr) {
  std::vector<Diagnostic> diagnostics;
  auto entries = split_entries(text, "f", diagnostics);
  if (out)
    *out = diagnostics;
  else
    EXPECT_TRUE(diagnostics.empty());
  return entries;
}

std::vector<std::string> texts(const Entry& entry) {
  std::vector<std::string> out;
  for (const auto& w : entry.words) out.push_back(w.text);
  return out;
}

TEST(Lexer, WordsCarryOneBasedLineAndByteColumn) {
  auto entries = lex("\n  \n echo\tstream  tcp\n");
  ASSERT_EQ(entries.size(), 1u);
  const auto& w = entries[0].words;
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(entries[0].line(), 3);
  EXPECT_EQ((std::vector<int>{w[0].line, w[0].column, w[1].column, w[2].column}),
            (std::vector<int>{3, 2, 7, 15}));
}

TEST(Lexer, ContinuationLinesJoinTheEntryAbove) {
  auto entries = lex("a b\n c\n\td\ne\n");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(texts(entries[0]), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(entries[0].words[2].line, 2);
  EXPECT_EQ(entries[0].line(), 1);
  EXPECT_EQ(entries[1].line(), 4);
}

TEST(Lexer, CommentAndBlankLinesCloseAnEntry) {
  auto entries = lex("a\n# x\n b\n\n c\n   \n d\n");
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(texts(entries[1]), std::vector<std::string>{"b"});
  EXPECT_EQ(texts(entries[3]), std::vector<std::string>{"d"});
}

TEST(Lexer, IndentedCommentIsStillAComment) {
  auto entries = lex("a\n   # not a word\n");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(texts(entries[0]), std::vector<std::string>{"a"});
}

TEST(Lexer, CarriageReturnAndFormFeedAreBlanks) {
  auto entries = lex("a\r\n\fb\r\n");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(texts(entries[0]), (std::vector<std::string>{"a", "b"}));
}

TEST(Lexer, RejectedLineBreaksItsEntryAndIsReported) {
  std::vector<Diagnostic> diagnostics;
  std::string text = "a b\n " + std::string(kMaxLineLength, 'x') + "\n c\nd\n";
  auto entries = lex(text, &diagnostics);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_TRUE(entries[0].broken);
  EXPECT_FALSE(entries[1].broken);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].format(),
            "f:2:4097: error: line is 4097 bytes long, longer than the limit of 4096 bytes; entry "
            "skipped");
}

TEST(Lexer, RejectedFirstLineStartsABrokenEntry) {
  std::vector<Diagnostic> diagnostics;
  auto entries = lex(std::string("a\0b\n c\nd\n", 9), &diagnostics);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_TRUE(entries[0].broken);
  EXPECT_EQ(entries[0].line(), 1);
  EXPECT_EQ(texts(entries[0]), std::vector<std::string>{"c"});
  EXPECT_EQ(diagnostics.at(0).format(),
            "f:1:2: error: NUL byte in line (is this a text file?); entry skipped");
}

TEST(Lexer, ByteOrderMarkIsNotPartOfTheFirstWord) {
  auto entries =
      lex("\xEF\xBB\xBF"
          "echo x\n");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].words[0].text, "echo");
  EXPECT_EQ(entries[0].words[0].column, 1);
}

TEST(Lexer, NoTrailingNewlineNeeded) {
  auto entries = lex("a b");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(texts(entries[0]), (std::vector<std::string>{"a", "b"}));
}

TEST(Diagnostic, FormatsLikeACompiler) {
  EXPECT_EQ((Diagnostic{"x.conf", 3, 7, Severity::error, "bad"}).format(),
            "x.conf:3:7: error: bad");
  EXPECT_EQ((Diagnostic{"x.conf", 3, 0, Severity::warning, "meh"}).format(),
            "x.conf:3: warning: meh");
  EXPECT_EQ((Diagnostic{"x.conf", 0, 0, Severity::error, "gone"}).format(), "x.conf: error: gone");
  EXPECT_FALSE(has_errors({Diagnostic{"x", 1, 1, Severity::warning, "w"}}));
  EXPECT_TRUE(has_errors({Diagnostic{"x", 1, 1, Severity::error, "e"}}));
}

}  // namespace
}  // namespace ninetd::config

namespace ninetd::config {
namespace {

// FreeBSD's and NetBSD's "#@" IPsec policy lines: recognized only at the start
// of a line, the policy trimmed; a bare "#@" clears the policy.
TEST(IpsecPolicyLine, RecognizedOnlyAtTheStartOfALine) {
  EXPECT_EQ(ipsec_policy_line("#@ ipsec ah/require"), "ipsec ah/require");
  EXPECT_EQ(ipsec_policy_line("#@\tin ipsec esp/require \t"), "in ipsec esp/require");
  EXPECT_EQ(ipsec_policy_line("#@"), "");
  EXPECT_EQ(ipsec_policy_line("#@   "), "");
  EXPECT_FALSE(ipsec_policy_line("# @ ipsec ah/require").has_value());
  EXPECT_FALSE(ipsec_policy_line(" #@ ipsec ah/require").has_value());
  EXPECT_FALSE(ipsec_policy_line("#ftp stream tcp nowait root /usr/libexec/ftpd ftpd").has_value());
  EXPECT_FALSE(ipsec_policy_line("echo stream tcp nowait root internal").has_value());
}

TEST(IpsecPolicyLine, EachPolicyIsAWarningAndTheEntriesStillCount) {
  std::vector<Diagnostic> diagnostics;
  auto entries =
      lex("#@ ipsec ah/require\n"
          "echo stream tcp nowait root internal\n"
          "#@\n"
          "daytime stream tcp nowait root internal\n",
          &diagnostics);
  ASSERT_EQ(entries.size(), 2u);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].format(),
            "f:1:1: warning: IPsec policy \"ipsec ah/require\" is not applied on Linux; the "
            "services after it run without it");
}

TEST(IpsecPolicyLine, EndsTheEntryAboveLikeAnyComment) {
  std::vector<Diagnostic> diagnostics;
  auto entries = lex("a b\n#@ ipsec esp/use\n c\n", &diagnostics);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(texts(entries[0]), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(diagnostics.size(), 1u);
}

}  // namespace
}  // namespace ninetd::config
