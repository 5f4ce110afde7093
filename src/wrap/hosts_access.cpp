#include "wrap/hosts_access.h"

#ifdef NINETD_HAVE_TCPD_H
#include <dlfcn.h>

// Debian's libwrap is built with IPv6: its endpoints hold a struct sockaddr.
#define INET6 1
#include <tcpd.h>
#endif

namespace ninetd::wrap {

#ifdef NINETD_HAVE_TCPD_H
namespace {

struct Libwrap {
  request_info* (*request_init)(request_info*, ...) = nullptr;
  void (*sock_hostname)(host_info*) = nullptr;
  void (*sock_hostaddr)(host_info*) = nullptr;
  int (*hosts_access)(request_info*) = nullptr;
  std::string problem;
};

template <typename F>
bool find(void* handle, const char* name, F& out, std::string& problem) {
  out = reinterpret_cast<F>(dlsym(handle, name));
  if (out == nullptr) problem = std::string("libwrap.so.0 has no ") + name;
  return out != nullptr;
}

// Loaded once per checker process, at its first question.
const Libwrap& libwrap() {
  static const Libwrap lib = [] {
    Libwrap l;
    void* handle = dlopen("libwrap.so.0", RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = dlerror();
      l.problem = why != nullptr ? why : "cannot load libwrap.so.0";
      return l;
    }
    if (!find(handle, "request_init", l.request_init, l.problem) ||
        !find(handle, "sock_hostname", l.sock_hostname, l.problem) ||
        !find(handle, "sock_hostaddr", l.sock_hostaddr, l.problem) ||
        !find(handle, "hosts_access", l.hosts_access, l.problem))
      l.hosts_access = nullptr;
    return l;
  }();
  return lib;
}

}  // namespace

bool available() {
  return true;
}

Verdict hosts_allow(const char* daemon, const sockaddr* peer, std::string& problem) {
  const Libwrap& lib = libwrap();
  if (lib.hosts_access == nullptr) {
    problem = lib.problem;
    return Verdict::unavailable;
  }
  request_info request{};
  // libwrap takes the client's address as a non-const pointer and only reads it.
  lib.request_init(&request, RQ_DAEMON, daemon, RQ_CLIENT_SIN, const_cast<sockaddr*>(peer), 0);
  request.hostname = lib.sock_hostname;  // what tcpd.h's sock_methods sets
  request.hostaddr = lib.sock_hostaddr;
  return lib.hosts_access(&request) != 0 ? Verdict::allowed : Verdict::refused;
}

#else

bool available() {
  return false;
}

Verdict hosts_allow(const char*, const sockaddr*, std::string& problem) {
  problem = "ninetd was built without libwrap's header";
  return Verdict::unavailable;
}

#endif

}  // namespace ninetd::wrap
