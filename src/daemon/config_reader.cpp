#include "daemon/config_reader.h"

#include <fcntl.h>
#include <signal.h>
#include <malloc.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "log/logger.h"
#include "services/config_codec.h"
#include "services/system_db.h"

namespace ninetd::daemon {
namespace {

// The child: load, write the encoded result, and leave with _exit: the
// daemon's destructors must not run here (the pidfile's would unlink it).
[[noreturn]] void run_loader(const LoadRequest& request, int out) {
  // ps and top tell it from the daemon by this name.
  prctl(PR_SET_NAME, "ninetd-loader");
  services::LibcSystemDb db;
  std::string bytes =
      services::encode_config(services::load_config(request.config_path, db, request.login_conf));
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(out, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(1);
    done += static_cast<std::size_t>(n);
  }
  _exit(0);
}

// Forks the loader; returns the read end of its pipe, or an invalid Fd.
sys::Fd fork_loader(const LoadRequest& request, pid_t& child) {
  int ends[2];
  if (pipe2(ends, O_CLOEXEC) < 0) return sys::Fd();
  sys::Fd read_end(ends[0]);
  sys::Fd write_end(ends[1]);
  child = fork();
  if (child < 0) return sys::Fd();
  if (child == 0) {
    read_end.reset();
    run_loader(request, write_end.get());
  }
  return read_end;
}

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

}  // namespace

LoadResult load_in_child(const LoadRequest& request) {
  pid_t child = -1;
  sys::Fd pipe = fork_loader(request, child);
  if (!pipe) return std::nullopt;
  std::string bytes;
  read_into(pipe.get(), bytes);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return services::decode_config(bytes);
}

ConfigReader::~ConfigReader() {
  if (pipe_) loop_.remove(pipe_.get());
  loop_.cancel(deadline_);
}

bool ConfigReader::start(const LoadRequest& request, Done done) {
  sys::Fd pipe = fork_loader(request, child_);
  if (!pipe) return false;
  int flags = fcntl(pipe.get(), F_GETFL);
  fcntl(pipe.get(), F_SETFL, flags | O_NONBLOCK);
  if (!loop_.add(pipe.get(), EPOLLIN, this)) return false;
  pipe_ = std::move(pipe);
  child_pidfd_.reset(static_cast<int>(syscall(SYS_pidfd_open, child_, 0)));
  bytes_.clear();
  done_ = std::move(done);
  deadline_ = loop_.schedule(loop::Clock::now() + kLoaderTimeout, [this] {
    deadline_ = loop_.no_timer();
    log::error("the configuration loader (pid {}) ran for {} s; killing it", child_,
               kLoaderTimeout.count());
    // Its pipe then ends, and finish() reports the failure.
    if (child_pidfd_) syscall(SYS_pidfd_send_signal, child_pidfd_.get(), SIGKILL, nullptr, 0);
  });
  return true;
}

void ConfigReader::on_event(std::uint32_t) {
  if (read_into(pipe_.get(), bytes_) < 0 && errno == EAGAIN) return;
  finish();  // end of file, or an error: the child is done either way
}

void ConfigReader::finish() {
  loop_.cancel(deadline_);
  deadline_ = loop_.no_timer();
  loop_.remove(pipe_.get());
  pipe_.reset();
  child_pidfd_.reset();
  // The loader is reaped with every other child on SIGCHLD.
  Done done = std::move(done_);
  done_ = nullptr;
  {
    std::string bytes = std::move(bytes_);
    bytes_.clear();
    done(services::decode_config(bytes));
  }
  // The reload's scratch memory is free now: give it back to the system. The
  // bytes are freed only after `done` has applied the result: freed first,
  // their hole gets fragmented by apply's allocations and stays resident
  // (900 services: about 200 KB more after each reload).
  malloc_trim(0);
}

}  // namespace ninetd::daemon
