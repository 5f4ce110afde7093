// The supervisor's side of systemd's notify protocol: what it reports, and when.
#include <chrono>

#include "daemon/supervisor.h"

namespace ninetd::daemon {
namespace {

// How often STATUS= may follow the counts: `systemctl status` is read by a
// person, and a busy daemon must not send a datagram per connection.
constexpr std::chrono::seconds kStatusInterval{10};

}  // namespace

void Supervisor::use_service_manager(ServiceManager& manager) {
  if (manager.enabled()) service_manager_ = &manager;
}

StatusCounts Supervisor::status_counts() const {
  StatusCounts counts;
  counts.services = table_.size();
  counts.children = children_.size() + sessions_.size();
  for (const auto& service : table_) counts.served += service->counters.connections;
  return counts;
}

void Supervisor::tell_ready() {
  if (service_manager_ == nullptr) return;
  service_manager_->ready(status_counts());
  if (!status_timer_)
    status_timer_ =
        loop_.schedule(loop::Clock::now() + kStatusInterval, [this] { refresh_status(); });
  if (!watchdog_timer_ && service_manager_->watchdog()) feed_watchdog();
}

// From the loop's timer: a loop stuck anywhere stops feeding it, and systemd
// restarts the daemon (Restart= in the unit).
void Supervisor::feed_watchdog() {
  service_manager_->keep_alive();
  watchdog_timer_ = loop_.schedule(loop::Clock::now() + *service_manager_->watchdog(),
                                   [this] { feed_watchdog(); });
}

void Supervisor::refresh_status() {
  status_timer_ =
      loop_.schedule(loop::Clock::now() + kStatusInterval, [this] { refresh_status(); });
  service_manager_->status(status_counts());
}

void Supervisor::tell_stopping() {
  if (service_manager_ == nullptr) return;
  for (auto* timer : {&status_timer_, &watchdog_timer_}) {
    if (*timer) loop_.cancel(**timer);
    timer->reset();
  }
  service_manager_->stopping();
}

}  // namespace ninetd::daemon
