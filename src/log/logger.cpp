#include "log/logger.h"

#include <syslog.h>
#include <unistd.h>

#include <iterator>
#include <string>

namespace ninetd::log {
namespace {

Sink& sink() {
  static Sink current;
  return current;
}

const char* level_name(Level level) {
  switch (level) {
    case Level::error: return "error";
    case Level::warning: return "warning";
    case Level::notice: return "notice";
    case Level::info: return "info";
    case Level::debug: return "debug";
  }
  return "";
}

int syslog_priority(Level level) {
  switch (level) {
    case Level::error: return LOG_ERR;
    case Level::warning: return LOG_WARNING;
    case Level::notice: return LOG_NOTICE;
    case Level::info: return LOG_INFO;
    case Level::debug: return LOG_DEBUG;
  }
  return LOG_INFO;
}

constexpr std::size_t kBatchFlushBytes = 16 * 1024;

struct Pending {
  int depth = 0;    // Batches alive
  pid_t pid = 0;    // read once per batch
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

}  // namespace

void set_sink(Sink s) { sink() = std::move(s); }

void use_stderr() { set_sink(write_stderr); }

void use_syslog(bool also_stderr) {
  openlog("ninetd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
  set_sink([also_stderr](Level level, std::string_view line) {
    syslog(syslog_priority(level), "%.*s", static_cast<int>(line.size()), line.data());
    if (also_stderr) write_stderr(level, line);
  });
}

void write(Level level, std::string_view line) {
  if (sink()) sink()(level, line);
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
