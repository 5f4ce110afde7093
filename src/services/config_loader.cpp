#include "services/config_loader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sys/fd.h"

namespace ninetd::services {
namespace {

// Beyond this a file is not an inetd.conf (a device, a log file given by mistake).
constexpr off_t kMaxConfigSize = 64 * 1024 * 1024;

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

}  // namespace

LoadedConfig load_config(const std::string& path, SystemDb& db) {
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
  for (auto& f : resolved.failed) loaded.failed.push_back(std::move(f));
  return loaded;
}

}  // namespace ninetd::services
