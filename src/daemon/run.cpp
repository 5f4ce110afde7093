#include "daemon/run.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

#include "daemon/config_reader.h"
#include "daemon/control_socket.h"
#include "daemon/pidfile.h"
#include "daemon/supervisor.h"
#include "log/journal.h"
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
// pipe), but for the sockets systemd passes from its store, is not its own: kept, it would hold the
// other end's reader waiting for an end of file, and every launch would copy a descriptor table
// that size.
void close_inherited_descriptors(int first) {
  sys::close_from(first);
}

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
  return fmt::format(
      "cannot raise the open-files limit from {} to the hard limit {}: {}; "
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

// The process that was started waits for the detached daemon to say it is
// ready (its pid file written, its control socket open) before it exits: an
// init script that reloads or stops right after the start finds the pid. It
// exits 0 for the byte `tell_started` writes, 1 when the pipe closes without
// one (the daemon failed after detaching).
[[noreturn]] void wait_for_daemon(sys::Fd ready) {
  char byte = 0;
  ssize_t got = 0;
  do got = ::read(ready.get(), &byte, 1);
  while (got < 0 && errno == EINTR);
  _exit(got == 1 ? 0 : 1);
}

// Returns the pipe's end to give to tell_started.
sys::Result<sys::Fd> daemonize() {
  int ends[2];
  if (pipe2(ends, O_CLOEXEC) < 0) return sys::last_error("pipe2");
  sys::Fd read_end(ends[0]);
  sys::Fd write_end(ends[1]);
  pid_t pid = fork();
  if (pid < 0) return sys::last_error("fork");
  if (pid > 0) {
    write_end.reset();
    wait_for_daemon(std::move(read_end));
  }
  read_end.reset();
  setsid();
  pid = fork();
  if (pid < 0) return sys::last_error("fork");
  if (pid > 0) _exit(0);
  if (chdir("/") < 0) return sys::last_error("chdir");
  int null = ::open("/dev/null", O_RDWR);
  if (null < 0) return sys::last_error("open");
  dup2(null, 0);
  dup2(null, 1);
  dup2(null, 2);
  if (null > 2) ::close(null);
  return write_end;
}

// Lets the command that started a detached daemon exit 0 (nothing to do in
// the foreground, where `started` is not open).
void tell_started(sys::Fd started) {
  if (!started) return;
  char byte = 1;
  (void)::write(started.get(), &byte, 1);
}

// The process as the daemon needs it whatever started it: descriptors,
// limits, umask, SIGPIPE; the log on stderr until the configuration says.
// Returns why the descriptor limit could not be raised, to be logged once the
// log goes where the daemon's options say.
std::optional<std::string> settle_process(int sockets_received) {
  close_inherited_descriptors(3 + sockets_received);
  occupy_standard_descriptors();
  std::optional<std::string> limit_not_raised = raise_descriptor_limit();
  settle_umask();
  // A client gone mid-write must cost an EPIPE, not the daemon.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, nullptr);
  log::use_stderr();
  return limit_not_raised;
}

// The pid file at `path`, locked; nullopt, with the reason logged, when it
// cannot be (another ninetd holds it, or the path is unusable).
std::optional<Pidfile> acquire_pidfile(const std::string& path) {
  std::string holder;
  auto acquired = Pidfile::acquire(path, holder);
  if (!acquired) {
    if (acquired.error().code == EWOULDBLOCK)
      log::error("another ninetd is running (pid {}, holding {}); not starting",
                 holder.empty() ? "unknown" : holder, path);
    else
      log::error("pid file {}: {}; not starting", path, Pidfile::explain(acquired.error()));
    return std::nullopt;
  }
  return std::move(*acquired);
}

SupervisorSettings supervisor_settings(const Options& options) {
  SupervisorSettings settings;
  settings.config_path = options.config;
  settings.login_conf = options.login_conf;
  settings.access = {options.access_rules, options.allow_given, options.deny_given};
  settings.wrap_servers = options.wrap_servers;
  settings.wrap_builtins = options.wrap_builtins;
  settings.max_children = options.max_children;
  settings.source_prefixes = {static_cast<std::uint8_t>(options.source_prefix_v4),
                              static_cast<std::uint8_t>(options.source_prefix_v6)};
  settings.limit_defaults = {options.max_child, options.max_conn_per_ip_per_minute,
                             options.max_per_minute, options.max_child_per_ip};
  settings.include_dir = options.include_dir;
  settings.xinetd = options.xinetd;
  settings.log_connections = options.log_connections;
  settings.session_idle_timeout = std::chrono::seconds(options.idle_timeout);
  settings.max_sessions = options.max_sessions;
  settings.new_session = options.new_session;
  return settings;
}

// Until it detaches, the daemon also tells the terminal that started it, and
// it loads the configuration first, so a broken start exits non-zero there.
// Detached, `started` is set to the pipe that tell_started writes to.
bool start_and_detach(const Options& options, Supervisor& supervisor,
                      const std::optional<std::string>& limit_not_raised, sys::Fd& started) {
  switch (log::choose_destination(options.foreground, options.log_to_stderr,
                                  log::stderr_is_journal())) {
    case log::Destination::journal:
      log::use_journal();
      break;
    case log::Destination::syslog:
      log::use_syslog(/*also_stderr=*/!options.foreground);
      break;
    case log::Destination::stderr_plain:
      break;
  }
  if (limit_not_raised) log::warning("{}", *limit_not_raised);
  if (!supervisor.start()) return false;
  if (!options.foreground) {
    auto detached = daemonize();
    if (!detached) {
      log::error("cannot become a daemon: {}", std::strerror(detached.error().code));
      return false;
    }
    started = std::move(*detached);
    log::use_syslog(/*also_stderr=*/false);
  }
  return true;
}

// The control socket --status and --metrics ask. A daemon without one still
// serves: the failure is logged and the daemon goes on.
std::unique_ptr<ControlSocket> open_control(const Options& options, loop::EventLoop& loop,
                                            Supervisor& supervisor) {
  if (options.no_control) return nullptr;
  std::string path = options.control.value_or(options.log_to_stderr ? "" : kDefaultControl);
  if (path.empty()) return nullptr;
  std::string error;
  auto control = ControlSocket::open(
      loop, path,
      [&supervisor](const status::ControlRequest& request) {
        return supervisor.control_answer(request);
      },
      error);
  if (!control)
    log::error("control socket: {}; --status and --metrics cannot reach this daemon", error);
  return control;
}

// The daemon's signals, read through the loop; null, logged, on failure.
std::unique_ptr<loop::SignalSource> watch_signals(loop::EventLoop& loop, Supervisor& supervisor) {
  auto signals = loop::SignalSource::create({SIGCHLD, SIGHUP, SIGTERM, SIGINT, SIGUSR1},
                                            [&supervisor](int sig) { supervisor.on_signal(sig); });
  if (!signals) {
    log::error("{}", signals.error().describe());
    return nullptr;
  }
  if (auto added = (*signals)->add_to(loop); !added) {
    log::error("{}", added.error().describe());
    return nullptr;
  }
  return std::move(*signals);
}

}  // namespace

int run_daemon(const Options& options) {
  // Before the inherited descriptors are closed: those systemd kept for this start.
  InheritedSockets inherited = InheritedSockets::from_environment();
  std::optional<std::string> limit_not_raised = settle_process(inherited.count());
  log::show_peer_addresses(!options.no_peer_addresses);
  std::optional<Pidfile> pidfile;
  std::string pidfile_path = options.pidfile.value_or(options.log_to_stderr ? "" : kDefaultPidfile);
  if (!pidfile_path.empty()) {
    pidfile = acquire_pidfile(pidfile_path);
    if (!pidfile) return 1;
  }

  auto loop = loop::EventLoop::create();
  if (!loop) {
    log::error("{}", loop.error().describe());
    return 1;
  }
  set_loader_timeout(std::chrono::seconds(options.load_timeout));
  Supervisor supervisor(**loop, supervisor_settings(options));
  std::unique_ptr<loop::SignalSource> signals = watch_signals(**loop, supervisor);
  if (!signals) return 1;

  // Read before the first load, so no loader or server inherits it.
  ServiceManager service_manager = ServiceManager::from_environment();
  supervisor.use_service_manager(service_manager);
  supervisor.adopt(std::move(inherited));
  sys::Fd started;
  if (!start_and_detach(options, supervisor, limit_not_raised, started)) return 1;
  supervisor.forget_inherited();
  // A signalfd wakes epoll through the signal queue of the process that
  // created it: after daemonize() that is the parent, gone, and the daemon
  // would never see SIGHUP or SIGTERM. The signals stayed blocked throughout,
  // so none is lost; those sent to the parent before the fork were its own.
  if (!options.foreground) {
    signals = watch_signals(**loop, supervisor);
    if (!signals) return 1;
  }
  if (pidfile) {
    if (auto written = pidfile->write_pid(getpid()); !written)
      log::error("pid file {}: {}", pidfile_path, written.error().describe());
  }

  std::unique_ptr<ControlSocket> control = open_control(options, **loop, supervisor);
  tell_started(std::move(started));

  // Every listener of the first load is open (or retrying its bind, which it
  // logged): systemd may start what is ordered after ninetd.
  supervisor.tell_ready();

  while (!supervisor.stop_requested()) {
    (*loop)->run_once();
    supervisor.after_batch();
  }
  supervisor.tell_stopping();
  supervisor.shut_down(options.fd_store);
  log::notice("stopped; {} server{} still running on their own", supervisor.child_count(),
              supervisor.child_count() == 1 ? "" : "s");
  return 0;
}

}  // namespace ninetd::daemon
