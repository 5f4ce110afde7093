// What a server's exit means for its service: how it is told in the log, and
// whether the service backs off before its socket is watched again. Pure, so
// the reap path's decisions are unit-tested without processes.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace ninetd::daemon {

// "exited with status 3", "killed by signal 9 (Killed)".
std::string describe_status(int status);
// Killed, or exited with a status other than 0.
bool failed(int status);

struct ServerExit {
  // The server was given the socket itself (wait, or dgram nowait): what waits
  // there is still there if it failed before reading it.
  bool had_socket = false;
  bool launch_failed = false;  // a step before execve failed: it never ran
  int status = 0;              // as waitpid gives it
  std::chrono::milliseconds ran{0};
};

// A server given the socket that fails at once has not taken the datagram or
// connection waiting there: started again at once, it would fail in a tight
// loop. Returns the pause before the socket is watched again (1 s, 2 s, 4 s
// ... up to a minute, counted in `quick_failures`), or nothing when the
// service goes on at once (a success resets the count).
std::optional<std::chrono::milliseconds> backoff_after(const ServerExit& exit,
                                                       unsigned& quick_failures);
// The next delay of that sequence, for a launch that failed outright.
std::chrono::milliseconds next_backoff(unsigned& quick_failures);

}  // namespace ninetd::daemon
