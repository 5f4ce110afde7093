#include "sys/result.h"

#include <fmt/format.h>

#include <cstring>

namespace ninetd::sys {

std::string SysError::describe() const {
  return fmt::format("{}: {}", call, std::strerror(code));
}

ErrnoClass classify_errno(int code) {
  switch (code) {
    case EAGAIN:
    case EINTR:
    case ECONNABORTED:
    case EPROTO:
    case ENETDOWN:
    case ENOPROTOOPT:
    case EHOSTDOWN:
    case ENONET:
    case EHOSTUNREACH:
    case EOPNOTSUPP:
    case ENETUNREACH:
    case ECONNRESET:
    case EPERM:  // accept4 on Linux: a firewall rule refused the connection
      return ErrnoClass::again;
    case EMFILE:
    case ENFILE:
    case ENOBUFS:
    case ENOMEM:
      return ErrnoClass::resource;
    default:
      return ErrnoClass::other;
  }
}

}  // namespace ninetd::sys
