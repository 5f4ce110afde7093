#include "spawn/spawner.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ninetd::spawn {
namespace {

constexpr std::size_t kChildStackSize = std::size_t{64} * 1024;
alignas(64) char child_stack[kChildStackSize];

// Shared with the child through CLONE_VM: the request in, the failure out.
struct ChildContext {
  const LaunchRequest* request;
  int error;
  const char* step;
  const int* ignored;
  int ignored_count;
};

// The signals whose disposition is "ignore" in the daemon. Dispositions are
// settled before the first launch (SIGPIPE at start, the rest inherited), so
// they are read once, not on every spawn.
struct IgnoredSignals {
  int signals[NSIG];
  int count = 0;
  IgnoredSignals() {
    for (int sig = 1; sig < NSIG; ++sig) {
      if (sig == SIGKILL || sig == SIGSTOP) continue;
      struct sigaction current {};
      if (sigaction(sig, nullptr, &current) == 0 &&
          (current.sa_handler == SIG_IGN || sig == SIGPIPE))
        signals[count++] = sig;
    }
  }
};

// Records the failed step for the parent; the child then returns from
// child_main, which ends it. Nothing here is [[noreturn]]: a sanitizer build
// would otherwise run its no-return hook on this foreign stack and write a
// warning onto the client's connection.
int fail(ChildContext* context, const char* step) {
  context->error = errno;
  context->step = step;
  return 127;
}

// LISTEN_PID must hold the child's own pid, known only in the child.
void fill_listen_pid(char* const* envp) {
  static constexpr char kName[] = "LISTEN_PID=";
  for (; *envp != nullptr; ++envp) {
    char* entry = *envp;
    if (std::strncmp(entry, kName, sizeof(kName) - 1) != 0) continue;
    char digits[24];
    int n = 0;
    for (long pid = syscall(SYS_getpid); pid > 0 && n < 23; pid /= 10)
      digits[n++] = static_cast<char>('0' + pid % 10);
    char* out = entry + sizeof(kName) - 1;
    while (n > 0) *out++ = digits[--n];
    *out = '\0';
  }
}

int child_main(void* argument) {
  auto* context = static_cast<ChildContext*>(argument);
  const LaunchRequest& r = *context->request;

  // "Ignore" survives execve (caught signals do not: the daemon catches none,
  // it blocks them and reads a signalfd). Besides SIGPIPE, which the daemon
  // ignores itself, it may have inherited ignored signals from whoever started
  // it (nohup, a shell's "&"): the server gets them all back at their default.
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (int i = 0; i < context->ignored_count; ++i)
    if (sigaction(context->ignored[i], &default_action, nullptr) < 0)
      return fail(context, "sigaction");

  // Out of the daemon's process group, so signals meant for the daemon's group
  // (a terminal's Ctrl-C under -d, a kill of the group) never reach servers.
  if (r.new_session ? setsid() < 0 : setpgid(0, 0) < 0)
    return fail(context, r.new_session ? "setsid" : "setpgid");
  for (int target = 0; target <= 2; ++target)
    if (dup2(r.socket_fd, target) < 0) return fail(context, "dup2");
  int first_to_close = 3;
  if (r.listen_fds) {
    if (dup2(r.socket_fd, 3) < 0) return fail(context, "dup2");
    first_to_close = 4;
    fill_listen_pid(r.envp);
  }
  if (syscall(SYS_close_range, first_to_close, ~0U, 0) < 0) {
    // Kernels before 5.9: close what the descriptor table can hold.
    long max = sysconf(_SC_OPEN_MAX);
    for (long fd = first_to_close; fd < max; ++fd) close(static_cast<int>(fd));
  }
  if (r.limits != nullptr)
    for (const services::ResourceLimit& limit : *r.limits) {
      rlimit value{limit.soft, limit.hard};
      if (syscall(SYS_setrlimit, limit.resource, &value) < 0) return fail(context, "setrlimit");
    }
  if (r.credentials != nullptr && r.credentials->switch_user) {
    const auto& c = *r.credentials;
    // Raw system calls: glibc's wrappers would try to signal other threads.
    if (syscall(SYS_setgroups, c.groups.size(), c.groups.data()) < 0)
      return fail(context, "setgroups");
    if (syscall(SYS_setgid, c.gid) < 0) return fail(context, "setgid");
    if (syscall(SYS_setuid, c.uid) < 0) return fail(context, "setuid");
  }
  sigset_t empty;
  sigemptyset(&empty);
  if (sigprocmask(SIG_SETMASK, &empty, nullptr) < 0) return fail(context, "sigprocmask");
  execve(r.path, r.argv, r.envp);
  return fail(context, "execve");
}

}  // namespace

sys::Result<pid_t> launch(const LaunchRequest& request) {
  static const IgnoredSignals ignored;
  ChildContext context{&request, 0, nullptr, ignored.signals, ignored.count};
  int flags = CLONE_VM | CLONE_VFORK | SIGCHLD;
  pid_t pid = clone(child_main, child_stack + kChildStackSize, flags, &context);
  if (pid < 0) return sys::last_error("clone");
  // CLONE_VFORK: we run again only once the child has exec'd or exited.
  if (context.step != nullptr) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return sys::SysError{context.error, context.step};
  }
  return pid;
}

}  // namespace ninetd::spawn
