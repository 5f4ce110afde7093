#include "services/config_loader.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "config/config_tree.h"
#include "sys/fd.h"

namespace ninetd::services {
namespace {

// Beyond this a file is not an inetd.conf (a device, a log file given by mistake).
constexpr off_t kMaxConfigSize = off_t{64} * 1024 * 1024;

// Reads `fd` to its end into `text`, refusing more than kMaxConfigSize.
bool read_all(int fd, std::string& text, std::string& problem) {
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
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

// A file's text. With `regular_only` (an included file) it is opened without
// blocking (a FIFO must not hold the loader) and read only if it is a regular
// file; the main file may be anything but a directory (ninetd -t /dev/stdin).
config::SourceText read_source(const std::string& path, bool regular_only) {
  using Status = config::SourceText::Status;
  config::SourceText out;
  int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | (regular_only ? O_NONBLOCK : 0);
  sys::Fd fd(::open(path.c_str(), flags));
  if (!fd) {
    out.status = errno == ENOENT ? Status::missing : Status::failed;
    out.problem = std::strerror(errno);
    return out;
  }
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) {
    out.problem = std::strerror(errno);
    return out;
  }
  if (S_ISDIR(st.st_mode) || (regular_only && !S_ISREG(st.st_mode))) {
    out.status = Status::not_regular;
    out.problem = S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file";
    return out;
  }
  out.identity = fmt::format("{}:{}", st.st_dev, st.st_ino);
  if (read_all(fd.get(), out.text, out.problem)) out.status = Status::ok;
  return out;
}

bool read_file(const std::string& path, std::string& text, std::string& problem) {
  config::SourceText source = read_source(path, false);
  text = std::move(source.text);
  problem = std::move(source.problem);
  return source.status == config::SourceText::Status::ok;
}

struct DirCloser {
  void operator()(DIR* dir) const { (void)closedir(dir); }
};

config::SourceListing list_directory(const std::string& path) {
  using Status = config::SourceListing::Status;
  config::SourceListing out;
  // glibc opens it close-on-exec.
  std::unique_ptr<DIR, DirCloser> dir(opendir(path.c_str()));
  if (!dir) {
    out.status = errno == ENOENT ? Status::missing : Status::failed;
    out.problem = std::strerror(errno);
    return out;
  }
  for (;;) {
    errno = 0;
    const dirent* entry = readdir(dir.get());
    if (entry == nullptr) break;
    out.names.emplace_back(entry->d_name);
  }
  if (errno != 0) {
    out.problem = std::strerror(errno);
    return out;
  }
  out.status = Status::ok;
  return out;
}

class FileSystemSource final : public config::ConfigSource {
 public:
  config::SourceText read(const std::string& path, bool regular_only) override {
    return read_source(path, regular_only);
  }
  config::SourceListing list(const std::string& dir) override { return list_directory(dir); }
};

// Attaches each named login class's resource limits; a class that cannot be
// found is a warning, since FreeBSD lines name classes Linux never had.
void apply_login_classes(std::vector<Service>& services, const std::vector<std::string>& files,
                         const std::string& login_conf,
                         std::vector<config::Diagnostic>& diagnostics) {
  std::optional<std::string> text;
  std::string problem;
  bool read = false;
  // A "tcp" entry is two services of one line: warn once.
  std::set<std::pair<std::uint16_t, int>> warned_lines;
  for (Service& s : services) {
    if (s.login_class() == nullptr) continue;
    const std::string name = s.login_class()->name;
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
      s.extras = changed(s.extras, [&](ServiceExtras& extras) {
        extras.launch->login_class = LoginClass{name, std::move(found.limits)};
      });
    }
    if (!warned_lines.insert({s.file, s.line}).second) continue;
    const std::string& file = s.file < files.size() ? files[s.file] : files.front();
    for (auto& w : warnings)
      diagnostics.push_back({file, s.line, 0, config::Severity::warning, std::move(w)});
  }
}

}  // namespace

config::TreeResult read_config_tree(const std::string& path, const std::string& include_dir,
                                    config::Syntax syntax) {
  FileSystemSource source;
  return config::parse_config_tree(path, include_dir, source, syntax);
}

LoadedConfig resolve_config_tree(config::TreeResult& tree, SystemDb& db,
                                 const std::string& login_conf) {
  LoadedConfig loaded;
  loaded.readable = tree.readable;
  loaded.diagnostics = std::move(tree.diagnostics);
  loaded.files = std::move(tree.files);
  if (!loaded.readable) return loaded;
  loaded.failed = std::move(tree.failed);
  ResolveResult resolved = resolve(tree.services, db, loaded.diagnostics);
  loaded.services = std::move(resolved.services);
  loaded.log_targets = std::move(resolved.log_targets);
  apply_login_classes(loaded.services, loaded.files, login_conf, loaded.diagnostics);
  for (auto& f : resolved.failed) loaded.failed.push_back(std::move(f));
  return loaded;
}

LoadedConfig load_config(const std::string& path, SystemDb& db, const std::string& login_conf,
                         const std::string& include_dir, config::Syntax syntax) {
  config::TreeResult parsed = read_config_tree(path, include_dir, syntax);
  return resolve_config_tree(parsed, db, login_conf);
}

}  // namespace ninetd::services
