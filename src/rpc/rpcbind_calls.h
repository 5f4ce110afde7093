// rpcbind_calls: the calls to rpcbind themselves, through libtirpc. Run only
// in the registrar's helper process (registrar.h): rpcb_set and rpcb_unset
// wait for rpcbind's answer, up to libtirpc's own timeout. libtirpc is loaded
// there with dlopen, so the daemon itself never maps it nor the Kerberos
// libraries it pulls in (eight shared objects, bound at start with -z now).
#pragma once

#include <string>
#include <vector>

#include "rpc/registration.h"

namespace ninetd::rpc {

struct Operation {
  bool set = false;  // false: unset
  Binding binding;
};

// Carries out each operation in order; one result per operation (true: rpcbind
// said yes). All false, and `problem` says why, when libtirpc cannot be loaded.
std::vector<bool> call_rpcbind(const std::vector<Operation>& operations, std::string& problem);

// The socket rpcbind listens on for local clients, as libtirpc names it.
const char* rpcbind_socket_path();

}  // namespace ninetd::rpc
