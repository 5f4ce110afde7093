#include "services/config_loader.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <set>

#include "sys/fd.h"

namespace ninetd::services {
namespace {

// Beyond this a file is not an inetd.conf (a device, a log file given by mistake).
constexpr off_t kMaxConfigSize = off_t{64} * 1024 * 1024;

bool read_file(const std::string& path, std::string& text, std::string& problem) {
  sys::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd) {
    problem = std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (fstat(fd.get(), &st) == 0 && S_ISDIR(st.st_mode)) {
    problem = "is a directory";
    return false;
  }
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      problem = std::strerror(errno);
      return false;
    }
    if (n == 0) return true;
    text.append(buffer, static_cast<std::size_t>(n));
    if (static_cast<off_t>(text.size()) > kMaxConfigSize) {
      problem = "larger than 64 MiB; not a configuration file";
      return false;
    }
  }
}

// Attaches each named login class's resource limits; a class that cannot be
// found is a warning, since FreeBSD lines name classes Linux never had.
void apply_login_classes(std::vector<Service>& services, const std::string& file,
                         const std::string& login_conf,
                         std::vector<config::Diagnostic>& diagnostics) {
  std::optional<std::string> text;
  std::string problem;
  bool read = false;
  std::set<int> warned_lines;  // a "tcp" entry is two services of one line: warn once
  for (Service& s : services) {
    if (!s.login_class) continue;
    const std::string name = s.login_class->name;
    if (!read) {
      read = true;
      std::string contents;
      if (read_file(login_conf, contents, problem)) text = std::move(contents);
    }
    std::vector<std::string> warnings;
    if (!text) {
      warnings.push_back(fmt::format("{}: login class \"{}\" has no limits: cannot read {}: {}",
                                     s.name, name, login_conf, problem));
    } else {
      LoginClassResult found = find_login_class(*text, name);
      if (!found.found)
        warnings.push_back(fmt::format("{}: login class \"{}\" is not in {}; no limits applied",
                                       s.name, name, login_conf));
      for (auto& p : found.problems)
        warnings.push_back(fmt::format("{}: {}: {}", s.name, login_conf, p));
      // Sharing one class between its services is the daemon's business: the
      // decoder does it (config_codec), this short-lived process need not.
      s.login_class = std::make_shared<const LoginClass>(LoginClass{name, std::move(found.limits)});
    }
    if (!warned_lines.insert(s.line).second) continue;
    for (auto& w : warnings)
      diagnostics.push_back({file, s.line, 0, config::Severity::warning, std::move(w)});
  }
}

}  // namespace

LoadedConfig load_config(const std::string& path, SystemDb& db, const std::string& login_conf) {
  LoadedConfig loaded;
  std::string text, problem;
  if (!read_file(path, text, problem)) {
    loaded.diagnostics.push_back(
        {path, 0, 0, config::Severity::error, "cannot read configuration: " + problem});
    return loaded;
  }
  loaded.readable = true;
  config::ParseResult parsed = config::parse_config(text, path);
  loaded.diagnostics = std::move(parsed.diagnostics);
  loaded.failed = std::move(parsed.failed);
  ResolveResult resolved = resolve(parsed.services, db, loaded.diagnostics);
  loaded.services = std::move(resolved.services);
  apply_login_classes(loaded.services, path, login_conf, loaded.diagnostics);
  for (auto& f : resolved.failed) loaded.failed.push_back(std::move(f));
  return loaded;
}

}  // namespace ninetd::services
