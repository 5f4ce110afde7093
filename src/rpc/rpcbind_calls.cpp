#include "rpc/rpcbind_calls.h"

#include <dlfcn.h>
#include <netconfig.h>
#include <rpc/rpc.h>
#include <rpc/rpcb_prot.h>

#include <cstdlib>

namespace ninetd::rpc {
namespace {

// The few libtirpc functions used, looked up in the library loaded at run time.
struct Tirpc {
  decltype(&::getnetconfigent) getnetconfigent = nullptr;
  decltype(&::freenetconfigent) freenetconfigent = nullptr;
  decltype(&::uaddr2taddr) uaddr2taddr = nullptr;
  decltype(&::rpcb_set) rpcb_set = nullptr;
  decltype(&::rpcb_unset) rpcb_unset = nullptr;
};

template <typename F>
bool look_up(void* library, const char* name, F& function) {
  function = reinterpret_cast<F>(dlsym(library, name));
  return function != nullptr;
}

bool load(Tirpc& t, std::string& problem) {
  // Debian's libtirpc3; the soname, since the unversioned name is in -dev only.
  void* library = dlopen("libtirpc.so.3", RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* why = dlerror();
    problem = why != nullptr ? why : "dlopen libtirpc.so.3 failed";
    return false;
  }
  if (look_up(library, "getnetconfigent", t.getnetconfigent) &&
      look_up(library, "freenetconfigent", t.freenetconfigent) &&
      look_up(library, "uaddr2taddr", t.uaddr2taddr) && look_up(library, "rpcb_set", t.rpcb_set) &&
      look_up(library, "rpcb_unset", t.rpcb_unset))
    return true;
  problem = "libtirpc.so.3 lacks rpcb_set, rpcb_unset or the netconfig functions";
  return false;
}

bool carry_out(const Tirpc& t, const Operation& op) {
  const Binding& b = op.binding;
  netconfig* nconf = t.getnetconfigent(b.netid.c_str());
  if (nconf == nullptr) return false;
  // As FreeBSD's inetd: a set first clears the slot, which a crashed daemon
  // or an earlier address of this service may still hold.
  bool unset = t.rpcb_unset(b.program, b.version, nconf) != 0;
  bool ok = !op.set ? unset : false;
  if (op.set) {
    netbuf* address = t.uaddr2taddr(nconf, b.address.c_str());
    if (address != nullptr) {
      ok = t.rpcb_set(b.program, b.version, nconf, address) != 0;
      std::free(address->buf);
      std::free(address);
    }
  }
  t.freenetconfigent(nconf);
  return ok;
}

}  // namespace

const char* rpcbind_socket_path() {
  return _PATH_RPCBINDSOCK;
}

std::vector<bool> call_rpcbind(const std::vector<Operation>& operations, std::string& problem) {
  std::vector<bool> results(operations.size(), false);
  Tirpc tirpc;
  if (!load(tirpc, problem)) return results;
  for (std::size_t i = 0; i < operations.size(); ++i) results[i] = carry_out(tirpc, operations[i]);
  return results;
}

}  // namespace ninetd::rpc
