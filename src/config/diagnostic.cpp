#include "config/diagnostic.h"

#include <fmt/format.h>

#include <algorithm>

#include "log/escape.h"

namespace ninetd::config {

std::string Diagnostic::location() const {
  if (line == 0) return file;
  if (column == 0) return fmt::format("{}:{}", file, line);
  return fmt::format("{}:{}:{}", file, line, column);
}

std::string Diagnostic::shown_message() const {
  std::string shown = log::escaped(message);
  if (shown.size() > kMaxShown) {
    shown.resize(kMaxShown);
    shown += "...";
  }
  return shown;
}

std::string Diagnostic::format() const {
  const char* kind = severity == Severity::error ? "error" : "warning";
  return fmt::format("{}: {}: {}", location(), kind, shown_message());
}

bool has_errors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::error; });
}

void drop_warnings(std::vector<Diagnostic>& diagnostics, std::size_t from) {
  if (from >= diagnostics.size()) return;
  auto first = diagnostics.begin() + static_cast<std::ptrdiff_t>(from);
  diagnostics.erase(
      std::remove_if(first, diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::warning; }),
      diagnostics.end());
}

}  // namespace ninetd::config
