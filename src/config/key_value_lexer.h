// The key=value form of an entry, as NetBSD's inetd reads it since 2021:
//
//   [host:]service on|off key = value value ..., key = ..., key =;
//
// The entry runs to its ';' over any number of lines, which need not be
// indented; '#' starts a comment anywhere outside quotes; a value is a word or
// a quoted string ('...' or "..." on one line, with the escapes \\ \n \t \r
// \' \" and \xHH); several entries may share a line. Pure: text in, one Entry
// (lexer.h) out, every problem a Diagnostic at its line and column.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.h"
#include "config/lexer.h"

namespace ninetd::config {

// Where a scan of the text stands.
struct TextCursor {
  std::size_t pos = 0;         // the next byte
  int line = 1;                // its line, 1-based
  std::size_t line_start = 0;  // where that line begins
  // The line holding `pos` was rejected (too long, a NUL byte) and reported.
  bool line_rejected = false;
};

// `rest`, a line from its first word on, starts a key=value entry: its second
// word is "on" or "off" (never a socket type, so never a classic entry).
bool starts_key_values(std::string_view rest);

// Reads the key=value entry whose first word is at `cursor` up to and
// including its ';', and leaves `cursor` just after it (or at the end of the
// text, when the ';' is missing: the entry is then broken and reported).
Entry scan_key_values(std::string_view text, TextCursor& cursor, const std::string& file,
                      std::vector<Diagnostic>& diagnostics);

}  // namespace ninetd::config
