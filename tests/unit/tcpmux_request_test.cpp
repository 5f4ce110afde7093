#include "builtins/tcpmux_request.h"

#include <gtest/gtest.h>

#include <string>

namespace ninetd::builtins {
namespace {

using namespace std::string_literals;

TEST(TcpmuxRequest, CrLfEndsTheNameAndIsConsumed) {
  auto r = parse_tcpmux_request("ftp\r\n");
  EXPECT_EQ(r.verdict, TcpmuxVerdict::complete);
  EXPECT_EQ(r.name, "ftp");
  EXPECT_EQ(r.consumed, 5u);
}

TEST(TcpmuxRequest, ABareLfIsTakenToo) {
  auto r = parse_tcpmux_request("ftp\n");
  EXPECT_EQ(r.verdict, TcpmuxVerdict::complete);
  EXPECT_EQ(r.name, "ftp");
  EXPECT_EQ(r.consumed, 4u);
}

TEST(TcpmuxRequest, BytesAfterTheLineAreLeftForTheServer) {
  auto r = parse_tcpmux_request("Hello\r\nUSER x\r\n");
  EXPECT_EQ(r.verdict, TcpmuxVerdict::complete);
  EXPECT_EQ(r.name, "Hello");  // case is the caller's to fold (config::tcpmux_key)
  EXPECT_EQ(r.consumed, 7u);
}

TEST(TcpmuxRequest, SpacesAndPunctuationArePrintable) {
  auto r = parse_tcpmux_request(" a-b.c~ \r\n");
  EXPECT_EQ(r.verdict, TcpmuxVerdict::complete);
  EXPECT_EQ(r.name, " a-b.c~ ");
}

TEST(TcpmuxRequest, AnEmptyNameIsCompleteForTheCallerToRefuse) {
  auto r = parse_tcpmux_request("\r\n");
  EXPECT_EQ(r.verdict, TcpmuxVerdict::complete);
  EXPECT_EQ(r.name, "");
  EXPECT_EQ(r.consumed, 2u);
  EXPECT_EQ(parse_tcpmux_request("\n").consumed, 1u);
}

TEST(TcpmuxRequest, APartialLineNeedsMore) {
  EXPECT_EQ(parse_tcpmux_request("").verdict, TcpmuxVerdict::need_more);
  EXPECT_EQ(parse_tcpmux_request("ft").verdict, TcpmuxVerdict::need_more);
  // The CR may be the first half of the line end: the next read tells.
  EXPECT_EQ(parse_tcpmux_request("ftp\r").verdict, TcpmuxVerdict::need_more);
}

TEST(TcpmuxRequest, ACrNotFollowedByLfIsRefused) {
  EXPECT_EQ(parse_tcpmux_request("ftp\rx").verdict, TcpmuxVerdict::bad_byte);
  EXPECT_EQ(parse_tcpmux_request("ftp\r\r\n").verdict, TcpmuxVerdict::bad_byte);
}

TEST(TcpmuxRequest, ControlBytesAreRefusedWithoutWaitingForTheLineEnd) {
  EXPECT_EQ(parse_tcpmux_request("f\0tp\r\n"s).verdict, TcpmuxVerdict::bad_byte);
  EXPECT_EQ(parse_tcpmux_request("\0"s).verdict, TcpmuxVerdict::bad_byte);
  EXPECT_EQ(parse_tcpmux_request("a\tb").verdict, TcpmuxVerdict::bad_byte);
  EXPECT_EQ(parse_tcpmux_request("\x1b[2J\r\n").verdict, TcpmuxVerdict::bad_byte);
  EXPECT_EQ(parse_tcpmux_request("del\x7f\r\n").verdict, TcpmuxVerdict::bad_byte);
}

TEST(TcpmuxRequest, BytesAboveAsciiAreRefused) {
  EXPECT_EQ(parse_tcpmux_request("caf\xc3\xa9\r\n").verdict, TcpmuxVerdict::bad_byte);
  EXPECT_EQ(parse_tcpmux_request("\xff").verdict, TcpmuxVerdict::bad_byte);
}

TEST(TcpmuxRequest, AByteAfterTheLineEndIsNotJudged) {
  auto r = parse_tcpmux_request("ftp\r\n\0\xff"s);
  EXPECT_EQ(r.verdict, TcpmuxVerdict::complete);
  EXPECT_EQ(r.consumed, 5u);
}

TEST(TcpmuxRequest, TheLimitCountsTheLineEnd) {
  std::string name(kTcpmuxMaxRequest - 2, 'a');
  auto r = parse_tcpmux_request(name + "\r\n");  // exactly the limit
  EXPECT_EQ(r.verdict, TcpmuxVerdict::complete);
  EXPECT_EQ(r.name.size(), kTcpmuxMaxRequest - 2);
  EXPECT_EQ(r.consumed, kTcpmuxMaxRequest);
  EXPECT_EQ(parse_tcpmux_request(name + "a\n").verdict, TcpmuxVerdict::complete);
  // One more byte and the line end no longer fits.
  EXPECT_EQ(parse_tcpmux_request(name + "a\r\n").verdict, TcpmuxVerdict::too_long);
  EXPECT_EQ(parse_tcpmux_request(name + "aa\n").verdict, TcpmuxVerdict::too_long);
}

TEST(TcpmuxRequest, TooLongIsKnownAtTheLimitWithoutALineEnd) {
  std::string bytes(kTcpmuxMaxRequest - 1, 'a');
  EXPECT_EQ(parse_tcpmux_request(bytes).verdict, TcpmuxVerdict::need_more);
  EXPECT_EQ(parse_tcpmux_request(bytes + "\r").verdict, TcpmuxVerdict::too_long);
  EXPECT_EQ(parse_tcpmux_request(bytes + "a").verdict, TcpmuxVerdict::too_long);
  EXPECT_EQ(parse_tcpmux_request(bytes + "a" + std::string(1000, 'b')).verdict,
            TcpmuxVerdict::too_long);
}

TEST(TcpmuxRequest, TheFirstProblemInTheBytesWins) {
  // A control byte within the limit is seen before the length runs out.
  std::string bytes = "a\x01" + std::string(kTcpmuxMaxRequest, 'a');
  EXPECT_EQ(parse_tcpmux_request(bytes).verdict, TcpmuxVerdict::bad_byte);
  // Past the limit nothing is read.
  bytes = std::string(kTcpmuxMaxRequest, 'a') + "\x01\n";
  EXPECT_EQ(parse_tcpmux_request(bytes).verdict, TcpmuxVerdict::too_long);
}

}  // namespace
}  // namespace ninetd::builtins
