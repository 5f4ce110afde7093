// The supervisor's configuration side: first load, reload as a diff that keeps
// surviving sockets, opening and closing listeners, the SIGUSR1 table dump.
#include <malloc.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include "daemon/descriptor_budget.h"
#include "daemon/supervisor.h"
#include "log/logger.h"
#include "services/reload_diff.h"

namespace ninetd::daemon {
namespace {

// Ports that the echo/chargen ping-pong guard never answers (RFC 862-868 defaults).
constexpr std::uint16_t kStandardBuiltinPorts[] = {7, 9, 13, 19, 37};

}  // namespace

LoadRequest Supervisor::load_request() const {
  return LoadRequest{settings_.config_path, settings_.login_conf, settings_.include_dir,
                     settings_.xinetd};
}

bool Supervisor::start() {
  LoadResult loaded = load_in_child(load_request());
  if (!loaded) {
    log::error("cannot load {}: the configuration loader failed", settings_.config_path);
    return false;
  }
  log_diagnostics(*loaded);
  if (!loaded->readable) return false;
  apply(*loaded, true);
  loaded.reset();
  // The load's scratch memory (the bytes from the loader, their decoded copy)
  // is free now: give it back rather than keep it resident for good.
  malloc_trim(0);
  return true;
}

void Supervisor::reload() {
  if (reader_.busy()) {
    reload_again_ = true;
    return;
  }
  log::notice("reloading {}", settings_.config_path);
  if (service_manager_ != nullptr) service_manager_->reloading();
  if (!reader_.start(load_request(),
                     [this](LoadResult result) { finish_reload(std::move(result)); })) {
    log::error(
        "reload failed: cannot start the configuration loader: {}; the running "
        "configuration is kept",
        std::strerror(errno));
    tell_ready();
  }
}

void Supervisor::finish_reload(LoadResult result) {
  // Counted as the log says it: applied, or refused with the running configuration kept.
  if (!result) {
    ++reloads_refused_;
    log::error(
        "reload failed: the configuration loader failed or ran out of time; the running "
        "configuration is kept");
  } else {
    services::LoadedConfig& loaded = *result;
    log_diagnostics(loaded);
    if (!loaded.readable) {
      ++reloads_refused_;
      log::error("reload failed: configuration unreadable; the running configuration is kept");
    } else if (loaded.services.empty() && config::has_errors(loaded.diagnostics)) {
      ++reloads_refused_;
      log::error("reload failed: no valid entry in {}; the running configuration is kept",
                 settings_.config_path);
    } else {
      ++reloads_applied_;
      apply(loaded, false);
    }
  }
  // systemd waits for READY=1 after RELOADING=1 whether the reload took or not:
  // a failed one leaves the running configuration serving.
  tell_ready();
  if (reload_again_) {
    reload_again_ = false;
    reload();
  }
}

void Supervisor::log_diagnostics(const services::LoadedConfig& loaded) {
  log::Batch batch;
  // The log line carries the severity already, so it is left out of the message.
  for (const auto& d : loaded.diagnostics)
    log::write(d.severity == config::Severity::error ? log::Level::error : log::Level::warning,
               fmt::format("{}: {}", d.location(), d.shown_message()));
}

void Supervisor::apply(services::LoadedConfig& loaded, bool initial) {
  log::Batch batch;  // a line per service
  apply_limit_defaults(loaded.services, settings_.limit_defaults);
  service_log_.adopt(loaded);
  std::vector<const services::Service*> running;
  for (const auto& service : table_) running.push_back(&service->service());
  services::ReloadDiff diff = services::diff_services(running, loaded.services, loaded.failed);

  for (const services::Service* s : diff.removed) {
    RunningService& service = in_table(*s);
    log::notice("{}: removed{}", service.name(),
                service.children > 0 ? "; its running servers go on" : "");
    service.listener.remove();
    graveyard_.push_back(service.shared_from_this());
  }
  std::erase_if(table_, [](const auto& service) { return service->removed(); });
  for (const services::Service* s : diff.kept_broken)
    log::warning("{}: its entry now has errors; the running definition is kept", s->name);
  std::set<RunningService*> recount;
  for (const services::Service* s : diff.changed) apply_change(in_table(*s), *s, recount);
  recount_sources(recount);
  table_.reserve(table_.size() + diff.added.size());
  for (const services::Service* s : diff.added) {
    auto service = std::make_shared<RunningService>(*this, *s);
    table_.push_back(service);
    service->listener.open();
  }
  std::sort(table_.begin(), table_.end(), ByKey{});

  std::size_t sockets = index_table();
  settle_service_log();
  if (initial)
    log::notice("started: {} service{} on {} socket{}", table_.size(),
                table_.size() == 1 ? "" : "s", sockets, sockets == 1 ? "" : "s");
  else
    log::notice("reloaded: {} added, {} removed, {} changed, {} unchanged, {} kept despite errors",
                diff.added.size(), diff.removed.size(), diff.changed.size(), diff.unchanged.size(),
                diff.kept_broken.size());
  auto needs_socket = [](const auto& service) { return service->service().has_socket(); };
  auto needed = static_cast<std::size_t>(std::count_if(table_.begin(), table_.end(), needs_socket));
  if (auto shortfall = descriptor_shortfall(needed, open_files_limit()))
    log::warning("{}", *shortfall);
}

void Supervisor::rpc_bound(const RunningService& service, const net::SocketAddress& bound) {
  rpc_.want(&service, rpc::bindings_for(service.service(), bound));
}

void Supervisor::rpc_closed(const RunningService& service) {
  rpc_.drop(&service);
}

std::size_t Supervisor::index_table() {
  tcpmux_.clear();
  guarded_ports_ =
      std::set<std::uint16_t>(std::begin(kStandardBuiltinPorts), std::end(kStandardBuiltinPorts));
  std::size_t sockets = 0;
  for (const auto& service : table_) {
    const services::Service& s = service->service();
    if (s.tcpmux) tcpmux_[s.tcpmux_name] = service;
    if (s.builtin != config::Builtin::none) guarded_ports_.insert(s.address.port());
    if (service->listener.is_open()) ++sockets;
  }
  return sockets;
}

RunningService& Supervisor::in_table(const services::Service& service) {
  return **std::lower_bound(table_.begin(), table_.end(), service, ByKey{});
}

// Same key: the service keeps its place in the table, its socket and its
// children; the new definition reaches the socket, the pause and the limits.
void Supervisor::apply_change(RunningService& service, const services::Service& changed,
                              std::set<RunningService*>& recount) {
  const services::Service& old = service.service();
  // A buffer size taken away has no way back to the kernel's default but a
  // new socket (its queue is lost); anything else changes in place.
  bool reopen = (old.sndbuf && !changed.sndbuf) || (old.rcvbuf && !changed.rcvbuf);
  bool buffers_changed = !old.same_socket_options(changed);
  bool rate_changed = old.limits.max_per_minute != changed.limits.max_per_minute;
  bool versions_changed = !old.same_rpc_versions(changed);
  if (service.set_service(changed)) recount.insert(&service);
  if (reopen)
    service.listener.reopen();
  else
    service.listener.apply_socket_options(buffers_changed);
  // Same program, same socket: rpcbind gets the new set of versions.
  if (versions_changed && !reopen) service.listener.announce_rpc();
  // A pause for the old rate ends with it; a max-child raised or lowered
  // applies to the next client, not only after the next exit.
  if (service.state() == ServiceState::paused_by_rate && rate_changed)
    service.listener.end_pause();
  else
    service.listener.reconsider();
  log::notice("{}: changed; new connections get the new definition", service.name());
}

void Supervisor::shut_down(bool keep_sockets) {
  reader_.stop();  // no loader outlives the daemon, nor holds what it holds
  std::size_t kept = 0;
  for (const auto& service : table_) {
    if (keep_sockets && hand_over(*service)) {
      ++kept;
      continue;
    }
    service->listener.remove();
  }
  if (kept > 0)
    log::notice("{} socket{} handed to systemd for the next start", kept, kept == 1 ? "" : "s");
  // Unregistered before the daemon goes: rpcbind would go on sending clients
  // to a port nobody serves. A few seconds at most if rpcbind does not answer.
  rpc_.shut_down(std::chrono::milliseconds(5000));
  table_.clear();
  tcpmux_.clear();
  for (auto& [key, entry] : sessions_) entry.session->detach();
  sessions_.clear();
  for (auto& [key, entry] : forwards_) entry.forwarder->close();
  forwards_.clear();
  if (sweep_timer_) loop_.cancel(*sweep_timer_);
  sweep_timer_.reset();
}

namespace {

// The SIGUSR1 table's by_access: the allow and deny lists and hosts.allow.
std::uint64_t refused_by_lists(const RunningService& service) {
  const auto& history = service.counters.history;
  if (!history) return 0;
  return history->refusals(status::Refusal::access) + history->refusals(status::Refusal::libwrap);
}

}  // namespace

// A listener no wait server holds, of a kind the store carries, sent to it.
bool Supervisor::hand_over(RunningService& service) {
  ServiceListener& listener = service.listener;
  if (service_manager_ == nullptr || !listener.is_open() || listener.wait_pid()) return false;
  auto name = handover_name(service.service());
  if (!name || !service_manager_->store(listener.fd(), *name)) return false;
  listener.hand_over();
  return true;
}

void Supervisor::forget_inherited() {
  std::vector<std::string> names = inherited_.names();
  std::size_t unused = inherited_.release_rest().size();
  if (unused > 0)
    log::notice("{} socket{} kept across the restart closed: no service has {} now", unused,
                unused == 1 ? "" : "s", unused == 1 ? "it" : "them");
  // Emptied while the daemon runs, so a service a reload drops leaves no
  // socket behind in the store, queueing clients nobody serves.
  if (service_manager_ != nullptr)
    for (const std::string& name : names) service_manager_->remove_stored(name);
}

void Supervisor::dump_table() {
  log::Batch batch;
  log::notice(
      "{} service{}, {} server{} running, {} builtin session{}; udp builtins answered "
      "{}, refused {}",
      table_.size(), table_.size() == 1 ? "" : "s", children_.size(),
      children_.size() == 1 ? "" : "s", sessions_.size(), sessions_.size() == 1 ? "" : "s",
      datagram_stats_.answered,
      datagram_stats_.refused + datagram_stats_.over_rate + datagram_stats_.over_budget);
  for (const auto& service : table_) {
    const services::Service& s = service->service();
    std::string state(daemon::describe(service->state()));
    if (auto pid = service->listener.wait_pid()) state += fmt::format(" (pid {})", *pid);
    if (service->state() == ServiceState::backing_off)
      state += fmt::format(" ({} failed at once in a row)", service->crash_loop.in_a_row());
    log::notice(
        "{}: {} ({}) {}: connections={} children={} spawn_failures={} refused={} by_access={}",
        s.name, s.has_socket() ? s.address.to_string() : s.tcpmux_name, service_summary(s), state,
        service->counters.connections, service->children, service->counters.spawn_failures,
        service->counters.refused, refused_by_lists(*service));
  }
}

}  // namespace ninetd::daemon
