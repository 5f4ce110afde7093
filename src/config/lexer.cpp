#include "config/lexer.h"

#include <fmt/format.h>

#include <optional>

namespace ninetd::config {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

void split_words(std::string_view line, int line_number, std::vector<Word>& out) {
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_blank(line[i])) ++i;
    if (i == line.size()) break;
    std::size_t start = i;
    while (i < line.size() && !is_blank(line[i])) ++i;
    out.push_back(
        Word{std::string(line.substr(start, i - start)), line_number, static_cast<int>(start) + 1});
  }
}

}  // namespace

std::optional<std::string_view> ipsec_policy_line(std::string_view line) {
  if (!line.starts_with("#@")) return std::nullopt;
  line.remove_prefix(2);
  while (!line.empty() && is_blank(line.front())) line.remove_prefix(1);
  while (!line.empty() && is_blank(line.back())) line.remove_suffix(1);
  return line;
}

namespace {

void warn_of_ipsec_policy(std::string_view line, int line_number, const std::string& file,
                          std::vector<Diagnostic>& diagnostics) {
  auto policy = ipsec_policy_line(line);
  if (!policy || policy->empty()) return;
  diagnostics.push_back({file, line_number, 1, Severity::warning,
                         fmt::format("IPsec policy \"{}\" is not applied on Linux; the services "
                                     "after it run without it",
                                     *policy)});
}

}  // namespace

std::vector<Entry> split_entries(std::string_view text, const std::string& file,
                                 std::vector<Diagnostic>& diagnostics) {
  // Editors on some systems save a UTF-8 byte order mark; it is not part of
  // the first service name.
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);

  std::vector<Entry> entries;
  bool entry_open = false;
  int line_number = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;

    std::optional<Diagnostic> rejected;
    if (line.size() > kMaxLineLength) {
      rejected =
          Diagnostic{file, line_number, static_cast<int>(kMaxLineLength) + 1, Severity::error,
                     fmt::format("line is {} bytes long, longer than the limit of {} "
                                 "bytes; entry skipped",
                                 line.size(), kMaxLineLength)};
    } else if (auto nul = line.find('\0'); nul != std::string_view::npos) {
      rejected = Diagnostic{file, line_number, static_cast<int>(nul) + 1, Severity::error,
                            "NUL byte in line (is this a text file?); entry skipped"};
    }
    if (rejected) {
      diagnostics.push_back(std::move(*rejected));
      bool continues = entry_open && !line.empty() && is_blank(line.front());
      if (!continues) {
        entries.emplace_back();
        entries.back().first_line = line_number;
      }
      entries.back().broken = true;
      entry_open = true;
      continue;
    }

    std::size_t first = 0;
    while (first < line.size() && is_blank(line[first])) ++first;
    if (first == line.size() || line[first] == '#') {
      warn_of_ipsec_policy(line, line_number, file, diagnostics);
      entry_open = false;
      continue;
    }
    bool continues = first > 0 && entry_open;
    if (!continues) {
      entries.emplace_back();
      entries.back().first_line = line_number;
    }
    split_words(line, line_number, entries.back().words);
    entry_open = true;
  }
  return entries;
}

}  // namespace ninetd::config
