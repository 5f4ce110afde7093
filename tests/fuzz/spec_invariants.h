// What every spec a parser accepts must hold, whichever form it was read
// from (inetd.conf, key=value, xinetd.conf): the resolver relies on it.
// Shared by the parser fuzz targets; a broken invariant traps.
#pragma once

#include "config/service_spec.h"

namespace ninetd::fuzz {

inline void check_accepted_spec(const config::ServiceSpec& spec) {
  using namespace ninetd::config;
  if (spec.service.empty() || spec.user.empty()) __builtin_trap();
  if (spec.redirect) {
    // A forwarder: no program, a nowait stream over TCP, a target of two parts.
    if (spec.builtin != Builtin::none || !spec.program.empty()) __builtin_trap();
    if (spec.socket_type != SocketType::stream || spec.transport != Transport::tcp ||
        spec.wait_mode != WaitMode::nowait || spec.tcpmux)
      __builtin_trap();
    if (spec.redirect->host.empty() || spec.redirect->port.empty()) __builtin_trap();
    return;
  }
  if (spec.builtin == Builtin::none && !spec.program.starts_with("/")) __builtin_trap();
  if (spec.builtin == Builtin::none && spec.args.empty()) __builtin_trap();
}

}  // namespace ninetd::fuzz
