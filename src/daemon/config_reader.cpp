#include "daemon/config_reader.h"

#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "log/logger.h"
#include "services/config_codec.h"

namespace ninetd::daemon {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::chrono::seconds timeout_setting{120};

// How long the daemon waits for a killed loader to end before it leaves it to
// init: SIGKILL ends a process at once unless it sleeps in the kernel.
constexpr milliseconds kReapGrace(2000);

// Reads what is available into the end of `bytes`, straight into its storage,
// in chunks the size of what the pipe holds: a fixed 64 KiB buffer, on the
// stack or in the string, would stay resident in the daemon for good.
// Returns read()'s last result: 0 at end of file, -1 with errno otherwise.
ssize_t read_into(int fd, std::string& bytes) {
  for (;;) {
    int available = 0;
    if (ioctl(fd, FIONREAD, &available) < 0) available = 0;
    std::size_t chunk = std::max<std::size_t>(static_cast<std::size_t>(available), 4096);
    std::size_t used = bytes.size();
    bytes.resize(used + chunk);
    ssize_t n = ::read(fd, bytes.data() + used, chunk);
    bytes.resize(used + static_cast<std::size_t>(n > 0 ? n : 0));
    if (n > 0) continue;
    if (n < 0 && errno == EINTR) continue;
    return n;
  }
}

bool set_nonblocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

// Reads the loader's pipe until its end (true) or until `deadline` (false).
bool read_until(int fd, std::string& bytes, Clock::time_point deadline) {
  if (!set_nonblocking(fd)) return false;
  for (;;) {
    ssize_t n = read_into(fd, bytes);
    if (n == 0) return true;
    if (errno != EAGAIN) return false;
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd readable{fd, POLLIN, 0};
    // Whole seconds at most, so a very long timeout never overflows poll's int.
    ::poll(&readable, 1, static_cast<int>(std::min<milliseconds::rep>(left.count(), 1000)));
  }
}

void log_timeout(pid_t pid) {
  log::error("the configuration loader (pid {}) ran for {} s; killing it", pid,
             timeout_setting.count());
}

}  // namespace

void set_loader_timeout(std::chrono::seconds timeout) {
  timeout_setting = timeout;
}
std::chrono::seconds loader_timeout() {
  return timeout_setting;
}

LoadResult load_in_child(const LoadRequest& request) {
  sys::Result<LoaderProcess> loader = LoaderProcess::start(request);
  if (!loader) {
    log::error("cannot start the configuration loader: {}", std::strerror(loader.error().code));
    return std::nullopt;
  }
  std::string bytes;
  bool complete = read_until(loader->output(), bytes, Clock::now() + timeout_setting);
  if (!complete) {
    log_timeout(loader->pid());
    loader->kill();
  }
  loader->reap(kReapGrace);
  if (!complete) return std::nullopt;
  return services::decode_config(bytes);
}

ConfigReader::~ConfigReader() {
  stop();
}

bool ConfigReader::start(const LoadRequest& request, Done done) {
  sys::Result<LoaderProcess> loader = LoaderProcess::start(request);
  if (!loader) {
    errno = loader.error().code;  // start()'s contract, for the caller's log line
    return false;
  }
  if (!set_nonblocking(loader->output()) || !loop_.add(loader->output(), EPOLLIN, this)) {
    int error = errno;
    loader->kill();
    loader->reap(kReapGrace);
    errno = error;
    return false;
  }
  loader_ = std::move(*loader);
  bytes_.clear();
  done_ = std::move(done);
  deadline_ = loop_.schedule(Clock::now() + timeout_setting, [this] {
    deadline_ = loop_.no_timer();
    log_timeout(loader_->pid());
    loader_->kill();
    // Not waiting for its pipe to end: a loader that even SIGKILL cannot end
    // at once must not hold every later reload back. The loop reaps it.
    finish(false);
  });
  return true;
}

void ConfigReader::stop() {
  loop_.cancel(deadline_);
  deadline_ = loop_.no_timer();
  if (!loader_) return;
  loop_.remove(loader_->output());
  loader_->kill();
  loader_->reap(kReapGrace);
  loader_.reset();
  bytes_.clear();
  done_ = nullptr;
}

void ConfigReader::on_event(std::uint32_t) {
  if (read_into(loader_->output(), bytes_) < 0 && errno == EAGAIN) return;
  finish(true);  // end of file, or an error: the child is done either way
}

void ConfigReader::finish(bool complete) {
  loop_.cancel(deadline_);
  deadline_ = loop_.no_timer();
  loop_.remove(loader_->output());
  // The loader is reaped with every other child on SIGCHLD.
  loader_.reset();
  Done done = std::move(done_);
  done_ = nullptr;
  {
    std::string bytes = std::move(bytes_);
    bytes_.clear();
    done(complete ? services::decode_config(bytes) : std::nullopt);
  }
  // The reload's scratch memory is free now: give it back to the system. The
  // bytes are freed only after `done` has applied the result: freed first,
  // their hole gets fragmented by apply's allocations and stays resident
  // (docs/performance.md, finding 14).
  malloc_trim(0);
}

}  // namespace ninetd::daemon
