// The systemd journal's stream protocol, as far as ninetd speaks it: a line
// on stderr that starts with "<N>" (sd-daemon(3)'s SD_ERR ... SD_DEBUG, or a
// whole syslog priority with its facility) is stored at that priority, so
// `journalctl -p` sorts the daemon's lines. Whether stderr is the journal is
// what systemd.exec(5) says: $JOURNAL_STREAM holds "DEVICE:INODE" of the
// stream it connected, and a process whose stderr is that same file may
// speak the protocol (a stderr redirected since is not the journal). Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ninetd::log {

// "<6>echo/tcp: start pid=4711\n" for a line at syslog priority 6 (LOG_INFO);
// `priority` may carry a facility (LOG_LOCAL0 | LOG_NOTICE), which the
// journal reads too.
std::string journal_line(int priority, std::string_view line);

// Whether $JOURNAL_STREAM's value `stream` ("DEVICE:INODE", both decimal)
// names the file of `device` and `inode` (stderr's fstat).
bool names_stream(std::string_view stream, std::uint64_t device, std::uint64_t inode);

// Where the daemon's lines go: the journal's stream (stderr, with prefixes),
// plain stderr (-d) or syslog. The journal only for a daemon that stays in
// the foreground (-d, -i): a daemon that detaches gives up its stderr.
enum class Destination { journal, stderr_plain, syslog };
Destination choose_destination(bool foreground, bool log_to_stderr, bool stderr_is_journal);

}  // namespace ninetd::log
