// What a server's exit means for its service: how it is told in the log, and
// whether the service backs off before its socket is watched again. Pure, so
// the reap path's decisions are unit-tested without processes or a clock.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace ninetd::daemon {

// "exited with status 3", "killed by signal 9 (Killed)".
std::string describe_status(int status);
// Killed, or exited with a status other than 0.
bool failed(int status);

// A server that ends sooner than this after its start, failing, failed "at
// once": it could not start or serve at all (a missing program or library, a
// bad configuration, a crash at load), rather than ending a session badly.
// Such a server dies within milliseconds even on a loaded host, while a
// session with a client takes at least a round trip or two. It is also the
// first back-off's length, so a server started before a back-off that ends
// after it never counts as quick.
inline constexpr std::chrono::milliseconds kQuickExit{1000};
// Quick failures in a row that start a back-off for a service whose
// connections the daemon accepts: a few clients that make their server fail
// among healthy ones are not a crash loop, while a real one gets there within
// milliseconds (five cheap failed launches). A server given the socket itself
// (wait, dgram) backs off at its first quick failure: what waits on the socket
// is still there, so the next launch would come at once for it.
inline constexpr unsigned kCrashLoopRun = 5;

struct ServerExit {
  // The server was given the socket itself (wait, or dgram nowait): what waits
  // there is still there if it failed before reading it.
  bool had_socket = false;
  bool launch_failed = false;  // a step before execve failed: it never ran
  int status = 0;              // as waitpid gives it
  std::chrono::milliseconds ran{0};
  // A dgram server: the datagram first in the queue when it was started is
  // still first when it has exited; it left it unread, whatever its status.
  bool left_datagram = false;
};

// Its launch failed after clone, or it failed (or left its datagram unread)
// less than kQuickExit after its start. Killed by SIGPIPE is not failing: it
// wrote to a client that had already gone, so it started and served.
bool failed_at_once(const ServerExit& exit);
// What made a quick failure of a server that ran: "exited with status 0,
// its datagram unread" (a launch that failed is told by its failed step).
std::string describe_quick_failure(const ServerExit& exit);

// Consecutive quick failures of one service's servers, in the order their
// exits are reaped (however many run at once), and the back-off they cause:
// kCrashLoopRun in a row (1 for a server given the socket) leave the socket
// out of the loop for 1 s; each further quick failure reaped while the socket
// is watched again doubles that, up to 60 s. Exits reaped while it is left out
// (`paused`) are counted but change nothing: the servers already running when
// the back-off began fail with the rest. Any other exit (status 0 without an
// unread datagram, or a server that ran kQuickExit or longer) resets the count
// and ends the run: the service has recovered.
class CrashLoop {
 public:
  struct Verdict {
    enum class Kind : std::uint8_t {
      none,       // nothing changes
      back_off,   // leave the socket out of the loop for `delay`
      recovered,  // the first normal exit after a back-off: watch the socket again
    };
    Kind kind = Kind::none;
    std::chrono::milliseconds delay{0};
    bool first = false;     // back_off: the first of this run (the one logged)
    unsigned in_a_row = 0;  // quick failures in a row (recovered: before this exit)
  };

  // `paused`: the socket is left out of the loop by an earlier back-off.
  Verdict on_exit(const ServerExit& exit, bool paused);
  // A server given the socket could not be launched at all: the socket stays
  // readable, so the service backs off whatever the count.
  Verdict on_launch_failure();

  unsigned in_a_row() const { return in_a_row_; }
  bool backing_off() const { return back_offs_ > 0; }

 private:
  Verdict back_off();

  unsigned in_a_row_ = 0;
  unsigned back_offs_ = 0;  // back-offs since the last normal exit
};

// The first datagram in a queue told apart from the next by its source
// address, its length and its first bytes (a hash; never 0).
std::uint64_t datagram_fingerprint(std::span<const std::byte> source, std::size_t length,
                                   std::span<const std::byte> head);

}  // namespace ninetd::daemon
