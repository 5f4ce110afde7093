// ServiceListing: what ninetd -t prints for each entry it read, one line of
// key=value fields: where the entry was read, whether it is served, the
// sockets it opens (as resolved) and every setting under its ninetd.conf(5)
// key name (config/spec_writer.h's rows, so a new key is listed as soon as
// it can be written). Pure: the specs and the resolved services in, lines out.
//
//   service=echo/tcp from=/etc/xinetd.d/echo:6 status=on listen=0.0.0.0:7,[::]:7
//   family=ipv4,ipv6-only builtin=echo protocol=tcp socktype=stream wait=no user=root
#pragma once

#include <string>
#include <vector>

#include "config/config_tree.h"
#include "services/config_loader.h"

namespace ninetd::daemon {

// `tree`: as resolve_config_tree left it (its specs); `loaded`: what it gave.
// An entry that gives no socket (an error, or a twin served by another
// entry: the diagnostics say which) is not listed.
std::vector<std::string> list_services(const config::TreeResult& tree,
                                       const services::LoadedConfig& loaded);

}  // namespace ninetd::daemon
