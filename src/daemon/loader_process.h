// LoaderProcess: the configuration loader's process as the daemon holds it.
// The loader is forked from the daemon, so it starts with everything the daemon
// has open: listeners, clients' connections, the pid file and its lock. Kept,
// a loader stuck on a lookup would hold a client's connection after the daemon
// closed it, keep the ports bound after the daemon stopped, and keep the pid
// file's lock after a SIGKILL of the daemon. So the loader keeps only its pipe
// (and 0-2), dies with the daemon, and the daemon can kill it at any time
// without ever signalling another process that was given its pid.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "sys/fd.h"
#include "sys/result.h"

namespace ninetd::daemon {

struct LoadRequest {
  std::string config_path;
  std::string login_conf;
  std::string include_dir;  // the drop-in directory; empty: none
  bool xinetd = false;      // -x: the files are xinetd.conf
};

class LoaderProcess {
 public:
  // Forks a loader for `request`; the failed call (pipe2, fork) when it cannot.
  static sys::Result<LoaderProcess> start(const LoadRequest& request);
  // Forks a helper of the same kind (named `title` in ps) whose output is
  // what `produce` returns, run in the child.
  static sys::Result<LoaderProcess> start_child(const char* title,
                                                const std::function<std::string()>& produce);

  LoaderProcess(LoaderProcess&&) = default;
  LoaderProcess& operator=(LoaderProcess&&) = default;

  pid_t pid() const { return pid_; }
  // The read end of the loader's pipe: the encoded configuration, then end of file.
  int output() const { return output_.get(); }

  // SIGKILL, through a pidfd where the kernel has them: the daemon reaps its
  // children from the loop, and a pid already reaped may belong to a server.
  void kill() const;
  // Reaps the loader, waiting for it at most `grace`: a loader stuck where
  // even SIGKILL waits (a dead NFS server) is left to init rather than hang
  // the daemon.
  void reap(std::chrono::milliseconds grace) const;

 private:
  LoaderProcess(pid_t pid, sys::Fd pidfd, sys::Fd output)
      : pid_(pid), pidfd_(std::move(pidfd)), output_(std::move(output)) {}

  pid_t pid_;
  sys::Fd pidfd_;  // invalid on kernels before 5.3
  sys::Fd output_;
};

}  // namespace ninetd::daemon
