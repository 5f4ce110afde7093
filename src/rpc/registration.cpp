#include "rpc/registration.h"

#include <fmt/format.h>
#include <sys/socket.h>

#include <algorithm>
#include <tuple>

namespace ninetd::rpc {

std::strong_ordering Binding::operator<=>(const Binding& other) const {
  return std::tie(program, version, netid, address) <=>
         std::tie(other.program, other.version, other.netid, other.address);
}

std::string netid_of(config::Transport transport, int family) {
  if (transport == config::Transport::local || (family != AF_INET && family != AF_INET6)) return {};
  std::string netid = transport == config::Transport::udp ? "udp" : "tcp";
  if (family == AF_INET6) netid += "6";
  return netid;
}

std::string universal_address(const net::SocketAddress& address) {
  std::uint16_t port = address.port();
  return fmt::format("{}.{}.{}", address.ip(), port >> 8, port & 0xff);
}

std::vector<Binding> bindings_for(const services::Service& service,
                                  const net::SocketAddress& bound) {
  std::vector<Binding> out;
  std::string netid = netid_of(service.transport, bound.family());
  if (!service.is_rpc() || netid.empty()) return out;
  std::string address = universal_address(bound);
  for (std::uint64_t v = service.rpc_low_version; v <= service.rpc_high_version; ++v)
    out.push_back(
        {service.rpc_program, static_cast<std::uint32_t>(v), netid, address, service.name});
  return out;
}

Plan plan_registration(const std::set<Binding>& registered, const std::set<Binding>& wanted) {
  Plan plan;
  for (const Binding& b : registered) {
    bool slot_wanted =
        std::any_of(wanted.begin(), wanted.end(), [&](const Binding& w) { return w.same_slot(b); });
    if (!slot_wanted) plan.unset.push_back(b);
  }
  for (const Binding& w : wanted)
    if (registered.count(w) == 0) plan.set.push_back(w);
  return plan;
}

std::chrono::seconds retry_delay(unsigned failures) {
  constexpr unsigned kMaxSeconds = 60;
  unsigned seconds = 1;
  for (unsigned i = 1; i < failures && seconds < kMaxSeconds; ++i) seconds *= 2;
  return std::chrono::seconds(std::min(seconds, kMaxSeconds));
}

}  // namespace ninetd::rpc
