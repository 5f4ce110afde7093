#include "daemon/running_service.h"

#include <time.h>

#include "log/logger.h"
#include "spawn/spawner.h"

namespace ninetd::daemon {

RunningService::RunningService(ListenerOwner& owner, services::Service service)
    : listener(*this, owner) {
  set_service(std::move(service));
}

spawn::LaunchTemplate& RunningService::launch_template() {
  if (!launch_template_)
    launch_template_ = std::make_unique<spawn::LaunchTemplate>(service_, credential_steps_);
  return *launch_template_;
}

bool RunningService::set_service(services::Service service) {
  service_ = std::move(service);
  if (service_.credentials.switch_user)
    credential_steps_ = spawn::steps_needed(service_.credentials, spawn::current_identity());
  launch_template_.reset();
  access = effective_access(service_, listener.owner().default_access());
  const auto& limits = service_.limits;
  return admission.configure(
      {limits.max_per_minute, limits.max_child_per_ip, limits.max_conn_per_ip_per_minute});
}

std::int64_t wall_clock_ms() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return std::int64_t{now.tv_sec} * 1000 + now.tv_nsec / 1000000;
}

void RunningService::refuse(status::Refusal reason, const net::SocketAddress& peer) {
  count_refused(reason);
  status::ServiceEvent event;
  event.unix_ms = wall_clock_ms();
  event.kind = status::EventKind::refused;
  event.value = static_cast<std::int32_t>(reason);
  if (log::peer_addresses_shown()) event.peer = status::PeerBytes(&peer);
  record(event);
}

}  // namespace ninetd::daemon
