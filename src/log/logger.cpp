#include "log/logger.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <iterator>
#include <optional>
#include <string>

#include "log/journal.h"
#include "net/socket_address.h"
#include "sys/fd.h"

namespace ninetd::log {
namespace {

Sink& sink() {
  static Sink current;
  return current;
}

const char* level_name(Level level) {
  switch (level) {
    case Level::error:
      return "error";
    case Level::warning:
      return "warning";
    case Level::notice:
      return "notice";
    case Level::info:
      return "info";
    case Level::debug:
      return "debug";
  }
  return "";
}

int syslog_priority(Level level) {
  switch (level) {
    case Level::error:
      return LOG_ERR;
    case Level::warning:
      return LOG_WARNING;
    case Level::notice:
      return LOG_NOTICE;
    case Level::info:
      return LOG_INFO;
    case Level::debug:
      return LOG_DEBUG;
  }
  return LOG_INFO;
}

constexpr std::size_t kBatchFlushBytes = std::size_t{16} * 1024;

struct Pending {
  int depth = 0;     // Batches alive
  pid_t pid = 0;     // read once per batch
  std::string text;  // whole lines only
};

Pending& pending() {
  static Pending state;
  return state;
}

void write_all(const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(STDERR_FILENO, text.data() + done, text.size() - done);
    if (n <= 0) return;  // nowhere to report a failing stderr
    done += static_cast<std::size_t>(n);
  }
}

void flush_pending() {
  Pending& p = pending();
  write_all(p.text);
  p.text.clear();
}

void write_stderr(Level level, std::string_view line) {
  Pending& p = pending();
  if (p.depth == 0) {
    // One write per line so lines from a crash or a child never interleave mid-line.
    write_all(fmt::format("ninetd[{}]: {}: {}\n", getpid(), level_name(level), line));
    return;
  }
  fmt::format_to(std::back_inserter(p.text), "ninetd[{}]: {}: {}\n", p.pid, level_name(level),
                 line);
  if (p.text.size() >= kBatchFlushBytes) flush_pending();
}

// A syslog client of our own: glibc's syslog(3) sends on a blocking socket,
// so a log daemon that stops reading /dev/log would stop the whole loop.
class SyslogSocket {
 public:
  void open(const char* path) {
    socket_.reset();
    address_ = net::SocketAddress::from_path(path);
    connect();
    dropped_ = 0;
  }
  void send(Level level, std::string_view line) {
    send_at(LOG_DAEMON | syslog_priority(level), line);
  }
  void send_at(int priority, std::string_view line) {
    if (dropped_ > 0 &&
        !send_line(LOG_DAEMON | LOG_WARNING,
                   fmt::format("{} log lines dropped: the syslog socket was full", dropped_)))
      return count_drop();
    dropped_ = 0;
    if (!send_line(priority, line)) count_drop();
  }
  std::uint64_t dropped() const { return dropped_total_; }

 private:
  void count_drop() {
    ++dropped_;
    ++dropped_total_;
  }
  void connect() {
    if (!address_) return;
    socket_.reset(::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (socket_ && ::connect(socket_.get(), address_->get(), address_->length()) < 0)
      socket_.reset();
  }
  // RFC 3164 as syslog(3) writes it: <PRI>Mmm dd hh:mm:ss ninetd[pid]: text
  bool send_line(int priority, std::string_view line) {
    std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char stamp[32];
    // 0 leaves the buffer's contents undefined (never for this format, but a
    // line without its time beats a read of garbage).
    if (std::strftime(stamp, sizeof(stamp), "%b %e %T", &local) == 0) stamp[0] = '\0';
    std::string datagram = fmt::format("<{}>{} ninetd[{}]: {}", priority, stamp, getpid(), line);
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!socket_) connect();
      if (!socket_) return false;
      if (::send(socket_.get(), datagram.data(), datagram.size(), MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
        return true;
      if (errno == EAGAIN || errno == EINTR) return false;
      // The log daemon restarted (or went away): connect again, once.
      socket_.reset();
    }
    return false;
  }

  std::optional<net::SocketAddress> address_;
  sys::Fd socket_;
  std::uint64_t dropped_ = 0;  // since the last line that got through
  std::uint64_t dropped_total_ = 0;
};

SyslogSocket& syslog_socket() {
  static SyslogSocket socket;
  return socket;
}

// stderr when it is the journal's stream. systemd hands a stream socket,
// sent to with MSG_DONTWAIT so its flags, shared with whoever else holds it,
// stay as they are; anything else (a pipe) is made non-blocking.
class JournalStream {
 public:
  void open() {
    backlog_.clear();
    dropped_ = 0;
    is_socket_ = true;
  }
  void send(int priority, std::string_view line) {
    if (!flush()) return hold(journal_line(priority, line));
    if (dropped_ > 0) {
      std::string note = fmt::format("{} log lines dropped: the journal stream was full", dropped_);
      dropped_ = 0;
      put(journal_line(LOG_WARNING, note));
    }
    put(journal_line(priority, line));
  }

 private:
  static constexpr std::size_t kBacklogBytes = std::size_t{64} * 1024;

  // Bytes written; -1 when none could be (the stream is full or gone).
  ssize_t write_some(const char* data, std::size_t size) {
    if (is_socket_) {
      ssize_t n = ::send(STDERR_FILENO, data, size, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n >= 0 || errno != ENOTSOCK) return n;
      is_socket_ = false;
      int flags = fcntl(STDERR_FILENO, F_GETFL);
      if (flags >= 0) (void)fcntl(STDERR_FILENO, F_SETFL, flags | O_NONBLOCK);
    }
    return ::write(STDERR_FILENO, data, size);
  }
  // Writes what it can of `text` and keeps the rest, whole lines or not, so a
  // line cut by a full stream is ended before any other begins.
  void put(const std::string& text) {
    ssize_t n = write_some(text.data(), text.size());
    std::size_t done = n > 0 ? static_cast<std::size_t>(n) : 0;
    if (done < text.size()) backlog_.append(text, done);
  }
  void hold(const std::string& text) {
    if (backlog_.size() + text.size() > kBacklogBytes) {
      ++dropped_;
      return;
    }
    backlog_ += text;
  }
  // True when the backlog is empty (now).
  bool flush() {
    if (backlog_.empty()) return true;
    ssize_t n = write_some(backlog_.data(), backlog_.size());
    if (n > 0) backlog_.erase(0, static_cast<std::size_t>(n));
    if (backlog_.empty()) backlog_.shrink_to_fit();
    return backlog_.empty();
  }

  std::string backlog_;
  std::uint64_t dropped_ = 0;
  bool is_socket_ = true;
};

JournalStream& journal_stream() {
  static JournalStream stream;
  return stream;
}

// Set by use_syslog and use_journal, cleared by set_sink: where write_at's
// priorities go whole.
struct SyslogUse {
  bool on = false;
  bool also_stderr = false;
  bool journal = false;
};

bool& peers_shown() {
  static bool shown = true;
  return shown;
}

SyslogUse& syslog_use() {
  static SyslogUse use;
  return use;
}

Level level_of(int priority) {
  switch (LOG_PRI(priority)) {
    case LOG_EMERG:
    case LOG_ALERT:
    case LOG_CRIT:
    case LOG_ERR:
      return Level::error;
    case LOG_WARNING:
      return Level::warning;
    case LOG_NOTICE:
      return Level::notice;
    case LOG_INFO:
      return Level::info;
    default:
      return Level::debug;
  }
}

}  // namespace

std::uint64_t syslog_dropped() {
  return syslog_socket().dropped();
}

void set_sink(Sink s) {
  sink() = std::move(s);
  syslog_use() = SyslogUse{};
}

bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  struct stat status {};
  if (stream == nullptr || fstat(STDERR_FILENO, &status) != 0) return false;
  return names_stream(stream, status.st_dev, status.st_ino);
}

void use_journal() {
  journal_stream().open();
  set_sink([](Level level, std::string_view line) {
    journal_stream().send(syslog_priority(level), line);
  });
  syslog_use().journal = true;
}

void show_peer_addresses(bool shown) {
  peers_shown() = shown;
}

bool peer_addresses_shown() {
  return peers_shown();
}

void use_stderr() {
  set_sink(write_stderr);
}

void use_syslog(bool also_stderr, const char* socket_path) {
  syslog_socket().open(socket_path);
  set_sink([also_stderr](Level level, std::string_view line) {
    syslog_socket().send(level, line);
    if (also_stderr) write_stderr(level, line);
  });
  syslog_use() = SyslogUse{true, also_stderr};
}

void write(Level level, std::string_view line) {
  if (sink()) sink()(level, line);
}

void write_at(int priority, std::string_view line) {
  const SyslogUse& use = syslog_use();
  if (use.journal) return journal_stream().send(priority, line);
  if (!use.on) return write(level_of(priority), line);
  syslog_socket().send_at(priority, line);
  if (use.also_stderr) write_stderr(level_of(priority), line);
}

Batch::Batch() {
  Pending& p = pending();
  if (p.depth++ == 0) p.pid = getpid();
}

Batch::~Batch() {
  Pending& p = pending();
  if (--p.depth == 0) {
    flush_pending();
    p.text.shrink_to_fit();  // a big start or dump keeps no buffer for good
  }
}

}  // namespace ninetd::log
