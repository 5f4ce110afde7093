// ninetd: command line and wiring only.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "daemon/check.h"
#include "daemon/control_client.h"
#include "daemon/convert.h"
#include "daemon/options.h"
#include "daemon/run.h"
#include "wrap/hosts_access.h"

// An exception here (memory exhausted, stdout gone) ends the process with a
// message from the runtime, which is what should happen.
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  using namespace ninetd::daemon;
  std::vector<std::string> args(argv + 1, argv + argc);
  OptionsResult parsed = parse_options(args);
  if (!parsed.error.empty()) {
    fmt::print(stderr, "ninetd: {}\n{}", parsed.error, usage_text());
    return 2;
  }
  const Options& options = parsed.options;
  if (options.help) {
    fmt::print("{}", usage_text());
    return 0;
  }
  if (options.version) {
    fmt::print("ninetd {}\n", NINETD_VERSION);
    return 0;
  }
  if ((options.wrap_servers || options.wrap_builtins) && !ninetd::wrap::available()) {
    fmt::print(stderr, "ninetd: -w and -W need libwrap, and this ninetd was built without it\n");
    return 2;
  }
  if (options.query != Options::Query::none) return run_query(options);
  if (options.convert) return run_convert(options.config, options.xinetd);
  if (options.check_only)
    return run_check(options.config, options.login_conf, options.include_dir, options.xinetd);
  return run_daemon(options);
}
