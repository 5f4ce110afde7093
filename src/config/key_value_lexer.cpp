#include "config/key_value_lexer.h"

#include <fmt/format.h>

#include <optional>

namespace ninetd::config {
namespace {

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool ends_value(char c) {
  return is_blank(c) || c == '\n' || c == '#' || c == ',' || c == ';';
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Scanner {
 public:
  Scanner(std::string_view text, TextCursor& cursor, const std::string& file,
          std::vector<Diagnostic>& diagnostics)
      : text_(text), at_(cursor), file_(file), diagnostics_(diagnostics) {}

  Entry scan();

 private:
  bool at_end() const { return at_.pos >= text_.size(); }
  char peek() const { return text_[at_.pos]; }
  int column() const { return static_cast<int>(at_.pos - at_.line_start) + 1; }
  Word word_here() const { return Word{{}, at_.line, column()}; }

  void advance();
  void error_at(int line, int column, std::string message) {
    diagnostics_.push_back({file_, line, column, Severity::error, std::move(message)});
    entry_.broken = true;
  }
  void error_here(std::string message) { error_at(at_.line, column(), std::move(message)); }

  Word read_bare_word();
  void skip_blanks() {
    while (!at_end() && is_blank(peek())) advance();
  }
  bool skip_space_and_comments();
  bool read_option();
  bool read_value(Word& value);
  bool read_quoted(std::string& out);
  bool read_escape(std::string& out);
  void skip_past_semicolon();

  std::string_view text_;
  TextCursor& at_;
  const std::string& file_;
  std::vector<Diagnostic>& diagnostics_;
  Entry entry_;
};

void Scanner::advance() {
  if (text_[at_.pos++] != '\n') return;
  ++at_.line;
  at_.line_start = at_.pos;
  std::size_t end = text_.find('\n', at_.pos);
  if (end == std::string_view::npos) end = text_.size();
  at_.line_rejected = false;
  if (auto rejected = reject_line(text_.substr(at_.pos, end - at_.pos), at_.line, file_)) {
    // The line is still read, so the entry ends where its ';' is; but it
    // is not run with a setting that may have lost bytes.
    diagnostics_.push_back(std::move(*rejected));
    at_.line_rejected = true;
    entry_.broken = true;
  }
}

Word Scanner::read_bare_word() {
  Word word = word_here();
  while (!at_end() && !is_blank(peek()) && peek() != '\n' && peek() != '#') {
    word.text += peek();
    advance();
  }
  return word;
}

// Blanks, line ends and comments; false at the end of the text.
bool Scanner::skip_space_and_comments() {
  while (!at_end()) {
    char c = peek();
    if (c == '#') {
      while (!at_end() && peek() != '\n') advance();
    } else if (is_blank(c) || c == '\n') {
      advance();
    } else {
      return true;
    }
  }
  return false;
}

bool Scanner::read_quoted(std::string& out) {
  int line = at_.line;
  int start_column = column();
  char quote = peek();
  advance();
  while (!at_end() && peek() != '\n') {
    char c = peek();
    if (c == quote) {
      advance();
      return true;
    }
    if (c != '\\') {
      out += c;
      advance();
    } else if (!read_escape(out)) {
      return false;
    }
  }
  error_at(line, start_column,
           fmt::format("no closing {} on this line (a quoted value is on one line)", quote));
  return false;
}

// At a backslash inside quotes: the byte it stands for, appended to `out`.
bool Scanner::read_escape(std::string& out) {
  int escape_column = column();
  advance();
  char e = at_end() ? '\n' : peek();
  char decoded = 0;
  switch (e) {
    case '\\':
      decoded = '\\';
      break;
    case 'n':
      decoded = '\n';
      break;
    case 't':
      decoded = '\t';
      break;
    case 'r':
      decoded = '\r';
      break;
    case '\'':
      decoded = '\'';
      break;
    case '"':
      decoded = '"';
      break;
    case 'x': {
      std::size_t p = at_.pos;
      int high = p + 1 < text_.size() ? hex_digit(text_[p + 1]) : -1;
      int low = p + 2 < text_.size() ? hex_digit(text_[p + 2]) : -1;
      if (high < 0 || low < 0) {
        error_at(at_.line, escape_column, "x after a backslash needs two hexadecimal digits");
        return false;
      }
      decoded = static_cast<char>(high * 16 + low);
      if (decoded == '\0') {
        error_at(at_.line, escape_column,
                 "a NUL byte (x00 after a backslash) would end the value there for the "
                 "server program; not allowed");
        return false;
      }
      advance();
      advance();
      break;
    }
    case '\n':
      error_at(at_.line, escape_column, "a backslash at the end of a line inside quotes");
      return false;
    default:
      error_at(at_.line, escape_column,
               fmt::format("unknown escape: '{}' after a backslash (expected a backslash, n, "
                           "t, r, a quote or xHH)",
                           e));
      return false;
  }
  out += decoded;
  advance();
  return true;
}

bool Scanner::read_value(Word& value) {
  value = word_here();
  while (!at_end() && !ends_value(peek())) {
    if (peek() == '"' || peek() == '\'') {
      if (!read_quoted(value.text)) return false;
    } else {
      value.text += peek();
      advance();
    }
  }
  return true;
}

// One "key = values" up to its ',' (consumed) or the entry's ';' (left).
bool Scanner::read_option() {
  Option option;
  option.key = word_here();
  while (!at_end() && is_key_char(peek())) {
    option.key.text += peek();
    advance();
  }
  if (option.key.text.empty()) {
    error_here(fmt::format("expected a key name (letters and '_') or ';', got '{}'", peek()));
    return false;
  }
  if (!skip_space_and_comments()) return false;
  if (peek() != '=') {
    error_here(fmt::format("expected '=' after \"{}\", got '{}'", option.key.text, peek()));
    return false;
  }
  advance();
  while (skip_space_and_comments()) {
    char c = peek();
    if (c == ',' || c == ';') {
      if (c == ',') advance();
      entry_.options.push_back(std::move(option));
      return true;
    }
    Word value;
    if (!read_value(value)) return false;
    option.values.push_back(std::move(value));
  }
  return false;
}

void Scanner::skip_past_semicolon() {
  char quote = 0;
  while (!at_end()) {
    char c = peek();
    advance();
    if (quote != 0) {
      if (c == '\\' && !at_end() && peek() != '\n')
        advance();
      else if (c == quote || c == '\n')
        quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#') {
      while (!at_end() && peek() != '\n') advance();
    } else if (c == ';') {
      return;
    }
  }
}

Entry Scanner::scan() {
  entry_.key_values = true;
  entry_.first_line = at_.line;
  int first_column = column();
  entry_.words.push_back(read_bare_word());
  skip_blanks();
  entry_.words.push_back(read_bare_word());
  for (;;) {
    if (!skip_space_and_comments()) {
      error_at(entry_.first_line, first_column,
               fmt::format("the key=value entry for \"{}\" has no ';' before the end of the file",
                           entry_.words[0].text));
      return std::move(entry_);
    }
    if (peek() == ';') {
      advance();
      return std::move(entry_);
    }
    if (!read_option()) {
      if (at_end()) {
        error_at(entry_.first_line, first_column,
                 fmt::format("the key=value entry for \"{}\" has no ';' before the end of the "
                             "file",
                             entry_.words[0].text));
        return std::move(entry_);
      }
      skip_past_semicolon();
      return std::move(entry_);
    }
  }
}

}  // namespace

bool starts_key_values(std::string_view rest) {
  std::size_t i = 0;
  while (i < rest.size() && !is_blank(rest[i])) ++i;
  if (i == 0 || i == rest.size()) return false;
  while (i < rest.size() && is_blank(rest[i])) ++i;
  std::size_t start = i;
  while (i < rest.size() && !is_blank(rest[i]) && rest[i] != '#') ++i;
  std::string_view second = rest.substr(start, i - start);
  return second == "on" || second == "off";
}

Entry scan_key_values(std::string_view text, TextCursor& cursor, const std::string& file,
                      std::vector<Diagnostic>& diagnostics) {
  return Scanner(text, cursor, file, diagnostics).scan();
}

}  // namespace ninetd::config
