// Lexer: splits inetd.conf text into entries of whitespace-separated words,
// each word located by line and column. Pure: text in, entries out.
//
// As in OpenBSD inetd (and Debian's openbsd-inetd), a line that starts with a
// space or tab continues the entry above it, '#' at the start of a line makes
// it a comment, and a blank or comment line ends the entry. An entry whose
// second word is "on" or "off" is NetBSD's key=value form instead, read by
// key_value_lexer.h up to its ';' wherever that is. A line that cannot
// be read (longer than kMaxLineLength, or holding a NUL byte) is reported and
// breaks the entry it belongs to, continuation lines included, so that no
// entry is ever run with some of its words silently missing.
//
// A line starting "#@" is FreeBSD's and NetBSD's IPsec policy line, a comment to
// every other inetd. Linux has no per-socket policy of that kind, so each one
// that sets a policy is reported as a warning (the services after it still run).
#pragma once

#include <optional>
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

// One "key = value ..." of a key=value entry; values as written, unquoted.
struct Option {
  Word key;
  std::vector<Word> values;
};

struct Entry {
  // A classic entry's words; for a key=value entry the service and the
  // "on"/"off" switch, its settings in `options`.
  std::vector<Word> words;
  std::vector<Option> options;
  bool key_values = false;
  int first_line = 0;
  // A line of this entry was rejected (too long, NUL byte) and already
  // reported: the entry is incomplete, so it must not be read as a service.
  bool broken = false;
  int line() const { return first_line; }
};

// The blanks that separate words, in every configuration syntax: space, tab,
// and carriage return (so CR LF files read the same), vertical tab, form feed.
inline bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

// The blank-separated words of `line` from index `from`, each located by
// `line_number` and its column, appended to `out`.
void split_words(std::string_view line, std::size_t from, int line_number, std::vector<Word>& out);

// A line is rejected when it is longer than kMaxLineLength or holds a NUL
// byte: the problem, or nullopt for a good line.
std::optional<Diagnostic> reject_line(std::string_view line, int line_number,
                                      const std::string& file);

// For a "#@" line (at the very start of the line), the policy it sets, blanks
// trimmed: empty for a bare "#@", which clears the policy. nullopt for any
// other line.
std::optional<std::string_view> ipsec_policy_line(std::string_view line);

std::vector<Entry> split_entries(std::string_view text, const std::string& file,
                                 std::vector<Diagnostic>& diagnostics);

}  // namespace ninetd::config
