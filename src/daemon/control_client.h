// The client side of --status and --metrics: one request to the daemon's
// control socket, its answer printed. The exit status says how it went.
#pragma once

#include "daemon/options.h"

namespace ninetd::daemon {

// 0: the text is on stdout; 1: the daemon could not be reached or refused
// the request (why is on stderr).
int run_query(const Options& options);

}  // namespace ninetd::daemon
