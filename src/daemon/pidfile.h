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
  static sys::Result<Pidfile> acquire(const std::string& path, std::string& holder);
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
