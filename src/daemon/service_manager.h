// ServiceManager: what the daemon tells systemd (sd_notify(3)'s protocol,
// without libsystemd): one datagram per state change to the unix socket named
// by $NOTIFY_SOCKET. READY=1 once every listener of the first load is open,
// RELOADING=1 and READY=1 around a reload, STOPPING=1 at SIGTERM, and STATUS=
// with a one-line summary that `systemctl status` shows. Without
// $NOTIFY_SOCKET every call does nothing.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sys/fd.h"

namespace ninetd::daemon {

// The counts STATUS= reports.
struct StatusCounts {
  std::size_t services = 0;
  std::size_t children = 0;  // servers running and in-loop sessions
  std::uint64_t served = 0;  // connections served since start (and datagram servers started)
};

// The messages, pure, so tests can compare them byte for byte.
std::string status_message(const StatusCounts& counts);
std::string ready_message(const StatusCounts& counts);
std::string reloading_message(std::uint64_t monotonic_usec);
inline constexpr std::string_view kStoppingMessage = "STOPPING=1";
inline constexpr std::string_view kWatchdogMessage = "WATCHDOG=1";

// How often to tell systemd's watchdog the loop is alive: half the interval
// $WATCHDOG_USEC gives (as sd_watchdog_enabled(3) advises), for this process
// only ($WATCHDOG_PID, when set, names another one for a forking parent).
// nullopt: no watchdog, or a value that is not a positive number.
std::optional<std::chrono::microseconds> watchdog_period(const char* usec, const char* pid,
                                                         long own_pid);

// The address $NOTIFY_SOCKET names: a path, or an abstract name written with
// a leading '@'. nullopt for an empty, relative or over-long value.
struct NotifyAddress {
  sockaddr_un address{};
  socklen_t length = 0;
};
std::optional<NotifyAddress> parse_notify_socket(std::string_view value);

class ServiceManager {
 public:
  // Reads $NOTIFY_SOCKET and removes it from the environment, so that no
  // server or helper the daemon starts talks to systemd in its name. A value
  // that cannot be used is logged once and ignored.
  static ServiceManager from_environment();

  bool enabled() const { return socket_.get() >= 0; }
  // Set when systemd runs a watchdog on the daemon (WatchdogSec=).
  std::optional<std::chrono::microseconds> watchdog() const { return watchdog_; }
  void keep_alive() { send(std::string(kWatchdogMessage)); }
  void ready(const StatusCounts& counts) { send(ready_message(counts)); }
  void reloading();
  void status(const StatusCounts& counts);
  void stopping() { send(std::string(kStoppingMessage)); }
  // The file descriptor store (FileDescriptorStoreMax=): `fd` kept by systemd
  // under `name` and given to the next start (socket_handover.h); false when
  // it could not be sent. Then a name's descriptors dropped from the store.
  bool store(int fd, std::string_view name);
  void remove_stored(std::string_view name);

 private:
  void send(const std::string& message);

  sys::Fd socket_;
  NotifyAddress target_;
  std::optional<std::chrono::microseconds> watchdog_;
  std::string last_status_;  // STATUS= is sent again only when it changes
};

}  // namespace ninetd::daemon
