// Banners (xinetd's banner, banner_success, banner_fail): a service's text
// written to a connection with one send that never blocks the loop and keeps
// nothing per client: what the socket's buffer does not take at once is
// dropped (a banner is at most config::kMaxBannerBytes, which an empty
// buffer takes whole).
#pragma once

#include <sys/socket.h>

#include "services/connection_policy.h"

namespace ninetd::daemon {

inline void write_banner(int fd, const services::ConnectionPolicy* policy,
                         config::BannerKind kind) {
  if (policy == nullptr) return;
  const std::string& text = policy->banner(kind);
  if (!text.empty()) (void)::send(fd, text.data(), text.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
}

}  // namespace ninetd::daemon
