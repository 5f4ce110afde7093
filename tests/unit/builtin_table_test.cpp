// The builtin table: every builtin has one row, found by id and by name, and
// the rows say what the parser, the listener and the supervisor act on.
#include <gtest/gtest.h>

#include <array>
#include <string>

#include "builtins/table.h"

namespace ninetd::builtins {
namespace {

using config::Builtin;

constexpr std::array kAll{Builtin::echo, Builtin::discard, Builtin::chargen, Builtin::daytime,
                          Builtin::time, Builtin::tcpmux,  Builtin::metrics};

std::string answer_to(Builtin id, std::string_view request) {
  std::array<char, kAnswerScratch> scratch{};
  auto answer = row(id).answer({request.data(), request.size()}, scratch);
  return {answer.data(), answer.size()};
}

TEST(BuiltinTable, EveryIdHasItsRowAndItsName) {
  for (Builtin id : kAll) {
    EXPECT_EQ(row(id).id, id);
    const BuiltinRow* by_name = find(row(id).name);
    ASSERT_NE(by_name, nullptr);
    EXPECT_EQ(by_name, &row(id));
    EXPECT_EQ(config::builtin_from_name(row(id).name), id);
    EXPECT_EQ(config::to_string(id), row(id).name);
  }
  EXPECT_EQ(find("qotd"), nullptr);
  EXPECT_EQ(find(""), nullptr);
}

TEST(BuiltinTable, NamesForHumansListEveryRow) {
  EXPECT_EQ(names_for_humans(), "echo, discard, chargen, daytime, time, tcpmux, metrics or sensor");
}

TEST(BuiltinTable, ClientsThatSpeakFirst) {
  EXPECT_TRUE(row(Builtin::echo).client_speaks_first);
  EXPECT_TRUE(row(Builtin::discard).client_speaks_first);
  EXPECT_TRUE(row(Builtin::tcpmux).client_speaks_first);
  EXPECT_FALSE(row(Builtin::chargen).client_speaks_first);
  EXPECT_FALSE(row(Builtin::daytime).client_speaks_first);
  EXPECT_FALSE(row(Builtin::time).client_speaks_first);
}

TEST(BuiltinTable, AnswersAtAcceptOrHoldsASession) {
  EXPECT_FALSE(row(Builtin::daytime).holds_session());
  EXPECT_FALSE(row(Builtin::time).holds_session());
  for (Builtin id : {Builtin::echo, Builtin::discard, Builtin::chargen, Builtin::tcpmux})
    EXPECT_TRUE(row(id).holds_session()) << row(id).name;
  // Whatever answers at accept has an answer to give.
  for (Builtin id : kAll)
    if (row(id).stream == StreamStyle::answer) {
      EXPECT_NE(row(id).answer, nullptr);
    }
}

TEST(BuiltinTable, TcpmuxAndMetricsHaveNoDatagramForm) {
  for (Builtin id : kAll)
    EXPECT_EQ(row(id).datagram, id != Builtin::tcpmux && id != Builtin::metrics) << row(id).name;
}

TEST(BuiltinTable, DatagramAnswers) {
  EXPECT_EQ(answer_to(Builtin::echo, "hello"), "hello");
  EXPECT_EQ(answer_to(Builtin::echo, ""), "");
  EXPECT_EQ(row(Builtin::discard).answer, nullptr);
  EXPECT_EQ(answer_to(Builtin::time, "x").size(), 4u);
  std::string day = answer_to(Builtin::daytime, "");
  ASSERT_GE(day.size(), 2u);
  EXPECT_EQ(day.substr(day.size() - 2), "\r\n");
  std::string first = answer_to(Builtin::chargen, "");
  std::string second = answer_to(Builtin::chargen, "");
  ASSERT_EQ(first.size(), 74u);
  // Successive datagrams rotate by one character, as successive lines do.
  EXPECT_EQ(first.substr(1, 71), second.substr(0, 71));
}

TEST(BuiltinTable, GeneratorWritesWholeLinesAndMovesOn) {
  Generator generate = row(Builtin::chargen).generate;
  ASSERT_NE(generate, nullptr);
  std::array<char, 200> out{};
  std::uint64_t position = 0;
  EXPECT_EQ(generate(position, out), 148u);  // two lines of 74
  EXPECT_EQ(position, 2u);
  EXPECT_EQ(std::string(out.data() + 72, 2), "\r\n");
  EXPECT_EQ(out[74], '!');  // the second line starts one character on
}

}  // namespace
}  // namespace ninetd::builtins
