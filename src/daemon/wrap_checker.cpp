#include "daemon/wrap_checker.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "log/logger.h"
#include "sys/close_from.h"
#include "wrap/hosts_access.h"

namespace ninetd::daemon {
namespace {

constexpr int kCheckerSocket = 3;

struct Question {
  std::uint64_t id = 0;
  std::uint32_t peer_length = 0;
  sockaddr_storage peer{};
  char daemon[128] = {};
};

struct Answer {
  std::uint64_t id = 0;
  wrap::Verdict verdict = wrap::Verdict::refused;
  char problem[120] = {};  // why libwrap is unavailable
};

// The checker: 0 and 1 on /dev/null, 2 the daemon's, its socket on 3 and
// nothing else of the daemon's (no listener, no client, no pid file lock).
[[noreturn]] void run_checker(int socket, pid_t daemon) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != daemon) _exit(1);
  {
    sys::Fd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!null || ::dup2(null.get(), 0) < 0 || ::dup2(null.get(), 1) < 0) _exit(1);
  }
  if (socket != kCheckerSocket && ::dup3(socket, kCheckerSocket, O_CLOEXEC) < 0) _exit(1);
  sys::close_from(kCheckerSocket + 1);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  prctl(PR_SET_NAME, "ninetd-wrap");
  for (;;) {
    Question q;
    ssize_t n = ::recv(kCheckerSocket, &q, sizeof(q), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n != static_cast<ssize_t>(sizeof(q))) _exit(0);  // the daemon closed its end
    q.daemon[sizeof(q.daemon) - 1] = '\0';
    Answer a;
    a.id = q.id;
    std::string problem;
    a.verdict = wrap::hosts_allow(q.daemon, reinterpret_cast<const sockaddr*>(&q.peer), problem);
    std::memcpy(a.problem, problem.data(), std::min(problem.size(), sizeof(a.problem) - 1));
    while (::send(kCheckerSocket, &a, sizeof(a), MSG_NOSIGNAL) < 0)
      if (errno != EINTR) _exit(1);
  }
}

}  // namespace

WrapChecker::WrapChecker(loop::EventLoop& loop, WrapVerdictSink& sink) : loop_(loop), sink_(sink) {
  // Started at the first question: a daemon that detaches forks after this,
  // and a checker forked before would die with the process that started it.
  for (unsigned i = 0; i < kProcesses; ++i) {
    processes_.push_back(std::make_unique<Process>());
    processes_.back()->owner = this;
  }
}

WrapChecker::~WrapChecker() {
  for (auto& process : processes_) stop(*process);
}

bool WrapChecker::start(Process& process) {
  int ends[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ends) < 0) {
    log::error("libwrap checker: socketpair: {}", std::strerror(errno));
    return false;
  }
  sys::Fd ours(ends[0]);
  sys::Fd theirs(ends[1]);
  pid_t daemon = getpid();
  pid_t child = fork();
  if (child < 0) {
    log::error("libwrap checker: fork: {}", std::strerror(errno));
    return false;
  }
  if (child == 0) run_checker(theirs.get(), daemon);
  if (fcntl(ours.get(), F_SETFL, O_NONBLOCK) < 0 || !loop_.add(ours.get(), EPOLLIN, &process)) {
    log::error("libwrap checker: cannot watch its socket");
    ::kill(child, SIGKILL);
    return false;
  }
  process.pid = child;
  process.socket = std::move(ours);
  process.in_flight = 0;
  return true;
}

void WrapChecker::stop(Process& process) {
  if (!process.socket) return;
  loop_.remove(process.socket.get());
  process.socket.reset();  // the checker reads end of file and exits; the loop reaps it
  process.pid = 0;
}

void WrapChecker::ask(WrapPending pending) {
  if (pending_.size() >= kMaxPending)
    return sink_.on_wrap_verdict(std::move(pending), false, "too many libwrap checks waiting");
  Process* process = nullptr;
  for (auto& candidate : processes_) {
    if (!candidate->socket && !start(*candidate)) continue;
    if (process == nullptr || candidate->in_flight < process->in_flight) process = candidate.get();
  }
  if (process == nullptr)
    return sink_.on_wrap_verdict(std::move(pending), false, "no libwrap checker is running");
  Question q;
  q.id = next_id_++;
  q.peer_length = pending.peer.length();
  std::memcpy(&q.peer, pending.peer.get(), std::min<std::size_t>(q.peer_length, sizeof(q.peer)));
  std::size_t name = std::min(pending.daemon.size(), sizeof(q.daemon) - 1);
  std::memcpy(q.daemon, pending.daemon.data(), name);
  if (::send(process->socket.get(), &q, sizeof(q), MSG_NOSIGNAL | MSG_DONTWAIT) !=
      static_cast<ssize_t>(sizeof(q)))
    return sink_.on_wrap_verdict(std::move(pending), false, "the libwrap checker is not reading");
  ++process->in_flight;
  pending_.emplace(q.id, Asked{process, std::move(pending)});
}

void WrapChecker::on_answer(Process& process, std::uint32_t events) {
  for (;;) {
    Answer a;
    ssize_t n = ::recv(process.socket.get(), &a, sizeof(a), MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if ((events & (EPOLLHUP | EPOLLERR)) == 0) return;
      n = 0;
    }
    if (n != static_cast<ssize_t>(sizeof(a))) {
      log::error("libwrap checker pid {} stopped; its clients are refused", process.pid);
      fail_all_of(process, "the libwrap checker stopped");
      stop(process);
      return;
    }
    auto it = pending_.find(a.id);
    if (it == pending_.end() || it->second.process != &process) continue;
    WrapPending pending = std::move(it->second.pending);
    pending_.erase(it);
    --process.in_flight;
    if (a.verdict == wrap::Verdict::unavailable) {
      a.problem[sizeof(a.problem) - 1] = '\0';
      unavailable_ = fmt::format("libwrap is unavailable ({}); refused", a.problem);
      sink_.on_wrap_verdict(std::move(pending), false, unavailable_.c_str());
      continue;
    }
    sink_.on_wrap_verdict(std::move(pending), a.verdict == wrap::Verdict::allowed, nullptr);
  }
}

void WrapChecker::fail_all_of(Process& process, const char* why) {
  std::vector<WrapPending> failed;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.process == &process) {
      failed.push_back(std::move(it->second.pending));
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  process.in_flight = 0;
  for (auto& pending : failed) sink_.on_wrap_verdict(std::move(pending), false, why);
}

}  // namespace ninetd::daemon
