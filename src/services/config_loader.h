// Loading a configuration: read the file, parse it, resolve it. The one place
// that joins the pure parser to the file system and the system databases.
#pragma once

#include <string>
#include <vector>

#include "config/diagnostic.h"
#include "config/parser.h"
#include "services/login_class.h"
#include "services/resolver.h"
#include "services/system_db.h"

namespace ninetd::services {

struct LoadedConfig {
  bool readable = false;  // false: the file could not be read at all
  std::vector<Service> services;
  std::vector<config::FailedEntry> failed;
  std::vector<config::Diagnostic> diagnostics;
};

// Login classes are read from `login_conf` (FreeBSD's format) when any entry names one.
LoadedConfig load_config(const std::string& path, SystemDb& db,
                         const std::string& login_conf = kLoginConfPath);

}  // namespace ninetd::services
