#include "daemon/convert.h"

#include <fmt/format.h>

#include "config/conversion.h"
#include "daemon/check.h"
#include "services/config_loader.h"

namespace ninetd::daemon {

int run_convert(const std::string& path, bool xinetd) {
  // Without -x the main file is read as xinetd.conf when it looks like one,
  // with a warning; an inetd.conf has nothing to convert.
  config::TreeResult tree =
      services::read_config_tree(path, "", xinetd ? config::Syntax::xinetd : config::Syntax::inetd);
  config::Conversion conversion = config::write_conversion(tree);
  services::LoadedConfig loaded;
  loaded.files = tree.files;
  loaded.diagnostics = std::move(tree.diagnostics);
  for (auto& problem : conversion.problems) loaded.diagnostics.push_back(std::move(problem));
  if (tree.readable && tree.syntax != config::Syntax::xinetd)
    loaded.diagnostics.push_back({path, 0, 0, config::Severity::error,
                                  "not an xinetd.conf (no defaults or service block): nothing to "
                                  "convert (give -x FILE to read it as xinetd.conf)"});
  print_diagnostics(loaded, stderr);
  if (!tree.readable || config::has_errors(loaded.diagnostics)) {
    fmt::print(stderr, "ninetd: {}: not converted: the configuration has errors\n", path);
    return 1;
  }
  fmt::print("{}", conversion.text);
  return 0;
}

}  // namespace ninetd::daemon
