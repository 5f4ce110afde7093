#include "daemon/running_service.h"

#include "daemon/supervisor.h"
#include "spawn/spawner.h"

namespace ninetd::daemon {

RunningService::RunningService(Supervisor& owner, services::Service service) : owner_(owner) {
  set_service(std::move(service));
}

void RunningService::on_event(std::uint32_t) { owner_.on_listener_readable(*this); }

void RunningService::fill_argv(std::vector<char*>& out) {
  out.clear();
  for (auto& arg : service_.argv) out.push_back(arg.data());
  out.push_back(nullptr);
}

spawn::LaunchTemplate& RunningService::launch_template() {
  if (!launch_template_)
    launch_template_ = std::make_unique<spawn::LaunchTemplate>(service_, credential_steps_);
  return *launch_template_;
}

bool RunningService::set_service(services::Service service) {
  bool same_rate = rate && service.limits.max_per_minute == service_.limits.max_per_minute;
  bool same_per_source =
      service.limits.max_child_per_ip == service_.limits.max_child_per_ip &&
      service.limits.max_conn_per_ip_per_minute == service_.limits.max_conn_per_ip_per_minute;
  service_ = std::move(service);
  if (service_.credentials.switch_user)
    credential_steps_ = spawn::steps_needed(service_.credentials, spawn::current_identity());
  launch_template_.reset();
  if (!same_rate) {
    rate.reset();
    if (service_.limits.max_per_minute > 0)
      rate = std::make_unique<limits::RateWindow>(service_.limits.max_per_minute,
                                                  std::chrono::seconds(60));
  }
  if (!same_per_source)
    per_source = limits::PerSource(service_.limits.max_child_per_ip,
                                   service_.limits.max_conn_per_ip_per_minute);
  return !same_per_source;
}

}  // namespace ninetd::daemon
