#include "daemon/run.h"

#include <fmt/format.h>

#include "daemon/check.h"

namespace ninetd::daemon {

int run_daemon(const Options& options) {
  fmt::print(stderr, "ninetd: the runtime is not built yet; checking {} instead\n",
             options.config);
  return run_check(options.config);
}

}  // namespace ninetd::daemon
