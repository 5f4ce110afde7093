#include "spawn/spawner.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "spawn/raw_syscall.h"

namespace ninetd::spawn {
namespace {

// The stack of a vfork-style child: one at a time, the daemon waits meanwhile.
constexpr std::size_t kVforkStackSize = std::size_t{64} * 1024;
alignas(64) char vfork_stack[kVforkStackSize];

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

#if NINETD_HAVE_RAW_SYSCALL
long child_call(long number, long a = 0, long b = 0, long c = 0, long d = 0) {
  return raw_syscall(number, a, b, c, d);
}
#else
// Without raw system calls only the vfork-style launch is used; the daemon
// waits, so the child writing its errno is harmless.
long child_call(long number, long a = 0, long b = 0, long c = 0, long d = 0) {
  long result = syscall(number, a, b, c, d);
  return result < 0 ? -errno : result;
}
#endif

long to_long(const void* pointer) {
  return reinterpret_cast<long>(pointer);
}

// Records the failed step for the parent; the child then returns from
// child_main, which ends it. Nothing here is [[noreturn]]: a sanitizer build
// would otherwise run its no-return hook on this foreign stack and write a
// warning onto the client's connection.
int fail(LaunchPlan* plan, const char* step, long result) {
  plan->error = static_cast<int>(-result);
  plan->step = step;
  return 127;
}

// Whether `text` starts with `prefix`. Written out rather than strncmp: the
// child must make no libc call, and a first call through the PLT could even
// run the dynamic linker on the slot's small stack.
bool starts_with(const char* text, const char* prefix) {
  for (; *prefix != '\0'; ++text, ++prefix)
    if (*text != *prefix) return false;
  return true;
}

// LISTEN_PID must hold the child's own pid, known only in the child.
void fill_listen_pid(char* const* envp) {
  static constexpr char kName[] = "LISTEN_PID=";
  for (; *envp != nullptr; ++envp) {
    char* entry = *envp;
    if (!starts_with(entry, kName)) continue;
    char digits[24];
    int n = 0;
    for (long pid = child_call(SYS_getpid); pid > 0 && n < 23; pid /= 10)
      digits[n++] = static_cast<char>('0' + pid % 10);
    char* out = entry + sizeof(kName) - 1;
    while (n > 0) *out++ = digits[--n];
    *out = '\0';
  }
}

long duplicate(int from, int to) {
#ifdef SYS_dup2
  return child_call(SYS_dup2, from, to);
#else
  return child_call(SYS_dup3, from, to, 0);
#endif
}

// The kernel's struct sigaction, for SIG_DFL: no handler, flags or mask.
struct KernelSigaction {
  unsigned long handler = 0;
  unsigned long flags = 0;
  unsigned long restorer = 0;
  unsigned long mask = 0;
};

// The helpers below run in the child, on its launch slot's stack, as
// child_main does: raw system calls only. Each returns 0, or fail()'s status
// with the failed step recorded in the plan.

// "Ignore" survives execve (caught signals do not: the daemon catches none,
// it blocks them and reads a signalfd). Besides SIGPIPE, which the daemon
// ignores itself, it may have inherited ignored signals from whoever started
// it (nohup, a shell's "&"): the server gets them all back at their default.
int restore_default_signals(LaunchPlan* plan) {
  KernelSigaction default_action;
  long result = 0;
  for (int i = 0; i < plan->ignored_count; ++i)
    if ((result = child_call(SYS_rt_sigaction, plan->ignored[i], to_long(&default_action), 0,
                             sizeof(default_action.mask))) < 0)
      return fail(plan, "sigaction", result);
  return 0;
}

// The connection on 0-2 (and 3 for a listen_fds server), every other
// descriptor closed.
int place_descriptors(LaunchPlan* plan) {
  long result = 0;
  for (int target = 0; target <= 2; ++target)
    if ((result = duplicate(plan->socket_fd, target)) < 0) return fail(plan, "dup2", result);
  int first_to_close = 3;
  if (plan->listen_fds) {
    if ((result = duplicate(plan->socket_fd, 3)) < 0) return fail(plan, "dup2", result);
    first_to_close = 4;
    fill_listen_pid(plan->envp);
  }
  // On the daemon's table, the kernel copies only the descriptors below the
  // range into the child's new one: nothing else is taken, so nothing to close.
  unsigned close_flags = plan->shared_table ? CLOSE_RANGE_UNSHARE : 0;
  if (child_call(SYS_close_range, first_to_close, ~0U, close_flags) < 0) {
    if (plan->shared_table && (result = child_call(SYS_unshare, CLONE_FILES)) < 0)
      return fail(plan, "unshare", result);
    // Kernels before 5.9: close what the descriptor table can hold.
    rlimit open_files{1024, 1024};
    child_call(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, to_long(&open_files));
    for (rlim_t fd = first_to_close; fd < open_files.rlim_cur; ++fd)
      child_call(SYS_close, static_cast<long>(fd));
  }
  return 0;
}

// The open-files limit the daemon was started with, then the service's
// (its login class's, and its own rlimit_* in their place).
int apply_limits(LaunchPlan* plan) {
  long result = 0;
  if (plan->restore_open_files &&
      (result = child_call(SYS_prlimit64, 0, RLIMIT_NOFILE, to_long(&plan->open_files), 0)) < 0)
    return fail(plan, "setrlimit", result);
  for (std::size_t i = 0; i < plan->limit_count; ++i) {
    const services::ResourceLimit& limit = plan->limits[i];
    rlimit value{limit.soft, limit.hard};
    if ((result = child_call(SYS_prlimit64, 0, limit.resource, to_long(&value), 0)) < 0)
      return fail(plan, "setrlimit", result);
  }
  return 0;
}

// The service's nice value and umask. Before the user changes: only root may
// lower a nice value (a negative one, below the daemon's).
int apply_settings(LaunchPlan* plan) {
  long result = 0;
  if (plan->set_nice &&
      (result = child_call(SYS_setpriority, PRIO_PROCESS, 0, static_cast<long>(plan->nice))) < 0)
    return fail(plan, "setpriority", result);
  if (plan->set_umask) child_call(SYS_umask, static_cast<long>(plan->umask));  // cannot fail
  return 0;
}

// Groups and gid first: after setuid to another user there is no right left to set them.
int change_identity(LaunchPlan* plan) {
  long result = 0;
  if (plan->set_groups && (result = child_call(SYS_setgroups, static_cast<long>(plan->group_count),
                                               to_long(plan->groups))) < 0)
    return fail(plan, "setgroups", result);
  if (plan->set_gid && (result = child_call(SYS_setgid, plan->gid)) < 0)
    return fail(plan, "setgid", result);
  if (plan->set_uid && (result = child_call(SYS_setuid, plan->uid)) < 0)
    return fail(plan, "setuid", result);
  return 0;
}

int child_main(void* argument) {
  auto* plan = static_cast<LaunchPlan*>(argument);
  if (int failed = restore_default_signals(plan)) return failed;
  // Out of the daemon's process group, so signals meant for the daemon's group
  // (a terminal's Ctrl-C under -d, a kill of the group) never reach servers.
  long result = plan->new_session ? child_call(SYS_setsid) : child_call(SYS_setpgid, 0, 0);
  if (result < 0) return fail(plan, plan->new_session ? "setsid" : "setpgid", result);
  if (int failed = place_descriptors(plan)) return failed;
  if (int failed = apply_limits(plan)) return failed;
  if (int failed = apply_settings(plan)) return failed;
  if (int failed = change_identity(plan)) return failed;
  unsigned long empty_mask = 0;
  if ((result = child_call(SYS_rt_sigprocmask, SIG_SETMASK, to_long(&empty_mask), 0,
                           sizeof(empty_mask))) < 0)
    return fail(plan, "sigprocmask", result);
  result = child_call(SYS_execve, to_long(plan->path), to_long(plan->argv), to_long(plan->envp));
  return fail(plan, "execve", result);
}

// set_server_open_files_limit's value, when the daemon raised its own.
std::optional<rlimit>& server_open_files() {
  static std::optional<rlimit> limit;
  return limit;
}

// What every launch undoes of the daemon's own state: the signals to put back
// to their default (static storage, the same for every launch, so neither
// kind of plan needs a copy) and the raised descriptor limit.
void add_daemon_state(LaunchPlan& plan) {
  static const IgnoredSignals ignored;
  plan.ignored = ignored.signals;
  plan.ignored_count = ignored.count;
  if (const std::optional<rlimit>& open_files = server_open_files()) {
    plan.restore_open_files = true;
    plan.open_files = *open_files;
  }
}

#if NINETD_HAVE_RAW_SYSCALL
// valgrind runs clone only the ways fork, vfork and threads use it, and ends
// the process at any other: under it (its preloaded core is the sign), every
// launch is vfork-style, so the daemon can be profiled and checked by it.
// Read once: the environment does not change under a running daemon.
bool under_valgrind() {
  static const bool found = [] {
    const char* preload = std::getenv("LD_PRELOAD");
    return preload != nullptr && std::strstr(preload, "/vgpreload_") != nullptr;
  }();
  return found;
}

LaunchSlots& slots() {
  static LaunchSlots instance;
  return instance;
}

// A slot for a launch that does not wait, if one is free and may be used.
LaunchSlots::Slot* free_slot() {
  if (under_valgrind()) return nullptr;
  return slots().acquire();
}

// The launch that does not wait, on a plan packed into `slot`.
sys::Result<pid_t> launch_in_slot(LaunchSlots::Slot& slot) {
  add_daemon_state(slot.plan);
  LaunchSlots::occupy(slot);
  int flags = CLONE_VM | CLONE_CHILD_CLEARTID | SIGCHLD;
  pid_t pid = clone(child_main, slot.stack_top(), flags, &slot.plan, nullptr, nullptr, &slot.busy);
  if (pid < 0) {
    int error = errno;
    LaunchSlots::release(slot);
    return sys::SysError{error, "clone"};
  }
  slot.pid = pid;
  return pid;
}
#endif

// The daemon's own descriptors 0, 1 and 2, kept elsewhere for a launch on a
// shared table to put back. Made once: the daemon never changes them after
// start (daemonize() runs before the first launch).
struct StandardDescriptors {
  int saved[3] = {-1, -1, -1};
  bool ok = true;
  StandardDescriptors() {
    for (int fd = 0; fd < 3; ++fd) {
      saved[fd] = fcntl(fd, F_DUPFD_CLOEXEC, 3);
      ok = ok && saved[fd] >= 0;
    }
  }
};

StandardDescriptors& standard_descriptors() {
  static StandardDescriptors instance;
  return instance;
}

// A launch whose child would inherit many descriptors (the daemon's listeners:
// a connection's number is at least the count of those below it) copies and
// then closes every one of them, which beside hundreds of services costs more
// than the rest of the launch (docs/performance.md, finding 25). Sharing the
// table instead costs a vfork-style wait and three dup2.
// Not for LISTEN_FDS (descriptor 3 is the daemon's too), nor under valgrind.
constexpr int kShareTableFrom = 128;

bool shares_descriptor_table(int socket_fd, bool listen_fds) {
  if (socket_fd < kShareTableFrom || listen_fds) return false;
#if NINETD_HAVE_RAW_SYSCALL
  if (under_valgrind()) return false;
#endif
  return standard_descriptors().ok;
}

void restore_standard_descriptors() {
  const StandardDescriptors& standard = standard_descriptors();
  for (int fd = 0; fd < 3; ++fd) dup2(standard.saved[fd], fd);
}

// The vfork-style launch, on a plan in the daemon's own memory.
sys::Result<pid_t> launch_waiting(LaunchPlan& plan, bool share) {
  plan.shared_table = share;
  add_daemon_state(plan);
  int flags = CLONE_VM | CLONE_VFORK | SIGCHLD | (share ? CLONE_FILES : 0);
  pid_t pid = clone(child_main, vfork_stack + kVforkStackSize, flags, &plan);
  // The child put the socket on 0, 1 and 2 of the table it shared with us.
  if (share) restore_standard_descriptors();
  if (pid < 0) return sys::last_error("clone");
  // CLONE_VFORK: we run again only once the child has exec'd or exited.
  if (plan.step != nullptr) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return sys::SysError{plan.error, plan.step};
  }
  return pid;
}

}  // namespace

const ProcessIdentity& current_identity() {
  static const ProcessIdentity identity = [] {
    ProcessIdentity id;
    getresuid(&id.real_uid, &id.effective_uid, &id.saved_uid);
    getresgid(&id.real_gid, &id.effective_gid, &id.saved_gid);
    int count = getgroups(0, nullptr);
    if (count > 0) {
      id.groups.resize(static_cast<std::size_t>(count));
      count = getgroups(count, id.groups.data());
      id.groups.resize(static_cast<std::size_t>(count > 0 ? count : 0));
    }
    return id;
  }();
  return identity;
}

void set_server_open_files_limit(const rlimit& original) {
  server_open_files() = original;
}

sys::Result<pid_t> launch(LaunchTemplate& launch_template, const PerLaunch& per_launch) {
  bool share = shares_descriptor_table(per_launch.socket_fd, launch_template.listen_fds());
#if NINETD_HAVE_RAW_SYSCALL
  if (!share)
    if (LaunchSlots::Slot* slot = free_slot())
      if (launch_template.instantiate(per_launch, slot->arena, slot->plan))
        return launch_in_slot(*slot);
#endif
  LaunchPlan plan = launch_template.instantiate_in_place(per_launch);
  return launch_waiting(plan, share);
}

std::optional<LateFailure> collect_failure(pid_t pid) {
#if NINETD_HAVE_RAW_SYSCALL
  return slots().collect(pid);
#else
  (void)pid;
  return std::nullopt;
#endif
}

}  // namespace ninetd::spawn
