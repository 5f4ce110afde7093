// Includes: the ".include PATH" line and the rules for which names of a
// directory are read (a glob's matches, the drop-in directory's files). Pure:
// words and names in, decisions out; the loader does the reading.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.h"
#include "config/lexer.h"

namespace ninetd::config {

// How deep includes may nest (the main file is depth 0) and how many files one
// load may read in all: beyond either the rest is an error, never a hang.
inline constexpr int kMaxIncludeDepth = 16;
inline constexpr std::size_t kMaxConfigFiles = 4096;

// One ".include PATH" line: PATH as written, located at the path's word.
struct IncludeDirective {
  std::string path;
  int line = 0;
  int column = 0;
  // How many of the file's services come before it: the included services go there.
  std::size_t position = 0;
  // xinetd's "includedir DIR" (config/xinetd/parser.h): every name of DIR that
  // xinetd::read_in_dir keeps, in name order; never set for inetd.conf.
  bool xinetd_dir = false;
};

// An entry whose first word starts with '.' and holds no ':' (no service name
// or host line does): a directive, not a service.
bool is_directive(const Entry& entry);
// Reads a directive entry; an unknown directive, a missing path or more than
// one word after ".include" is reported into `diagnostics` and gives false.
bool parse_include(const Entry& entry, const std::string& file, IncludeDirective& out,
                   std::vector<Diagnostic>& diagnostics);

// "*", "?" or "[" in `text`.
bool has_wildcard(std::string_view text);
// PATH of an include written in `including_file`: absolute as it is, relative
// to the including file's directory.
std::string include_path(const std::string& including_file, const std::string& path);
// "DIR" + "/" + "NAME", without doubling a slash.
std::string join_path(const std::string& dir, const std::string& name);

// A glob split into its directory and its name pattern; wildcards are allowed
// in the last component only (`error` says so otherwise).
struct GlobParts {
  std::string dir;
  std::string pattern;
  std::string error;
};
GlobParts split_glob(const std::string& path);

// Names that are never read from a directory, as run-parts and most drop-in
// directories skip them: hidden ("." first), editor and package manager
// leftovers ("~", ".dpkg-old", ".dpkg-new", ".dpkg-dist", ".dpkg-tmp", ".bak",
// ".swp" last).
bool skipped_name(std::string_view name);
// The names of a directory that are read, in the order they are read (byte
// order, as "LC_ALL=C ls"): those not skipped and, when `pattern` is not
// empty, matching it (fnmatch, a leading "." never matched by a wildcard).
std::vector<std::string> select_names(std::vector<std::string> names, const std::string& pattern);

}  // namespace ninetd::config
