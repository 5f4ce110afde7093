#include "daemon/running_service.h"

#include "spawn/spawner.h"

namespace ninetd::daemon {

RunningService::RunningService(ListenerOwner& owner, services::Service service)
    : listener(*this, owner) {
  set_service(std::move(service));
}

void RunningService::fill_argv(std::vector<char*>& out) {
  out.clear();
  for (auto& arg : service_.argv) out.push_back(arg.data());
  out.push_back(nullptr);
}

bool RunningService::set_service(services::Service service) {
  service_ = std::move(service);
  if (service_.credentials.switch_user)
    credential_steps_ = spawn::steps_needed(service_.credentials, spawn::current_identity());
  const auto& limits = service_.limits;
  return admission.configure({limits.max_per_minute, limits.max_child_per_ip,
                              limits.max_conn_per_ip_per_minute});
}

}  // namespace ninetd::daemon
