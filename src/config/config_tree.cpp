#include "config/config_tree.h"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <map>
#include <optional>
#include <utility>

#include "config/include.h"
#include "config/xinetd/includedir.h"
#include "config/xinetd/parser.h"

namespace ninetd::config {
namespace {

// Where a file was asked for: the include line, or the drop-in directory.
struct Origin {
  std::string file;
  int line = 0;
  int column = 0;
};

// How a file came to be read: named by an .include line, or matched by a
// glob or in the drop-in directory (where anything but a regular file is
// passed over, not an error).
enum class Reach { main, named, matched };

class TreeReader {
 public:
  TreeReader(ConfigSource& source, TreeResult& out, Syntax syntax)
      : source_(source), out_(out), syntax_(syntax) {}

  void read(const std::string& path, const Origin& origin, int depth, Reach reach);
  void read_directory(const std::string& dir, const std::string& pattern, const Origin& origin,
                      int depth);
  // xinetd's includedir: every name xinetd reads, in name order.
  void read_xinetd_dir(const std::string& dir, const Origin& origin, int depth);
  // A named file or a directory could not be read.
  bool incomplete() const { return incomplete_; }
  Syntax syntax() const { return syntax_; }

 private:
  void report(const Origin& origin, Severity severity, std::string message) {
    out_.diagnostics.push_back(
        {origin.file, origin.line, origin.column, severity, std::move(message)});
  }
  bool admit(const std::string& path, const Origin& origin, int depth);
  bool check_identity(const std::string& path, const std::string& identity, const Origin& origin);
  void parse(const std::string& path, const std::string& text, int depth);
  void expand(const IncludeDirective& include, const std::string& from, int depth);
  std::string chain_through(const std::string& path) const;

  // A directory's listing: nullopt (reported) when it cannot be read.
  std::optional<std::vector<std::string>> list(const std::string& dir, const Origin& origin,
                                               bool missing_warned);
  ParseResult parse_text(const std::string& path, const std::string& text);

  ConfigSource& source_;
  TreeResult& out_;
  Syntax syntax_;
  xinetd::Defaults xinetd_defaults_;         // the main file's, for the files it includes
  std::vector<std::string> chain_;           // identities of the files being read, outermost first
  std::vector<std::string> chain_by_;        // their names
  std::map<std::string, std::string> done_;  // identity: the name it was read under
  bool incomplete_ = false;
};

// Depth and count, checked before a file is opened.
bool TreeReader::admit(const std::string& path, const Origin& origin, int depth) {
  if (depth > kMaxIncludeDepth) {
    report(origin, Severity::error,
           fmt::format("cannot include {}: includes nest deeper than {} levels ({})", path,
                       kMaxIncludeDepth, chain_through(path)));
    return false;
  }
  if (out_.files.size() >= kMaxConfigFiles) {
    report(origin, Severity::error,
           fmt::format("cannot include {}: one configuration reads at most {} files", path,
                       kMaxConfigFiles));
    return false;
  }
  return true;
}

std::string TreeReader::chain_through(const std::string& path) const {
  std::string chain;
  for (const auto& name : chain_by_) {
    chain += name;
    chain += " -> ";
  }
  return chain + path;
}

// A file already being read is a loop (an error); one read before is passed
// over with a warning, so that an explicit include of the drop-in directory's
// files does not define their services twice.
bool TreeReader::check_identity(const std::string& path, const std::string& identity,
                                const Origin& origin) {
  if (std::find(chain_.begin(), chain_.end(), identity) != chain_.end()) {
    report(origin, Severity::error,
           fmt::format("include loop: {} is already being read ({}); not read again", path,
                       chain_through(path)));
    return false;
  }
  if (auto it = done_.find(identity); it != done_.end()) {
    report(origin, Severity::warning,
           it->second == path
               ? fmt::format("{} was read already; not read again", path)
               : fmt::format("{} was read already (as {}); not read again", path, it->second));
    return false;
  }
  return true;
}

void TreeReader::read(const std::string& path, const Origin& origin, int depth, Reach reach) {
  if (!admit(path, origin, depth)) return;
  SourceText text = source_.read(path, reach != Reach::main);
  if (text.status == SourceText::Status::not_regular && reach == Reach::matched) {
    report(origin, Severity::warning, fmt::format("{} is not a regular file; skipped", path));
    return;
  }
  if (text.status != SourceText::Status::ok) {
    if (reach == Reach::main)
      report(origin, Severity::error, "cannot read configuration: " + text.problem);
    else
      report(origin, Severity::error, fmt::format("cannot include {}: {}", path, text.problem));
    incomplete_ = true;
    return;
  }
  if (!check_identity(path, text.identity, origin)) return;
  if (reach == Reach::main) {
    out_.readable = true;
    // A main file that is plainly xinetd.conf (a defaults or service block)
    // is read as such, with a notice, rather than as a page of errors.
    if (syntax_ == Syntax::inetd && xinetd::looks_like_xinetd(text.text)) {
      syntax_ = Syntax::xinetd;
      report(origin, Severity::warning,
             fmt::format("{} reads as xinetd.conf (it has a defaults or service block): read "
                         "as such; give -x to say so",
                         path));
    }
  }
  chain_.push_back(text.identity);
  chain_by_.push_back(path);
  parse(path, text.text, depth);
  chain_.pop_back();
  chain_by_.pop_back();
  done_.emplace(std::move(text.identity), path);
}

// Parses one file and puts its services in the result, each include's files'
// services where its line is.
void TreeReader::parse(const std::string& path, const std::string& text, int depth) {
  auto index = static_cast<std::uint16_t>(out_.files.size());
  out_.files.push_back(path);
  ParseResult parsed = parse_text(path, text);
  for (auto& d : parsed.diagnostics) out_.diagnostics.push_back(std::move(d));
  for (auto& f : parsed.failed) out_.failed.push_back(std::move(f));
  std::size_t next = 0;
  std::size_t next_off = 0;
  // The switched-off entries before served spec `at` (or, at an include's
  // position, before its line) go in first.
  auto take_off = [&](std::size_t at, int before_line) {
    for (; next_off < parsed.switched_off.size(); ++next_off) {
      SwitchedOff& off = parsed.switched_off[next_off];
      if (off.position > at || (off.position == at && off.spec.line > before_line)) return;
      off.spec.file_index = index;
      out_.switched_off.push_back({out_.services.size(), std::move(off.spec)});
    }
  };
  auto take_until = [&](std::size_t end, int before_line) {
    for (; next < end; ++next) {
      take_off(next, INT_MAX);
      parsed.services[next].file_index = index;
      out_.services.push_back(std::move(parsed.services[next]));
    }
    take_off(end, before_line);
  };
  for (const IncludeDirective& include : parsed.includes) {
    take_until(include.position, include.line);
    expand(include, path, depth);
  }
  take_until(parsed.services.size(), INT_MAX);
}

ParseResult TreeReader::parse_text(const std::string& path, const std::string& text) {
  if (syntax_ == Syntax::inetd) return parse_config(text, path);
  // The defaults as this file leaves them reach the files it includes.
  return xinetd::parse_xinetd_config(text, path, xinetd_defaults_, &xinetd_defaults_);
}

void TreeReader::expand(const IncludeDirective& include, const std::string& from, int depth) {
  Origin origin{from, include.line, include.column};
  std::string path = include_path(from, include.path);
  if (include.xinetd_dir) {
    read_xinetd_dir(path, origin, depth + 1);
    return;
  }
  if (syntax_ == Syntax::xinetd || !has_wildcard(path)) {
    read(path, origin, depth + 1, Reach::named);
    return;
  }
  GlobParts glob = split_glob(path);
  if (!glob.error.empty()) {
    report(origin, Severity::error, glob.error);
    return;
  }
  read_directory(glob.dir, glob.pattern, origin, depth + 1);
}

// A glob's directory (`pattern` not empty) or the drop-in directory.
std::optional<std::vector<std::string>> TreeReader::list(const std::string& dir,
                                                         const Origin& origin,
                                                         bool missing_warned) {
  SourceListing listing = source_.list(dir);
  if (listing.status == SourceListing::Status::missing) {
    if (missing_warned)
      report(origin, Severity::warning,
             fmt::format("directory {} does not exist; nothing included", dir));
    return std::nullopt;
  }
  if (listing.status != SourceListing::Status::ok) {
    report(origin, Severity::error,
           fmt::format("cannot read directory {}: {}", dir, listing.problem));
    incomplete_ = true;
    return std::nullopt;
  }
  return std::move(listing.names);
}

void TreeReader::read_directory(const std::string& dir, const std::string& pattern,
                                const Origin& origin, int depth) {
  // The drop-in directory is optional; a glob's missing directory is likely a typo.
  auto names = list(dir, origin, !pattern.empty());
  if (!names) return;
  for (const auto& name : select_names(std::move(*names), pattern))
    read(join_path(dir, name), origin, depth, Reach::matched);
}

void TreeReader::read_xinetd_dir(const std::string& dir, const Origin& origin, int depth) {
  auto names = list(dir, origin, true);
  if (!names) return;
  for (const auto& name : xinetd::names_read_in_dir(std::move(*names)))
    read(join_path(dir, name), origin, depth, Reach::matched);
}

}  // namespace

TreeResult parse_config_tree(const std::string& main_file, const std::string& drop_in_dir,
                             ConfigSource& source, Syntax syntax) {
  TreeResult result;
  TreeReader reader(source, result, syntax);
  reader.read(main_file, Origin{main_file, 0, 0}, 0, Reach::main);
  if (result.readable && !drop_in_dir.empty())
    reader.read_directory(drop_in_dir, "", Origin{drop_in_dir, 0, 0}, 1);
  if (reader.incomplete()) result.readable = false;
  result.syntax = reader.syntax();
  return result;
}

}  // namespace ninetd::config
