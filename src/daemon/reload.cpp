// The supervisor's configuration side: first load, reload as a diff that keeps
// surviving sockets, opening and closing listeners, the SIGUSR1 table dump.
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "daemon/descriptor_budget.h"
#include "daemon/supervisor.h"
#include "log/logger.h"
#include "net/listener.h"
#include "services/reload_diff.h"

namespace ninetd::daemon {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kRetryOpen(10000);

// Ports that the echo/chargen ping-pong guard never answers (RFC 862-868 defaults).
constexpr std::uint16_t kStandardBuiltinPorts[] = {7, 9, 13, 19, 37};

std::string describe(const services::Service& s) {
  std::string what = s.builtin != config::Builtin::none
                         ? fmt::format("internal {}", config::to_string(s.builtin))
                         : s.program;
  return fmt::format("{}, {}, {}", config::to_string(s.socket_type),
                     s.wait_mode == config::WaitMode::wait ? "wait" : "nowait", what);
}

bool is_ipv6_missing(const services::Service& s, int error) {
  return s.address.family() == AF_INET6 && (error == EAFNOSUPPORT || error == EADDRNOTAVAIL);
}

}  // namespace

LoadRequest Supervisor::load_request() const {
  return LoadRequest{settings_.config_path, settings_.login_conf};
}

bool Supervisor::start() {
  LoadResult loaded = load_in_child(load_request());
  if (!loaded) {
    log::error("cannot load {}: the configuration loader failed", settings_.config_path);
    return false;
  }
  log_diagnostics(*loaded);
  if (!loaded->readable) return false;
  apply(std::move(*loaded), true);
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
  if (!reader_.start(load_request(), [this](LoadResult result) { finish_reload(std::move(result)); }))
    log::error("reload failed: cannot start the configuration loader: {}; the running "
               "configuration is kept", std::strerror(errno));
}

void Supervisor::finish_reload(LoadResult result) {
  if (!result) {
    log::error("reload failed: the configuration loader failed or ran out of time; the running "
               "configuration is kept");
  } else {
    services::LoadedConfig& loaded = *result;
    log_diagnostics(loaded);
    if (!loaded.readable)
      log::error("reload failed: configuration unreadable; the running configuration is kept");
    else if (loaded.services.empty() && config::has_errors(loaded.diagnostics))
      log::error("reload failed: no valid entry in {}; the running configuration is kept",
                 settings_.config_path);
    else
      apply(std::move(loaded), false);
  }
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

void Supervisor::apply(services::LoadedConfig loaded, bool initial) {
  log::Batch batch;  // a line per service
  std::vector<const services::Service*> running;
  for (const auto& service : table_) running.push_back(&service->service());
  services::ReloadDiff diff = services::diff_services(running, loaded.services, loaded.failed);

  for (const services::Service* s : diff.removed) {
    RunningService& service = in_table(*s);
    log::notice("{}: removed{}", service.name(),
                service.children > 0 ? "; its running servers go on" : "");
    close_socket(service);
    service.removed = true;
    graveyard_.push_back(service.shared_from_this());
  }
  std::erase_if(table_, [](const auto& service) { return service->removed; });
  for (const services::Service* s : diff.kept_broken)
    log::warning("{}: its entry now has errors; the running definition is kept", s->name);
  std::set<RunningService*> recount;
  for (const services::Service* s : diff.changed) {
    // Same key: the service keeps its place in the table.
    RunningService& service = in_table(*s);
    const services::Service& old = service.service();
    // A buffer size taken away has no way back to the kernel's default but a
    // new socket (its queue is lost); anything else changes in place.
    bool reopen = (old.sndbuf && !s->sndbuf) || (old.rcvbuf && !s->rcvbuf);
    bool options_changed = !old.same_socket_options(*s);
    bool rate_changed = old.limits.max_per_minute != s->limits.max_per_minute;
    if (service.set_service(*s)) recount.insert(&service);
    if (reopen) {
      close_socket(service);
      open_socket(service);
    } else if (service.listener) {
      if (options_changed) {
        if (auto done = net::set_buffer_sizes(service.listener.get(), *s); !done)
          log::error("{}: {}", service.name(), done.error().describe());
      }
      // Left as it is while a wait server holds the socket: the flag is shared.
      sync_socket_mode(service);
    }
    // A pause for the old rate ends with it; a max-child raised or lowered
    // applies to the next client, not only after the next exit.
    if (service.paused_for_rate && rate_changed) {
      loop_.cancel(service.timer);
      service.timer = loop_.no_timer();
      service.paused = service.paused_for_rate = false;
    }
    unsigned max = service.service().limits.max_child;
    if (max > 0 && service.children >= max)
      unwatch(service);
    else
      rearm(service);
    log::notice("{}: changed; new connections get the new definition", service.name());
  }
  recount_sources(recount);
  table_.reserve(table_.size() + diff.added.size());
  for (const services::Service* s : diff.added) {
    auto service = std::make_shared<RunningService>(*this, *s);
    service->timer = loop_.no_timer();
    table_.push_back(service);
    open_socket(*service);
  }
  std::sort(table_.begin(), table_.end(), ByKey{});

  tcpmux_.clear();
  guarded_ports_ = std::set<std::uint16_t>(std::begin(kStandardBuiltinPorts),
                                           std::end(kStandardBuiltinPorts));
  std::size_t sockets = 0;
  for (const auto& service : table_) {
    const services::Service& s = service->service();
    if (s.tcpmux) tcpmux_[s.tcpmux_name] = service;
    if (s.builtin != config::Builtin::none) guarded_ports_.insert(s.address.port());
    if (service->listener) ++sockets;
  }
  if (initial)
    log::notice("started: {} service{} on {} socket{}", table_.size(),
                table_.size() == 1 ? "" : "s", sockets, sockets == 1 ? "" : "s");
  else
    log::notice("reloaded: {} added, {} removed, {} changed, {} unchanged, {} kept despite errors",
                diff.added.size(), diff.removed.size(), diff.changed.size(),
                diff.unchanged.size(), diff.kept_broken.size());
  auto needs_socket = [](const auto& service) { return service->service().has_socket(); };
  auto needed = static_cast<std::size_t>(std::count_if(table_.begin(), table_.end(), needs_socket));
  if (auto shortfall = descriptor_shortfall(needed, open_files_limit()))
    log::warning("{}", *shortfall);
}

RunningService& Supervisor::in_table(const services::Service& service) {
  return **std::lower_bound(table_.begin(), table_.end(), service, ByKey{});
}

void Supervisor::open_socket(RunningService& service) {
  const services::Service& s = service.service();
  if (!s.has_socket()) {
    log::notice("{}: reachable through tcpmux as \"{}\" ({})", s.name, s.tcpmux_name, describe(s));
    return;
  }
  auto fd = net::open_listener(s, !service.hands_over_socket());
  if (!fd) {
    int error = fd.error().code;
    if (is_ipv6_missing(s, error) && s.address.is_any()) {
      log::notice("{}: no IPv6 on this host ({}); its IPv6 socket is not opened", s.name,
                  fd.error().describe());
      return;
    }
    log::error("{}: {} {}: {}; retrying every {} s", s.name, fd.error().call,
               s.address.to_string(), std::strerror(error), kRetryOpen.count() / 1000);
    pause(service, kRetryOpen);
    return;
  }
  service.listener = std::move(*fd);
  service.listener_nonblocking = !service.hands_over_socket();
  if (s.address.family() == AF_UNIX) {
    struct stat bound {};
    if (lstat(s.address.ip().c_str(), &bound) == 0)
      service.socket_file.emplace(bound.st_dev, bound.st_ino);
  }
  log::notice("{}: listening on {} ({})", s.name, s.address.to_string(), describe(s));
  rearm(service);
}

void Supervisor::close_socket(RunningService& service) {
  unwatch(service);
  loop_.cancel(service.timer);
  service.timer = loop_.no_timer();
  service.paused = false;
  if (service.listener && service.service().address.family() == AF_UNIX) {
    // Only the daemon's own socket file: in a directory others can write,
    // the name may have been replaced since the bind.
    std::string path = service.service().address.ip();
    struct stat now {};
    if (service.socket_file && lstat(path.c_str(), &now) == 0 && S_ISSOCK(now.st_mode) &&
        now.st_dev == service.socket_file->first && now.st_ino == service.socket_file->second)
      ::unlink(path.c_str());
  }
  service.socket_file.reset();
  service.listener.reset();
}

void Supervisor::shut_down() {
  reader_.stop();  // no loader outlives the daemon, nor holds what it holds
  for (const auto& service : table_) {
    close_socket(*service);
    service->removed = true;
  }
  table_.clear();
  tcpmux_.clear();
  for (auto& [key, entry] : sessions_) entry.session->detach();
  sessions_.clear();
  if (sweep_timer_) loop_.cancel(*sweep_timer_);
  sweep_timer_.reset();
}

void Supervisor::dump_table() {
  log::Batch batch;
  log::notice("{} service{}, {} server{} running, {} builtin session{}; udp builtins answered "
              "{}, refused {}",
              table_.size(), table_.size() == 1 ? "" : "s", children_.size(),
              children_.size() == 1 ? "" : "s", sessions_.size(), sessions_.size() == 1 ? "" : "s",
              datagram_stats_.answered,
              datagram_stats_.refused + datagram_stats_.over_rate + datagram_stats_.over_budget);
  for (const auto& service : table_) {
    const services::Service& s = service->service();
    std::string state = !s.has_socket()        ? "tcpmux"
                        : service->wait_pid    ? fmt::format("server pid {} holds the socket",
                                                             *service->wait_pid)
                        : service->watching    ? "listening"
                        : !service->listener   ? "not open (retrying)"
                        : service->paused      ? "paused"
                                               : "at max-child";
    log::notice("{}: {} ({}) {}: connections={} children={} spawn_failures={} refused={}", s.name,
                s.has_socket() ? s.address.to_string() : s.tcpmux_name, describe(s), state,
                service->counters.connections, service->children,
                service->counters.spawn_failures, service->counters.refused);
  }
}

}  // namespace ninetd::daemon
