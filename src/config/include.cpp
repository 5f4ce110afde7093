#include "config/include.h"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <array>

namespace ninetd::config {

bool is_directive(const Entry& entry) {
  if (entry.words.empty()) return false;
  const std::string& first = entry.words.front().text;
  return first.starts_with('.') && first.find(':') == std::string::npos;
}

bool parse_include(const Entry& entry, const std::string& file, IncludeDirective& out,
                   std::vector<Diagnostic>& diagnostics) {
  const auto& words = entry.words;
  const Word& keyword = words.front();
  if (keyword.text != ".include") {
    diagnostics.push_back(
        {file, keyword.line, keyword.column, Severity::error,
         fmt::format("unknown directive \"{}\" (the only one is .include)", keyword.text)});
    return false;
  }
  if (words.size() == 1) {
    diagnostics.push_back({file, keyword.line,
                           keyword.column + static_cast<int>(keyword.text.size()), Severity::error,
                           ".include needs a file name or a pattern such as DIR/*.conf"});
    return false;
  }
  if (words.size() > 2) {
    diagnostics.push_back({file, words[2].line, words[2].column, Severity::error,
                           ".include takes one path; a file name with spaces cannot be included"});
    return false;
  }
  out = IncludeDirective{words[1].text, words[1].line, words[1].column, 0, false};
  return true;
}

bool has_wildcard(std::string_view text) {
  return text.find_first_of("*?[") != std::string_view::npos;
}

std::string include_path(const std::string& including_file, const std::string& path) {
  if (path.starts_with('/')) return path;
  auto slash = including_file.rfind('/');
  if (slash == std::string::npos) return path;
  std::string out(including_file, 0, slash + 1);
  out.append(path);
  return out;
}

std::string join_path(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  std::string out = dir;
  if (!out.ends_with('/')) out.push_back('/');
  out.append(name);
  return out;
}

GlobParts split_glob(const std::string& path) {
  GlobParts parts;
  auto slash = path.rfind('/');
  // Built as strings, not assigned from literals: g++ 12 warns falsely
  // (-Wrestrict) on the assignment of a short literal in a Release build.
  if (slash == std::string::npos)
    parts.dir = std::string(1, '.');
  else
    parts.dir = slash == 0 ? std::string(1, '/') : path.substr(0, slash);
  parts.pattern = slash == std::string::npos ? path : path.substr(slash + 1);
  if (has_wildcard(parts.dir))
    parts.error = fmt::format(
        "wildcards are read in the last part of an include path only, not in \"{}\"", parts.dir);
  else if (parts.pattern.empty())
    parts.error = fmt::format("include pattern \"{}\" names no file", path);
  return parts;
}

bool skipped_name(std::string_view name) {
  static constexpr std::array<std::string_view, 7> kLeftovers{
      "~", ".dpkg-old", ".dpkg-new", ".dpkg-dist", ".dpkg-tmp", ".bak", ".swp"};
  if (name.empty() || name.starts_with('.')) return true;
  return std::any_of(kLeftovers.begin(), kLeftovers.end(),
                     [name](std::string_view suffix) { return name.ends_with(suffix); });
}

std::vector<std::string> select_names(std::vector<std::string> names, const std::string& pattern) {
  std::erase_if(names, [&pattern](const std::string& name) {
    if (skipped_name(name)) return true;
    return !pattern.empty() && fnmatch(pattern.c_str(), name.c_str(), FNM_PERIOD) != 0;
  });
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace ninetd::config
