#include "daemon/pidfile.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>

namespace ninetd::daemon {

sys::Result<Pidfile> Pidfile::acquire(const std::string& path, std::string& holder) {
  sys::Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (!fd) return sys::last_error("open");
  if (flock(fd.get(), LOCK_EX | LOCK_NB) < 0) {
    sys::SysError error = sys::last_error("flock");
    char buffer[32] = "";
    ssize_t n = pread(fd.get(), buffer, sizeof(buffer) - 1, 0);
    if (n > 0) {
      holder.assign(buffer, static_cast<std::size_t>(n));
      while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    }
    return error;
  }
  return Pidfile(path, std::move(fd));
}

Pidfile::~Pidfile() {
  if (fd_) ::unlink(path_.c_str());
}

sys::Result<void> Pidfile::write_pid(pid_t pid) {
  std::string text = fmt::format("{}\n", pid);
  if (ftruncate(fd_.get(), 0) < 0) return sys::last_error("ftruncate");
  if (pwrite(fd_.get(), text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()))
    return sys::last_error("write");
  return {};
}

}  // namespace ninetd::daemon
