#include "daemon/running_service.h"

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

}  // namespace ninetd::daemon
