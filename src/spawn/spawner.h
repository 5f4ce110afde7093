// Spawner: starts a server with a socket on descriptors 0, 1 and 2, as the
// configured user, in a vfork-style child (clone with CLONE_VM|CLONE_VFORK).
// The child runs only raw system calls on data prepared here, so nothing in it
// allocates, locks or touches NSS; a failure between clone and exec is written
// into memory the parent shares and reported by launch(), naming the step.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <vector>

#include "services/service.h"
#include "sys/result.h"

namespace ninetd::spawn {

struct LaunchRequest {
  const char* path = nullptr;
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  int socket_fd = -1;        // becomes 0, 1 and 2
  bool listen_fds = false;   // also descriptor 3, with LISTEN_FDS=1 and LISTEN_PID set
  // A new session (setsid) rather than a new process group (setpgid): where the
  // kernel groups sessions for scheduling (sched_autogroup), every session is a
  // scheduling group of its own, costly to make and competing with the daemon.
  bool new_session = false;
  const services::Credentials* credentials = nullptr;
  const std::vector<services::ResourceLimit>* limits = nullptr;  // login class
};

// The new child's pid; on failure the child has already been reaped and the
// error names the step that failed ("execve", "setuid", ...).
sys::Result<pid_t> launch(const LaunchRequest& request);

}  // namespace ninetd::spawn
