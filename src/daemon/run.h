// run_daemon: start the super-server with the given options; returns the exit status.
#pragma once

#include "daemon/options.h"

namespace ninetd::daemon {

int run_daemon(const Options& options);

}  // namespace ninetd::daemon
