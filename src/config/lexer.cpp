#include "config/lexer.h"

#include <fmt/format.h>

#include <optional>

#include "config/key_value_lexer.h"

namespace ninetd::config {

void split_words(std::string_view line, std::size_t i, int line_number, std::vector<Word>& out) {
  while (i < line.size()) {
    while (i < line.size() && is_blank(line[i])) ++i;
    if (i == line.size()) break;
    std::size_t start = i;
    while (i < line.size() && !is_blank(line[i])) ++i;
    out.push_back(
        Word{std::string(line.substr(start, i - start)), line_number, static_cast<int>(start) + 1});
  }
}

std::optional<Diagnostic> reject_line(std::string_view line, int line_number,
                                      const std::string& file) {
  if (line.size() > kMaxLineLength)
    return Diagnostic{file, line_number, static_cast<int>(kMaxLineLength) + 1, Severity::error,
                      fmt::format("line is {} bytes long, longer than the limit of {} bytes; "
                                  "entry skipped",
                                  line.size(), kMaxLineLength)};
  if (auto nul = line.find('\0'); nul != std::string_view::npos)
    return Diagnostic{file, line_number, static_cast<int>(nul) + 1, Severity::error,
                      "NUL byte in line (is this a text file?); entry skipped"};
  return std::nullopt;
}

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

namespace {

// Splits the text's lines into entries; a key=value entry is handed to the
// key=value scanner, which may end it in the middle of a later line.
class Splitter {
 public:
  Splitter(std::string_view text, const std::string& file, std::vector<Diagnostic>& diagnostics)
      : text_(text), file_(file), diagnostics_(diagnostics) {}

  std::vector<Entry> run();

 private:
  void reject(std::optional<Diagnostic> rejected, std::string_view line);
  // Reads `line` from `from` on (0: the whole line); false when the line
  // was handed to the key=value scanner and `at_` now stands after its ';'.
  bool read_segment(std::string_view line, std::size_t from);

  std::string_view text_;
  const std::string& file_;
  std::vector<Diagnostic>& diagnostics_;
  std::vector<Entry> entries_;
  TextCursor at_;
  bool entry_open_ = false;
};

void Splitter::reject(std::optional<Diagnostic> rejected, std::string_view line) {
  diagnostics_.push_back(std::move(*rejected));
  bool continues = entry_open_ && !line.empty() && is_blank(line.front());
  if (!continues) {
    entries_.emplace_back();
    entries_.back().first_line = at_.line;
  }
  entries_.back().broken = true;
  entry_open_ = true;
}

bool Splitter::read_segment(std::string_view line, std::size_t from) {
  std::size_t first = from;
  while (first < line.size() && is_blank(line[first])) ++first;
  if (first == line.size() || line[first] == '#') {
    if (from == 0) warn_of_ipsec_policy(line, at_.line, file_, diagnostics_);
    entry_open_ = false;
    return true;
  }
  bool continues = from == 0 && first > 0 && entry_open_;
  if (!continues && starts_key_values(line.substr(first))) {
    at_.pos = at_.line_start + first;
    entries_.push_back(scan_key_values(text_, at_, file_, diagnostics_));
    entry_open_ = false;
    return false;
  }
  if (!continues) {
    entries_.emplace_back();
    entries_.back().first_line = at_.line;
  }
  split_words(line, first, at_.line, entries_.back().words);
  entry_open_ = true;
  return true;
}

std::vector<Entry> Splitter::run() {
  // Editors on some systems save a UTF-8 byte order mark; it is not part of
  // the first service name.
  if (text_.starts_with("\xEF\xBB\xBF")) text_.remove_prefix(3);
  at_.line = 0;
  std::size_t from = 0;  // where in the current line reading resumes
  while (at_.pos < text_.size()) {
    if (from == 0) {
      at_.line_start = at_.pos;
      at_.line_rejected = false;
      ++at_.line;
    }
    std::size_t end = text_.find('\n', at_.line_start);
    if (end == std::string_view::npos) end = text_.size();
    std::string_view line = text_.substr(at_.line_start, end - at_.line_start);
    at_.pos = end + 1;
    if (from == 0) {
      if (auto rejected = reject_line(line, at_.line, file_)) {
        reject(std::move(rejected), line);
        continue;
      }
    } else if (at_.line_rejected) {
      from = 0;  // the scanner reported this line; nothing after its ';' is read
      continue;
    }
    std::size_t resume_from = from;
    from = 0;
    if (!read_segment(line, resume_from)) {
      if (at_.pos < text_.size() && text_[at_.pos] == '\n')
        ++at_.pos;
      else if (at_.pos < text_.size())
        from = at_.pos - at_.line_start;
    }
  }
  return std::move(entries_);
}

}  // namespace

std::vector<Entry> split_entries(std::string_view text, const std::string& file,
                                 std::vector<Diagnostic>& diagnostics) {
  return Splitter(text, file, diagnostics).run();
}

}  // namespace ninetd::config
