// The configuration checker (ninetd -t): load, print every diagnostic, a
// line for each entry read (service_listing.h) and a one-line summary,
// return the exit status.
#pragma once

#include <cstdio>
#include <string>

#include "services/config_loader.h"

namespace ninetd::daemon {

// Prints the diagnostics of a load in file order.
void print_diagnostics(const services::LoadedConfig& loaded, std::FILE* out);
std::string summarize(const services::LoadedConfig& loaded);
int run_check(const std::string& path, const std::string& login_conf,
              const std::string& include_dir, bool xinetd = false);

}  // namespace ninetd::daemon
