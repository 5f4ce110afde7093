// Listening sockets carried across a restart, so that `systemctl restart`
// (which update-inetd asks for when a package adds a service) resets no
// queued connection: with --fd-store the daemon hands its listeners to
// systemd's file descriptor store as it stops (FDSTORE=1, each named after
// its service's key), and the next start receives them through sd_listen_fds'
// protocol ($LISTEN_FDS, $LISTEN_PID, $LISTEN_FDNAMES) and adopts every one
// whose service is still configured instead of binding a new socket. The
// kernel keeps queueing clients on them in between. Unix and RPC sockets
// are not carried (a unix path is removed at the stop; rpcbind is told anew).
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/service.h"
#include "sys/fd.h"

namespace ninetd::daemon {

// The name a service's socket is stored under: its key with every byte
// systemd does not take in a name (':' separates names in $LISTEN_FDNAMES)
// written as %XX. nullopt for a service whose socket is not carried, or a
// name longer than systemd's 255 bytes. Pure.
std::optional<std::string> handover_name(const services::Service& service);
// $LISTEN_FDNAMES's names, one per descriptor. Pure.
std::vector<std::string> split_fd_names(std::string_view names);

class InheritedSockets {
 public:
  InheritedSockets() = default;
  // Takes the descriptors $LISTEN_FDS gives when $LISTEN_PID is this process
  // (3 up to 3 + count - 1), made close-on-exec, and removes the variables
  // from the environment so no server sees them. Call before anything closes
  // the inherited descriptors; `count()` says how many to spare.
  static InheritedSockets from_environment();
  int count() const { return count_; }
  // Every name received, once each.
  std::vector<std::string> names() const { return names_; }
  // The socket stored for `service`: a socket of its type, bound to its
  // address; removed from the pool. nullopt when there is none.
  std::optional<sys::Fd> take(const services::Service& service);
  // The names nothing took (services no longer configured), and their
  // sockets closed: the caller removes them from the store.
  std::vector<std::string> release_rest();

 private:
  int count_ = 0;  // descriptors received, kept or not
  std::vector<std::string> names_;
  std::multimap<std::string, sys::Fd> by_name_;
};

}  // namespace ninetd::daemon
