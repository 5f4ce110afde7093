#include "daemon/check.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "daemon/service_listing.h"

namespace ninetd::daemon {

void print_diagnostics(const services::LoadedConfig& loaded, std::FILE* out) {
  // In the order the files were read, then by line and column in each; a
  // diagnostic about no file that was read (the drop-in directory) comes last.
  auto rank = [&loaded](const config::Diagnostic& d) {
    auto it = std::find(loaded.files.begin(), loaded.files.end(), d.file);
    return static_cast<std::size_t>(it - loaded.files.begin());
  };
  auto sorted = loaded.diagnostics;
  std::stable_sort(sorted.begin(), sorted.end(), [&rank](const auto& a, const auto& b) {
    if (a.file != b.file) return rank(a) < rank(b);
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  for (const auto& d : sorted) fmt::print(out, "{}\n", d.format());
}

std::string summarize(const services::LoadedConfig& loaded) {
  // Counted by name: a "tcp" entry is one service on two sockets.
  std::set<std::string> names, builtin_names, tcpmux_names;
  std::size_t sockets = 0;
  for (const auto& s : loaded.services) {
    names.insert(s.name);
    if (s.has_socket()) ++sockets;
    if (s.builtin != config::Builtin::none) builtin_names.insert(s.name);
    if (s.tcpmux) tcpmux_names.insert(s.name);
  }
  std::size_t builtins = builtin_names.size(), tcpmux = tcpmux_names.size();
  std::size_t errors = 0, warnings = 0;
  for (const auto& d : loaded.diagnostics)
    (d.severity == config::Severity::error ? errors : warnings)++;
  return fmt::format(
      "{} service{} on {} socket{} ({} internal, {} through tcpmux); "
      "{} error{}, {} warning{}",
      names.size(), names.size() == 1 ? "" : "s", sockets, sockets == 1 ? "" : "s", builtins,
      tcpmux, errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
}

int run_check(const std::string& path, const std::string& login_conf,
              const std::string& include_dir, bool xinetd) {
  services::LibcSystemDb db;
  config::TreeResult tree = services::read_config_tree(
      path, include_dir, xinetd ? config::Syntax::xinetd : config::Syntax::inetd);
  auto loaded = services::resolve_config_tree(tree, db, login_conf);
  print_diagnostics(loaded, stderr);
  for (const std::string& line : list_services(tree, loaded)) fmt::print("{}\n", line);
  fmt::print("{}: {}\n", path, summarize(loaded));
  return config::has_errors(loaded.diagnostics) ? 1 : 0;
}

}  // namespace ninetd::daemon
