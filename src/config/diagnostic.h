// Diagnostic: one problem found in a configuration file, located to the column,
// printed as compilers print them: FILE:LINE:COLUMN: error|warning: message.
#pragma once

#include <string>
#include <vector>

namespace ninetd::config {

enum class Severity { warning, error };

struct Diagnostic {
  std::string file;
  int line = 0;
  int column = 0;  // 1-based; 0 when the problem is the whole file
  Severity severity = Severity::error;
  std::string message;

  std::string location() const;  // "FILE:LINE:COLUMN", shorter when not known
  // The message as it may be printed or logged: the words it quotes from the
  // file are the file's bytes, so anything but printable ASCII is escaped
  // (log/escape.h) and a message longer than kMaxShown is cut.
  std::string shown_message() const;
  std::string format() const;
  static constexpr std::size_t kMaxShown = 400;
};

bool has_errors(const std::vector<Diagnostic>& diagnostics);

// Drops the warnings from index `from` on: those about a service that is
// switched off, whose settings are not used (xinetd's disable = yes, its
// defaults' enabled and disabled, an "off" key=value entry). Errors stay.
void drop_warnings(std::vector<Diagnostic>& diagnostics, std::size_t from);

}  // namespace ninetd::config
