// Lexer: splits inetd.conf text into entries of whitespace-separated words,
// each word located by line and column. Pure: text in, entries out.
//
// As in OpenBSD inetd (and Debian's openbsd-inetd), a line that starts with a
// space or tab continues the entry above it, '#' at the start of a line makes
// it a comment, and a blank or comment line ends the entry.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.h"

namespace ninetd::config {

inline constexpr std::size_t kMaxLineLength = 4096;

struct Word {
  std::string text;
  int line = 0;
  int column = 0;
};

struct Entry {
  std::vector<Word> words;
  int line() const { return words.empty() ? 0 : words.front().line; }
};

std::vector<Entry> split_entries(std::string_view text, const std::string& file,
                                 std::vector<Diagnostic>& diagnostics);

}  // namespace ninetd::config
