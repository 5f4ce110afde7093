#include "forward/flow.h"

#include <sys/epoll.h>

namespace ninetd::forward {

std::uint32_t socket_interest(const Direction& out, const Direction& in, bool connected) {
  if (!connected) return EPOLLOUT;
  std::uint32_t events = 0;
  if (out.wants_read()) events |= EPOLLIN;
  if (in.held > 0) events |= EPOLLOUT;
  return events;
}

}  // namespace ninetd::forward
