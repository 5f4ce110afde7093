#include "log/logger.h"

#include <syslog.h>
#include <unistd.h>

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

void write_stderr(Level level, std::string_view line) {
  // One write per line so lines from a crash or a child never interleave mid-line.
  std::string out = fmt::format("ninetd[{}]: {}: {}\n", getpid(), level_name(level), line);
  [[maybe_unused]] ssize_t ignored = ::write(STDERR_FILENO, out.data(), out.size());
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

}  // namespace ninetd::log
