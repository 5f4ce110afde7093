#include "loop/signal_source.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

namespace ninetd::loop {

sys::Result<std::unique_ptr<SignalSource>> SignalSource::create(std::initializer_list<int> signals,
                                                                Callback callback) {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : signals) sigaddset(&set, sig);
  if (sigprocmask(SIG_BLOCK, &set, nullptr) < 0) return sys::last_error("sigprocmask");
  // A signal inherited as ignored (nohup ignores SIGHUP) is discarded before
  // it could be read from the signalfd, and an ignored SIGCHLD reaps children
  // behind our back: every signal the daemon reads goes back to its default,
  // once blocked, so the default action never runs.
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (int sig : signals)
    if (sigaction(sig, &default_action, nullptr) < 0) return sys::last_error("sigaction");
  sys::Fd fd(signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!fd) return sys::last_error("signalfd");
  return std::unique_ptr<SignalSource>(new SignalSource(std::move(fd), std::move(callback)));
}

void SignalSource::on_event(std::uint32_t) {
  // One read: a signal still pending after it keeps the descriptor readable and
  // the loop calls again, so draining it here would only add a read that finds
  // nothing, on every child's exit.
  signalfd_siginfo info[16];
  ssize_t n = ::read(fd_.get(), info, sizeof(info));
  if (n <= 0) return;
  for (std::size_t i = 0; i < static_cast<std::size_t>(n) / sizeof(info[0]); ++i)
    callback_(static_cast<int>(info[i].ssi_signo));
}

}  // namespace ninetd::loop
