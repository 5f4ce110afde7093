#include "daemon/pidfile.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace ninetd::daemon {

const char* const Pidfile::kNotRegular = "not a regular file";
const char* const Pidfile::kHardLinked = "another name links to it";

sys::Result<Pidfile> Pidfile::acquire(const std::string& path, std::string& holder) {
  // O_NOFOLLOW: through a symlink planted at the path the daemon would
  // truncate and write the file it points to. O_NONBLOCK and O_NOCTTY:
  // opening a FIFO or a terminal found there must neither wait nor take it.
  sys::Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY,
                    0644));
  if (!fd) return sys::last_error("open");
  // Only a regular file of its own: the daemon truncates it and removes its
  // name at exit, which for -p /dev/null or a FIFO would remove a device or
  // someone's pipe, and for a hard link would clobber another file's data.
  struct stat st {};
  if (fstat(fd.get(), &st) < 0) return sys::last_error("fstat");
  if (!S_ISREG(st.st_mode)) return sys::SysError{EINVAL, kNotRegular};
  if (st.st_nlink > 1) return sys::SysError{EMLINK, kHardLinked};
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

std::string Pidfile::explain(const sys::SysError& error) {
  if (error.call == kNotRegular || error.call == kHardLinked) return error.call;
  if (error.code == ELOOP) return "a symbolic link; not following it";
  return error.describe();
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
