// Loading a configuration: read the file and its includes, parse them, resolve them. The one place
// that joins the pure parser to the file system and the system databases.
#pragma once

#include <string>
#include <vector>

#include "config/config_tree.h"
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
  // Every file read, the main file first (config/config_tree.h): a service's
  // `file` is its index here. Only the loader and the checker read it.
  std::vector<std::string> files;
  // The log_type targets the services name (Service::log_target).
  std::vector<config::LogTarget> log_targets;
};

// Login classes are read from `login_conf` (FreeBSD's format) when any entry names one.
// The files of `include_dir` (none when empty) are read after the main file's;
// `syntax` is the language of every file (xinetd.conf for -x).
// The files as read and parsed, nothing looked up (ninetd --convert; the
// first half of load_config).
config::TreeResult read_config_tree(const std::string& path, const std::string& include_dir = "",
                                    config::Syntax syntax = config::Syntax::inetd);
// The second half: resolves the tree's services. The tree's diagnostics,
// failed entries and files move into the result; its specs stay (ninetd -t
// lists them).
LoadedConfig resolve_config_tree(config::TreeResult& tree, SystemDb& db,
                                 const std::string& login_conf = kLoginConfPath);

LoadedConfig load_config(const std::string& path, SystemDb& db,
                         const std::string& login_conf = kLoginConfPath,
                         const std::string& include_dir = "",
                         config::Syntax syntax = config::Syntax::inetd);

}  // namespace ninetd::services
