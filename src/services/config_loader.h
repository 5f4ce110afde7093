// Loading a configuration: read the file, parse it, resolve it. The one place
// that joins the pure parser to the file system and the system databases.
#pragma once

#include <string>
#include <vector>

#include "config/diagnostic.h"
#include "config/parser.h"
#include "services/resolver.h"
#include "services/system_db.h"

namespace ninetd::services {

struct LoadedConfig {
  bool readable = false;  // false: the file could not be read at all
  std::vector<Service> services;
  std::vector<config::FailedEntry> failed;
  std::vector<config::Diagnostic> diagnostics;
};

LoadedConfig load_config(const std::string& path, SystemDb& db);

}  // namespace ninetd::services
