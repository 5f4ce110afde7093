// Pidfile: created, locked (flock) for the daemon's whole life, and removed at
// exit. The lock, not the file's existence, says a ninetd is running, so a
// stale file left by a crash never blocks a start.
#pragma once

#include <sys/types.h>

#include <string>

#include "sys/fd.h"
#include "sys/result.h"

namespace ninetd::daemon {

class Pidfile {
 public:
  // Fails with EWOULDBLOCK when another process holds the lock; `holder` then
  // has the pid written in the file, if any.
  // It also refuses a symlink at the path (ELOOP), anything but a regular
  // file (call kNotRegular) and a file with other hard links (kHardLinked).
  static sys::Result<Pidfile> acquire(const std::string& path, std::string& holder);
  // Why acquire() failed, for the log; EWOULDBLOCK is the caller's to word.
  static std::string explain(const sys::SysError& error);
  static const char* const kNotRegular;
  static const char* const kHardLinked;
  Pidfile(Pidfile&&) = default;
  Pidfile& operator=(Pidfile&&) = default;
  ~Pidfile();
  sys::Result<void> write_pid(pid_t pid);

 private:
  Pidfile(std::string path, sys::Fd fd) : path_(std::move(path)), fd_(std::move(fd)) {}
  std::string path_;
  sys::Fd fd_;
};

}  // namespace ninetd::daemon
