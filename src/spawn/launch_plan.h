// LaunchPlan: everything the child reads between clone and execve, as plain
// pointers and counts. A plan either points into the caller's own storage (the
// vfork-style launch, where the daemon waits for the exec) or into an arena of
// its own (the launch that does not wait: the daemon goes on and reuses its
// buffers while the child still reads the plan). Pure: no system calls.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <cstddef>
#include <span>
#include <vector>

#include "services/login_class.h"
#include "services/service.h"
#include "spawn/identity.h"

namespace ninetd::spawn {

struct LaunchRequest {
  const char* path = nullptr;
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  int socket_fd = -1;       // becomes 0, 1 and 2
  bool listen_fds = false;  // also descriptor 3, with LISTEN_FDS=1 and LISTEN_PID set
  // A new session (setsid) rather than a new process group (setpgid): where the
  // kernel groups sessions for scheduling (sched_autogroup), every session is a
  // scheduling group of its own, costly to make and competing with the daemon.
  bool new_session = false;
  const services::Credentials* credentials = nullptr;
  // Of the calls that switch to `credentials`, those that change something
  // (identity.h); all by default.
  CredentialSteps credential_steps;
  const std::vector<services::ResourceLimit>* limits = nullptr;  // login class
};

struct LaunchPlan {
  const char* path = nullptr;
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  int socket_fd = -1;
  bool listen_fds = false;
  bool new_session = false;
  // The child starts on the daemon's own descriptor table (CLONE_FILES) and
  // takes a private one holding only 0, 1 and 2 (spawner.cpp).
  bool shared_table = false;
  bool set_groups = false;
  bool set_gid = false;
  bool set_uid = false;
  uid_t uid = 0;
  gid_t gid = 0;
  const gid_t* groups = nullptr;
  std::size_t group_count = 0;
  const services::ResourceLimit* limits = nullptr;
  std::size_t limit_count = 0;
  // The service's nice value and umask (LaunchSettings), when it gives them.
  bool set_nice = false;
  bool set_umask = false;
  int nice = 0;
  unsigned umask = 0;
  // Signals to put back to their default action (the daemon ignores them).
  const int* ignored = nullptr;
  int ignored_count = 0;
  // The descriptor limit the daemon started with, put back before the login
  // class's limits (which may set it again): the daemon raised its own.
  bool restore_open_files = false;
  rlimit open_files{};
  // Written by the child when a step fails: errno and the step's name.
  int error = 0;
  const char* step = nullptr;
};

// A plan that points into the request's storage.
LaunchPlan plan_in_place(const LaunchRequest& request);

// A plan whose strings, pointer arrays, groups and limits are all copied into
// `arena`. False when they do not fit; `plan` is then unspecified.
bool pack_plan(const LaunchRequest& request, std::span<std::byte> arena, LaunchPlan& plan);

}  // namespace ninetd::spawn
