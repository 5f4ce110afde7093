#include "daemon/run.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>

#include "daemon/config_reader.h"
#include "daemon/pidfile.h"
#include "daemon/supervisor.h"
#include "log/logger.h"
#include "loop/event_loop.h"
#include "loop/signal_source.h"
#include "spawn/spawner.h"
#include "sys/close_from.h"

namespace ninetd::daemon {
namespace {

// Descriptors 0-2 must be taken, so no socket ever lands there and gets
// clobbered when a child dup2s its connection onto them.
void occupy_standard_descriptors() {
  for (;;) {
    int fd = ::open("/dev/null", O_RDWR);
    if (fd < 0) return;
    if (fd > 2) {
      ::close(fd);
      return;
    }
  }
}

// Whatever the daemon inherits beyond 0-2 (a shell's or a supervisor's stray
// pipe) is not its own: kept, it would hold the other end's reader waiting for
// an end of file, and every launch would copy a descriptor table that size.
void close_inherited_descriptors() { sys::close_from(3); }

// Each connection costs a descriptor while it is set up; the soft limit goes
// as high as the hard one so a burst does not meet EMFILE early. Servers get
// the limit the daemon was started with back (spawner.h). The in-loop session
// bound is taken from the limit, so this comes before the Supervisor; what
// failed is returned, to be logged once the log goes where it is configured to.
std::optional<std::string> raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max)
    return std::nullopt;
  spawn::set_server_open_files_limit(limit);
  rlim_t given = limit.rlim_cur;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) == 0) return std::nullopt;
  // EPERM when the hard limit is above the kernel's fs.nr_open.
  return fmt::format("cannot raise the open-files limit from {} to the hard limit {}: {}; "
                     "the daemon keeps {}",
                     given, limit.rlim_max, std::strerror(errno), given);
}

// Servers inherit the daemon's umask. Started from a shell with umask 0, or
// by a manager that sets none, it would let every server create files anyone
// can write; as xinetd does, 022 is added to whatever the daemon was given,
// so a stricter one (077) is kept. The daemon's own files say their modes.
void settle_umask() {
  mode_t given = umask(0);
  umask(given | 022);
}

bool daemonize() {
  pid_t pid = fork();
  if (pid < 0) return false;
  if (pid > 0) _exit(0);
  setsid();
  pid = fork();
  if (pid < 0) return false;
  if (pid > 0) _exit(0);
  if (chdir("/") < 0) return false;
  int null = ::open("/dev/null", O_RDWR);
  if (null < 0) return false;
  dup2(null, 0);
  dup2(null, 1);
  dup2(null, 2);
  if (null > 2) ::close(null);
  return true;
}

}  // namespace

int run_daemon(const Options& options) {
  close_inherited_descriptors();
  occupy_standard_descriptors();
  std::optional<std::string> limit_not_raised = raise_descriptor_limit();
  settle_umask();
  // A client gone mid-write must cost an EPIPE, not the daemon.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, nullptr);
  log::use_stderr();

  std::optional<Pidfile> pidfile;
  std::string pidfile_path =
      options.pidfile.value_or(options.log_to_stderr ? "" : kDefaultPidfile);
  if (!pidfile_path.empty()) {
    std::string holder;
    auto acquired = Pidfile::acquire(pidfile_path, holder);
    if (!acquired) {
      if (acquired.error().code == EWOULDBLOCK)
        log::error("another ninetd is running (pid {}, holding {}); not starting",
                   holder.empty() ? "unknown" : holder, pidfile_path);
      else
        log::error("pid file {}: {}; not starting", pidfile_path,
                   Pidfile::explain(acquired.error()));
      return 1;
    }
    pidfile.emplace(std::move(*acquired));
  }

  auto loop = loop::EventLoop::create();
  if (!loop) {
    log::error("{}", loop.error().describe());
    return 1;
  }
  set_loader_timeout(std::chrono::seconds(options.load_timeout));
  SupervisorSettings settings;
  settings.config_path = options.config;
  settings.login_conf = options.login_conf;
  settings.log_connections = options.log_connections;
  settings.session_idle_timeout = std::chrono::seconds(options.idle_timeout);
  settings.max_sessions = options.max_sessions;
  settings.new_session = options.new_session;
  Supervisor supervisor(**loop, settings);
  auto signals = loop::SignalSource::create({SIGCHLD, SIGHUP, SIGTERM, SIGINT, SIGUSR1},
                                            [&](int sig) { supervisor.on_signal(sig); });
  if (!signals) {
    log::error("{}", signals.error().describe());
    return 1;
  }
  if (auto added = (*signals)->add_to(**loop); !added) {
    log::error("{}", added.error().describe());
    return 1;
  }

  // Until it detaches, the daemon also tells the terminal that started it, and
  // it loads the configuration first, so a broken start exits non-zero there.
  if (!options.log_to_stderr) log::use_syslog(/*also_stderr=*/!options.foreground);
  if (limit_not_raised) log::warning("{}", *limit_not_raised);
  if (!supervisor.start()) return 1;
  if (!options.foreground) {
    if (!daemonize()) {
      log::error("cannot become a daemon: {}", std::strerror(errno));
      return 1;
    }
    log::use_syslog(/*also_stderr=*/false);
  }
  if (pidfile) {
    if (auto written = pidfile->write_pid(getpid()); !written)
      log::error("pid file {}: {}", pidfile_path, written.error().describe());
  }

  while (!supervisor.stop_requested()) {
    (*loop)->run_once();
    supervisor.after_batch();
  }
  supervisor.shut_down();
  log::notice("stopped; {} server{} still running on their own", supervisor.child_count(),
              supervisor.child_count() == 1 ? "" : "s");
  return 0;
}

}  // namespace ninetd::daemon
