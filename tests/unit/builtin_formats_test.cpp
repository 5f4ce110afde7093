// The bytes the builtin services send: chargen (RFC 864), daytime (RFC 867,
// BSD's ctime format) and time (RFC 868).
#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

#include "builtins/formats.h"

namespace ninetd::builtins {
namespace {

std::string chargen(std::uint64_t line_number) {
  std::string out(kChargenLineLength, '\0');
  chargen_line(line_number, out.data());
  return out;
}

// The 95 printable characters, ' ' to '~', twice: any line is a window on this.
std::string ring_twice() {
  std::string ring;
  for (char c = ' '; c <= '~'; ++c) ring += c;
  return ring + ring;
}

TEST(Chargen, LineIs72CharactersThenCrLf) {
  EXPECT_EQ(kChargenLineLength, 74u);
  std::string line = chargen(0);
  EXPECT_EQ(line.substr(72), "\r\n");
}

TEST(Chargen, FirstLineStartsWithSpace) {
  EXPECT_EQ(chargen(0), ring_twice().substr(0, 72) + "\r\n");
  EXPECT_EQ(chargen(0).substr(0, 11), " !\"#$%&'()*");
}

TEST(Chargen, EachLineStartsOneCharacterFurther) {
  EXPECT_EQ(chargen(1), ring_twice().substr(1, 72) + "\r\n");
  EXPECT_EQ(chargen(1)[0], '!');
}

TEST(Chargen, LastLineOfTheRingWrapsAround) {
  std::string line = chargen(94);
  EXPECT_EQ(line, ring_twice().substr(94, 72) + "\r\n");
  EXPECT_EQ(line[0], '~');
  EXPECT_EQ(line[1], ' ');
}

TEST(Chargen, LinesRepeatEvery95) {
  EXPECT_EQ(chargen(95), chargen(0));
  EXPECT_EQ(chargen(95 * 1000 + 7), chargen(7));
}

TEST(Chargen, OnlyPrintableCharacters) {
  for (std::uint64_t n = 0; n < 95; ++n) {
    std::string line = chargen(n);
    for (std::size_t i = 0; i < 72; ++i) {
      ASSERT_GE(line[i], ' ') << "line " << n << " column " << i;
      ASSERT_LE(line[i], '~') << "line " << n << " column " << i;
    }
  }
}

class Daytime : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tz = std::getenv("TZ");
    saved_tz_ = tz != nullptr ? std::optional<std::string>(tz) : std::nullopt;
    setenv("TZ", "UTC", 1);
    tzset();
  }
  void TearDown() override {
    if (saved_tz_)
      setenv("TZ", saved_tz_->c_str(), 1);
    else
      unsetenv("TZ");
    tzset();
  }

 private:
  std::optional<std::string> saved_tz_;
};

TEST_F(Daytime, IsCtimeFormatEndedByCrLf) {
  EXPECT_EQ(daytime_text(0), "Thu Jan  1 00:00:00 1970\r\n");
}

TEST_F(Daytime, TwoDigitDaysHaveNoPaddingSpace) {
  // 2001-09-09 01:46:40 UTC
  EXPECT_EQ(daytime_text(1000000000), "Sun Sep  9 01:46:40 2001\r\n");
  // 2009-02-13 23:31:30 UTC
  EXPECT_EQ(daytime_text(1234567890), "Fri Feb 13 23:31:30 2009\r\n");
}

TEST_F(Daytime, IsAlways26Bytes) {
  EXPECT_EQ(daytime_text(0).size(), 26u);
  EXPECT_EQ(daytime_text(1234567890).size(), 26u);
}

TEST(Time, UnixEpochIsSeconds1900To1970) {
  // 2208988800 = 0x83AA7E80, sent big-endian.
  auto bytes = time_bytes(0);
  EXPECT_EQ(bytes, (std::array<std::uint8_t, 4>{0x83, 0xAA, 0x7E, 0x80}));
}

TEST(Time, CountsSeconds) {
  auto bytes = time_bytes(1);
  EXPECT_EQ(bytes, (std::array<std::uint8_t, 4>{0x83, 0xAA, 0x7E, 0x81}));
  // 2009-02-13 23:31:30 UTC: 3443556690 = 0xCD408152.
  EXPECT_EQ(time_bytes(1234567890), (std::array<std::uint8_t, 4>{0xCD, 0x40, 0x81, 0x52}));
}

TEST(Time, WrapsAroundIn2036) {
  // 2036-02-07 06:28:15 UTC is the last second of the 32-bit era...
  constexpr std::time_t kLastSecond = 2085978495;
  EXPECT_EQ(time_bytes(kLastSecond), (std::array<std::uint8_t, 4>{0xFF, 0xFF, 0xFF, 0xFF}));
  // ...and the next one starts again at zero, as RFC 868 clients expect.
  EXPECT_EQ(time_bytes(kLastSecond + 1), (std::array<std::uint8_t, 4>{0, 0, 0, 0}));
  EXPECT_EQ(time_bytes(kLastSecond + 2), (std::array<std::uint8_t, 4>{0, 0, 0, 1}));
}

}  // namespace
}  // namespace ninetd::builtins
