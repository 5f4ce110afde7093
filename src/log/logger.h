// Logger: one line per event to stderr (-d), the journal's stream or syslog(3),
// through a sink that tests replace. Lines are "service: what happened",
// greppable as in FreeBSD inetd; a service's events are key=value fields
// (log/event_line.h).
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "log/event_line.h"

namespace ninetd::log {

enum class Level { error, warning, notice, info, debug };

using Sink = std::function<void(Level, std::string_view)>;

void set_sink(Sink sink);
void use_stderr();
// also_stderr: copy each line to stderr too, for a daemon not yet detached.
// The lines go to the syslog socket at `socket_path` without ever blocking:
// when the log daemon falls behind, lines are dropped and counted, and the
// count is logged once it takes lines again.
void use_syslog(bool also_stderr = false, const char* socket_path = "/dev/log");
// Whether stderr is the journal's stream: $JOURNAL_STREAM names its device
// and inode (log/journal.h).
bool stderr_is_journal();
// Each line to stderr as "<N>line", N its priority, for the journal. Never
// blocks: what the stream cannot take at once waits in a bounded backlog,
// sent before the next line; beyond it lines are dropped, counted, and the
// count is logged once the stream takes lines again.
void use_journal();
// Lines syslog dropped because its socket was full (since use_syslog).
std::uint64_t syslog_dropped();
void write(Level level, std::string_view line);

// --no-peer-addresses: whether event lines name clients (EventLine::peer).
void show_peer_addresses(bool shown);
bool peer_addresses_shown();
// An event line of `service` that names clients unless the option says not.
inline EventLine event(std::string_view service, std::string_view word) {
  return EventLine(service, word, peer_addresses_shown());
}
// A line for syslog at `priority` (facility | level, as syslog(3) takes it):
// a service's log_type SYSLOG. Without syslog (-d, a test's sink) it goes
// where every line goes, at the level of `priority`.
void write_at(int priority, std::string_view line);

// While a Batch lives, lines for stderr are gathered and written together when
// the outermost one ends (or every 16 KiB): a start or a table dump with
// hundreds of services makes a handful of writes, not one per line. Lines stay
// whole within each write. Syslog lines are never held back.
class Batch {
 public:
  Batch();
  ~Batch();
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;
};

template <typename... Args>
void error(fmt::format_string<Args...> f, Args&&... args) {
  write(Level::error, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void warning(fmt::format_string<Args...> f, Args&&... args) {
  write(Level::warning, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void notice(fmt::format_string<Args...> f, Args&&... args) {
  write(Level::notice, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
  write(Level::info, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace ninetd::log
