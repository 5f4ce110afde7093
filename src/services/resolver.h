// Resolver: ServiceSpecs to Services. Looks up ports, hosts, users and groups
// through a SystemDb, expands "tcp" into its IPv4 and IPv6 sockets, and checks
// what only a lookup can tell: unknown users, groups, services, hosts, and two
// entries on the same socket (an error, but for a tcp/tcp6 or udp/udp6 pair
// asking the same, which is served once with a warning: services/twin.h).
#pragma once

#include <string>
#include <vector>

#include "config/diagnostic.h"
#include "config/parser.h"
#include "config/service_spec.h"
#include "services/service.h"
#include "services/system_db.h"

namespace ninetd::services {

struct ResolveResult {
  std::vector<Service> services;
  std::vector<config::FailedEntry> failed;
  // The distinct log_type targets; a service's log_target is 1 + its index.
  std::vector<config::LogTarget> log_targets;
};

// The most distinct log targets one configuration may name (a byte per service).
inline constexpr std::size_t kMaxLogTargets = 255;

ResolveResult resolve(const std::vector<config::ServiceSpec>& specs, SystemDb& db,
                      std::vector<config::Diagnostic>& diagnostics);

}  // namespace ninetd::services
