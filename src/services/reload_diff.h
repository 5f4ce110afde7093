// ReloadDiff: what a reload changes, decided without touching a socket. A
// service is matched by its key (socket type, protocol, address, port or path):
// a surviving key keeps its socket and with it every queued connection.
#pragma once

#include <vector>

#include "config/parser.h"
#include "services/service.h"

namespace ninetd::services {

struct ReloadDiff {
  std::vector<const Service*> added;        // new keys: open a socket
  std::vector<const Service*> changed;      // same key, new launch settings or options
  std::vector<const Service*> unchanged;    // same key, same everything
  std::vector<const Service*> removed;      // running, key no longer configured: close
  std::vector<const Service*> kept_broken;  // running, new line has errors: keep as it is
};

// `failed` names the entries of the new file that had errors, so the old
// definition of a service whose line broke stays running. added, changed and
// unchanged point into `loaded`, removed and kept_broken into `running`.
ReloadDiff diff_services(const std::vector<const Service*>& running,
                         const std::vector<Service>& loaded,
                         const std::vector<config::FailedEntry>& failed);

}  // namespace ninetd::services
