// xinetd.conf(5) syntax: the file's lines read into "defaults { }" and
// "service NAME { }" blocks of attributes ("name = values", "+=", "-=") and
// its "include FILE" / "includedir DIR" directives, each word located by line
// and column. Pure: text in, blocks out. What the attributes mean is
// attributes.h's table; this only knows the shape of the file.
//
// As in xinetd, a line whose first non-blank character is '#' is a comment (a
// '#' later in a line is part of a value), the '{' may end the block's first
// line or stand alone on a following line, and every attribute is one line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.h"
#include "config/lexer.h"

namespace ninetd::config::xinetd {

// What a hostile file could grow beyond reason; past a bound the rest is an
// error, never a long run or a large allocation.
inline constexpr std::size_t kMaxValues = 1024;     // values of one attribute, merged included
inline constexpr std::size_t kMaxAttributes = 256;  // attribute lines in one block
inline constexpr std::size_t kMaxBlocks = 4096;     // blocks in one file

enum class Operator : std::uint8_t { set, add, remove };
std::string_view to_string(Operator op);

struct Attribute {
  Word name;
  Operator op = Operator::set;
  std::vector<Word> values;
};

enum class BlockKind : std::uint8_t { defaults, service };

struct Block {
  BlockKind kind = BlockKind::service;
  Word keyword;  // "defaults" or "service", where the block starts
  Word name;     // the service's name; empty for defaults
  std::vector<Attribute> attributes;
  // A line of the block could not be read, or the block never ended: it is
  // reported already and must not be served with some of its lines missing.
  bool broken = false;
};

struct Directive {
  bool directory = false;  // includedir
  Word path;
  std::size_t blocks_before = 0;  // how many service blocks come before it
};

struct Document {
  std::vector<Block> blocks;
  std::vector<Directive> directives;
};

Document parse_syntax(std::string_view text, const std::string& file,
                      std::vector<Diagnostic>& diagnostics);

// The words of one line, each located (1-based column).
std::vector<Word> split_line(std::string_view line, int line_number);

}  // namespace ninetd::config::xinetd
