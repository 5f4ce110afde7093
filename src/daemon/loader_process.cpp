#include "daemon/loader_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "services/config_codec.h"
#include "services/config_loader.h"
#include "services/system_db.h"
#include "sys/close_from.h"

namespace ninetd::daemon {
namespace {

// Where the loader keeps its pipe; everything above it is closed.
constexpr int kLoaderOutput = 3;

// Leaves the loader with 0 and 1 on /dev/null (it reads nothing and prints
// nothing: the daemon's terminal or log is not its to use), 2 as the daemon's
// (an NSS module's complaint lands in the daemon's log stream, as it would in
// any program), its pipe on 3 and nothing else: no listener, no connection,
// no pid file lock, no signalfd or epoll of the daemon's.
bool keep_only_output(int out) {
  {
    // Closed before the pipe moves: it may sit on descriptor 3 itself.
    sys::Fd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!null || ::dup2(null.get(), 0) < 0 || ::dup2(null.get(), 1) < 0) return false;
  }
  if (out != kLoaderOutput && ::dup3(out, kLoaderOutput, O_CLOEXEC) < 0) return false;
  sys::close_from(kLoaderOutput + 1);
  return true;
}

// The child: compute its bytes, write them, and leave with _exit: the
// daemon's destructors must not run here (the pidfile's would unlink it).
[[noreturn]] void run_child(const char* title, const std::function<std::string()>& produce, int out,
                            pid_t daemon) {
  // Killed when the daemon dies, however it dies. The daemon may have died
  // before this call: then the loader's parent is already another process.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != daemon) _exit(1);
  if (!keep_only_output(out)) _exit(1);
  // The daemon blocks the signals it reads from its signalfd; the loader
  // takes them at their default, so a plain kill ends it too.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  // ps and top tell it from the daemon by this name.
  prctl(PR_SET_NAME, title);
  std::string bytes = produce();
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(kLoaderOutput, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(1);
    done += static_cast<std::size_t>(n);
  }
  _exit(0);
}

}  // namespace

sys::Result<LoaderProcess> LoaderProcess::start(const LoadRequest& request) {
  return start_child("ninetd-loader", [&request] {
    services::LibcSystemDb db;
    return services::encode_config(
        services::load_config(request.config_path, db, request.login_conf, request.include_dir,
                              request.xinetd ? config::Syntax::xinetd : config::Syntax::inetd));
  });
}

sys::Result<LoaderProcess> LoaderProcess::start_child(const char* title,
                                                      const std::function<std::string()>& produce) {
  int ends[2];
  if (pipe2(ends, O_CLOEXEC) < 0) return sys::last_error("pipe2");
  sys::Fd read_end(ends[0]);
  sys::Fd write_end(ends[1]);
  pid_t daemon = getpid();
  pid_t child = fork();
  if (child < 0) return sys::last_error("fork");
  if (child == 0) run_child(title, produce, write_end.get(), daemon);
  sys::Fd pidfd(static_cast<int>(syscall(SYS_pidfd_open, child, 0)));
  return LoaderProcess(child, std::move(pidfd), std::move(read_end));
}

void LoaderProcess::kill() const {
  if (pidfd_) {
    syscall(SYS_pidfd_send_signal, pidfd_.get(), SIGKILL, nullptr, 0);
    return;
  }
  // Kernels before 5.3: by pid. Until the loop reaps it, the pid is still the loader's.
  ::kill(pid_, SIGKILL);
}

void LoaderProcess::reap(std::chrono::milliseconds grace) const {
  using Clock = std::chrono::steady_clock;
  Clock::time_point deadline = Clock::now() + grace;
  for (;;) {
    siginfo_t info{};
    int reaped = pidfd_ ? waitid(P_PIDFD, static_cast<id_t>(pidfd_.get()), &info, WEXITED | WNOHANG)
                        : waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG);
    // Reaped now, or already (by the loop's SIGCHLD handler): done either way.
    if (reaped < 0 ? errno != EINTR : info.si_pid != 0) return;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return;
    // A pidfd turns readable when the process ends; without one, look again shortly.
    pollfd exited{pidfd_ ? pidfd_.get() : -1, POLLIN, 0};
    ::poll(&exited, 1, pidfd_ ? static_cast<int>(left.count()) : 10);
  }
}

}  // namespace ninetd::daemon
