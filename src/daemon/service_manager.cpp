#include "daemon/service_manager.h"

#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "log/logger.h"

namespace ninetd::daemon {

std::string status_message(const StatusCounts& counts) {
  return fmt::format("STATUS={} service{}, {} running, {} connection{} served", counts.services,
                     counts.services == 1 ? "" : "s", counts.children, counts.served,
                     counts.served == 1 ? "" : "s");
}

std::string ready_message(const StatusCounts& counts) {
  return "READY=1\n" + status_message(counts);
}

std::string reloading_message(std::uint64_t monotonic_usec) {
  return fmt::format("RELOADING=1\nMONOTONIC_USEC={}", monotonic_usec);
}

std::optional<NotifyAddress> parse_notify_socket(std::string_view value) {
  NotifyAddress out;
  out.address.sun_family = AF_UNIX;
  // An abstract name keeps its leading NUL and no trailing one; a path its
  // terminating NUL, so the length is the name's plus one.
  bool abstract = !value.empty() && value.front() == '@';
  if (value.size() < 2 || (!abstract && value.front() != '/')) return std::nullopt;
  if (value.find('\0') != std::string_view::npos) return std::nullopt;
  if (value.size() >= sizeof(out.address.sun_path)) return std::nullopt;
  std::memcpy(out.address.sun_path, value.data(), value.size());
  if (abstract) out.address.sun_path[0] = '\0';
  out.length =
      static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + value.size() + (abstract ? 0 : 1));
  return out;
}

std::optional<std::chrono::microseconds> watchdog_period(const char* usec, const char* pid,
                                                         long own_pid) {
  if (usec == nullptr) return std::nullopt;
  auto number = [](const char* text) -> std::optional<unsigned long long> {
    unsigned long long value = 0;
    auto [end, error] = std::from_chars(text, text + std::strlen(text), value);
    if (error != std::errc() || *end != '\0' || end == text) return std::nullopt;
    return value;
  };
  auto interval = number(usec);
  if (!interval || *interval == 0) return std::nullopt;
  if (pid != nullptr) {
    auto watched = number(pid);
    if (!watched || *watched != static_cast<unsigned long long>(own_pid)) return std::nullopt;
  }
  return std::chrono::microseconds(*interval / 2);
}

ServiceManager ServiceManager::from_environment() {
  ServiceManager manager;
  const char* watchdog_usec = std::getenv("WATCHDOG_USEC");
  const char* watchdog_pid = std::getenv("WATCHDOG_PID");
  manager.watchdog_ = watchdog_period(watchdog_usec, watchdog_pid, static_cast<long>(::getpid()));
  ::unsetenv("WATCHDOG_USEC");
  ::unsetenv("WATCHDOG_PID");
  const char* value = std::getenv("NOTIFY_SOCKET");
  if (value == nullptr) return manager;
  std::string name = value;
  ::unsetenv("NOTIFY_SOCKET");
  auto target = parse_notify_socket(name);
  if (!target) {
    log::warning(
        "NOTIFY_SOCKET: not a unix socket path or @name; systemd is not told of readiness");
    return manager;
  }
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    log::warning("NOTIFY_SOCKET: socket: {}", std::strerror(errno));
    return manager;
  }
  manager.socket_ = sys::Fd(fd);
  manager.target_ = *target;
  return manager;
}

void ServiceManager::reloading() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  auto usec = static_cast<std::uint64_t>(now.tv_sec) * 1'000'000U +
              static_cast<std::uint64_t>(now.tv_nsec) / 1000U;
  send(reloading_message(usec));
}

void ServiceManager::status(const StatusCounts& counts) {
  std::string message = status_message(counts);
  if (message == last_status_) return;
  send(message);
}

bool ServiceManager::store(int fd, std::string_view name) {
  if (!enabled()) return false;
  std::string message = fmt::format("FDSTORE=1\nFDNAME={}", name);
  iovec part{message.data(), message.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr header{};
  header.msg_name = &target_.address;
  header.msg_namelen = target_.length;
  header.msg_iov = &part;
  header.msg_iovlen = 1;
  header.msg_control = control;
  header.msg_controllen = sizeof(control);
  cmsghdr* rights = CMSG_FIRSTHDR(&header);
  rights->cmsg_level = SOL_SOCKET;
  rights->cmsg_type = SCM_RIGHTS;
  rights->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(rights), &fd, sizeof(int));
  // At the stop, hundreds may go at once: a full queue is waited for a
  // moment rather than the socket lost (it would be bound anew, dropping
  // the clients queued on it).
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (::sendmsg(socket_.get(), &header, MSG_NOSIGNAL) >= 0) return true;
    if (errno != EAGAIN) break;
    pollfd writable{socket_.get(), POLLOUT, 0};
    ::poll(&writable, 1, 1000);
  }
  log::warning("NOTIFY_SOCKET: FDSTORE {}: {}", name, std::strerror(errno));
  return false;
}

void ServiceManager::remove_stored(std::string_view name) {
  send(fmt::format("FDSTOREREMOVE=1\nFDNAME={}", name));
}

void ServiceManager::send(const std::string& message) {
  if (!enabled()) return;
  // A datagram: it arrives whole or not at all. systemd reads its socket
  // promptly; a full queue drops a state change rather than stall the loop.
  ssize_t sent = ::sendto(socket_.get(), message.data(), message.size(), MSG_NOSIGNAL,
                          reinterpret_cast<const sockaddr*>(&target_.address), target_.length);
  if (sent < 0) {
    log::warning("NOTIFY_SOCKET: {}", std::strerror(errno));
    return;
  }
  auto status = message.find("STATUS=");
  if (status != std::string::npos) last_status_ = message.substr(status);
}

}  // namespace ninetd::daemon
