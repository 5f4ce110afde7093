#include "config/xinetd/syntax.h"

#include <fmt/format.h>

namespace ninetd::config::xinetd {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::string block_title(const Block& block) {
  return block.kind == BlockKind::defaults ? std::string("defaults")
                                           : fmt::format("service {}", block.name.text);
}

// Reads the text line by line; a block is open from its first line to its '}'.
class Reader {
 public:
  Reader(const std::string& file, std::vector<Diagnostic>& diagnostics)
      : file_(file), diagnostics_(diagnostics) {}

  Document run(std::string_view text);

 private:
  enum class State { top, want_brace, in_block };

  bool read_line(std::string_view line, int number);
  void top_level(std::string_view line, const std::vector<Word>& words);
  void open_block(const std::vector<Word>& words);
  void add_directive(const std::vector<Word>& words);
  void in_block(std::string_view line, int number, const std::vector<Word>& words);
  void read_attribute(std::string_view line, int number);
  void close_block();
  void error(int line, int column, std::string message) {
    diagnostics_.push_back({file_, line, column, Severity::error, std::move(message)});
  }
  void error(const Word& word, std::string message) {
    error(word.line, word.column, std::move(message));
  }
  void error_after(const Word& word, std::string message) {
    error(word.line, word.column + static_cast<int>(word.text.size()), std::move(message));
  }

  const std::string& file_;
  std::vector<Diagnostic>& diagnostics_;
  Document document_;
  Block block_;
  State state_ = State::top;
  bool too_many_attributes_ = false;  // reported once per block
};

Document Reader::run(std::string_view text) {
  std::size_t at = 0;
  int number = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(at, end - at);
    at = end + 1;
    if (!read_line(line, ++number)) return std::move(document_);
  }
  if (state_ != State::top) {
    error(block_.keyword, fmt::format("{} is not closed: '}}' missing at the end of the file",
                                      block_title(block_)));
    block_.broken = true;
    close_block();
  }
  return std::move(document_);
}

// False: the file has more blocks than may be read, and the rest is dropped.
bool Reader::read_line(std::string_view line, int number) {
  std::string_view problem;
  int column = 1;
  if (line.size() > kMaxLineLength) {
    problem = "line longer than 4096 bytes";
  } else if (std::size_t nul = line.find('\0'); nul != std::string_view::npos) {
    problem = "NUL byte in line";
    column = static_cast<int>(nul) + 1;
  }
  if (!problem.empty()) {
    error(number, column, fmt::format("{}: line not read", problem));
    if (state_ != State::top) block_.broken = true;
    return true;
  }
  std::vector<Word> words = split_line(line, number);
  if (words.empty() || words[0].text.starts_with('#')) return true;
  switch (state_) {
    case State::top:
      if (document_.blocks.size() >= kMaxBlocks) {
        error(words[0],
              fmt::format("more than {} blocks in one file: the rest is not read", kMaxBlocks));
        return false;
      }
      top_level(line, words);
      break;
    case State::want_brace:
      if (words[0].text == "{") {
        if (words.size() > 1) error(words[1], "nothing may follow '{' on its line");
        state_ = State::in_block;
        break;
      }
      error(words[0], fmt::format("expected '{{' to open {} (line {})", block_title(block_),
                                  block_.keyword.line));
      block_.broken = true;
      close_block();
      top_level(line, words);
      break;
    case State::in_block:
      in_block(line, number, words);
      break;
  }
  return true;
}

void Reader::top_level(std::string_view line, const std::vector<Word>& words) {
  const std::string& first = words[0].text;
  if (first == "defaults" || first == "service") {
    open_block(words);
  } else if (first == "include" || first == "includedir") {
    add_directive(words);
  } else if (first == "{") {
    error(words[0], "'{' with no \"defaults\" or \"service NAME\" line before it");
    // Its lines are read as a block's, so that each is not reported again.
    block_ = Block{};
    block_.keyword = words[0];
    block_.broken = true;
    state_ = State::in_block;
  } else if (first == "}") {
    error(words[0], "'}' with no block open");
  } else if (line.find('=') != std::string_view::npos) {
    error(words[0], "attribute outside a block (expected inside defaults { } or service NAME { })");
  } else {
    error(words[0],
          fmt::format("unexpected \"{}\" (expected defaults, service NAME, include FILE or "
                      "includedir DIR)",
                      first));
  }
}

void Reader::open_block(const std::vector<Word>& words) {
  block_ = Block{};
  too_many_attributes_ = false;
  block_.keyword = words[0];
  block_.kind = words[0].text == "defaults" ? BlockKind::defaults : BlockKind::service;
  std::size_t next = 1;
  if (block_.kind == BlockKind::service) {
    if (words.size() < 2 || words[1].text == "{") {
      error_after(words[0], "missing service name after \"service\"");
      block_.broken = true;
    } else {
      block_.name = words[1];
      next = 2;
    }
  }
  bool brace = next < words.size() && words[next].text == "{";
  if (brace) ++next;
  if (next < words.size()) {
    error(words[next], fmt::format("unexpected \"{}\" (expected '{{')", words[next].text));
    block_.broken = true;
  }
  state_ = brace ? State::in_block : State::want_brace;
}

void Reader::add_directive(const std::vector<Word>& words) {
  if (words.size() < 2) {
    error_after(words[0], fmt::format("missing path after \"{}\"", words[0].text));
    return;
  }
  if (words.size() > 2) {
    error(words[2],
          fmt::format("{} takes one path, got \"{}\" after it", words[0].text, words[2].text));
    return;
  }
  document_.directives.push_back(
      Directive{words[0].text == "includedir", words[1], document_.blocks.size()});
}

void Reader::in_block(std::string_view line, int number, const std::vector<Word>& words) {
  const std::string& first = words[0].text;
  if (first == "}") {
    if (words.size() > 1) error(words[1], "nothing may follow '}' on its line");
    close_block();
    return;
  }
  bool assignment = line.find('=') != std::string_view::npos;
  if ((first == "service" || first == "defaults") && !assignment) {
    error(block_.keyword, fmt::format("{} is not closed: '}}' missing before line {}",
                                      block_title(block_), number));
    block_.broken = true;
    close_block();
    top_level(line, words);
    return;
  }
  if (first == "{") {
    error(words[0], "'{' inside a block");
    block_.broken = true;
    return;
  }
  read_attribute(line, number);
}

void Reader::read_attribute(std::string_view line, int number) {
  std::size_t i = 0;
  while (i < line.size() && is_blank(line[i])) ++i;
  std::size_t start = i;
  while (i < line.size() && is_name_char(line[i])) ++i;
  Attribute attribute;
  attribute.name =
      Word{std::string(line.substr(start, i - start)), number, static_cast<int>(start) + 1};
  while (i < line.size() && is_blank(line[i])) ++i;
  std::string_view rest = line.substr(i);
  if (attribute.name.text.empty()) {
    error(number, static_cast<int>(start) + 1, "expected an attribute name");
    block_.broken = true;
    return;
  }
  if (rest.starts_with("+=") || rest.starts_with("-=")) {
    attribute.op = rest[0] == '+' ? Operator::add : Operator::remove;
    i += 2;
  } else if (rest.starts_with("=")) {
    i += 1;
  } else {
    error(number, static_cast<int>(i) + 1,
          fmt::format("expected =, += or -= after \"{}\"", attribute.name.text));
    block_.broken = true;
    return;
  }
  split_words(line, i, number, attribute.values);
  if (attribute.values.size() > kMaxValues) {
    error(attribute.values[kMaxValues],
          fmt::format("{} has more than {} values", attribute.name.text, kMaxValues));
    block_.broken = true;
    return;
  }
  if (block_.attributes.size() >= kMaxAttributes) {
    if (!too_many_attributes_)
      error(attribute.name, fmt::format("more than {} attributes in one block", kMaxAttributes));
    too_many_attributes_ = true;
    block_.broken = true;
    return;
  }
  block_.attributes.push_back(std::move(attribute));
}

void Reader::close_block() {
  document_.blocks.push_back(std::move(block_));
  block_ = Block{};
  state_ = State::top;
}

}  // namespace

std::string_view to_string(Operator op) {
  switch (op) {
    case Operator::set:
      return "=";
    case Operator::add:
      return "+=";
    case Operator::remove:
      return "-=";
  }
  return "?";
}

std::vector<Word> split_line(std::string_view line, int line_number) {
  std::vector<Word> words;
  split_words(line, 0, line_number, words);
  return words;
}

Document parse_syntax(std::string_view text, const std::string& file,
                      std::vector<Diagnostic>& diagnostics) {
  return Reader(file, diagnostics).run(text);
}

}  // namespace ninetd::config::xinetd
