#include "wrap/hosts_access.h"

#ifdef NINETD_HAVE_LIBWRAP
#include <syslog.h>

// Debian's libwrap is built with IPv6: its endpoints hold a struct sockaddr.
#define INET6 1
#include <tcpd.h>

// libwrap logs refusals at these priorities; a program using it defines them.
int allow_severity = LOG_INFO;
int deny_severity = LOG_WARNING;
#endif

namespace ninetd::wrap {

#ifdef NINETD_HAVE_LIBWRAP

bool available() {
  return true;
}

bool hosts_allow(const char* daemon, const sockaddr* peer) {
  request_info request{};
  // libwrap takes the client's address as a non-const pointer and only reads it.
  request_init(&request, RQ_DAEMON, daemon, RQ_CLIENT_SIN, const_cast<sockaddr*>(peer), 0);
  sock_methods(&request);
  return hosts_access(&request) != 0;
}

#else

bool available() {
  return false;
}

bool hosts_allow(const char*, const sockaddr*) {
  return true;
}

#endif

}  // namespace ninetd::wrap
