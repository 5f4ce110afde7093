#include "daemon/control_client.h"

#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "daemon/control_socket.h"
#include "net/socket_address.h"
#include "status/control_request.h"

namespace ninetd::daemon {
namespace {

// What the daemon answered, whole; a failure's description on error.
bool exchange(const std::string& path, const std::string& request, std::string& answer,
              std::string& error) {
  auto address = net::SocketAddress::from_path(path);
  if (!address) {
    error = fmt::format("{}: not a usable socket path", path);
    return false;
  }
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = fmt::format("socket: {}", std::strerror(errno));
    return false;
  }
  // A daemon stuck in its loop must not hang the administrator's shell.
  timeval timeout{kControlTimeout.count(), 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  bool ok = ::connect(fd, address->get(), address->length()) == 0 &&
            ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
                static_cast<ssize_t>(request.size());
  char buffer[16384];
  ssize_t n = 0;
  while (ok && (n = ::read(fd, buffer, sizeof(buffer))) > 0)
    answer.append(buffer, static_cast<std::size_t>(n));
  if (!ok || n < 0) {
    int code = errno;
    error = fmt::format("cannot ask the daemon at {}: {}", path,
                        code == EAGAIN ? "no answer in time" : std::strerror(code));
    if (code == ENOENT || code == ECONNREFUSED)
      error += " (is ninetd running, with this control socket? see --control)";
  }
  ::close(fd);
  return error.empty();
}

}  // namespace

int run_query(const Options& options) {
  std::string path = options.control.value_or(kDefaultControl);
  status::ControlVerb verb = options.query == Options::Query::metrics ? status::ControlVerb::metrics
                                                                      : status::ControlVerb::status;
  std::string answer;
  std::string error;
  if (!exchange(path, status::control_request_line(verb, options.query_service), answer, error)) {
    fmt::print(stderr, "ninetd: {}\n", error);
    return 1;
  }
  std::size_t end = answer.find('\n');
  std::string first = answer.substr(0, end);
  if (first != "ok") {
    fmt::print(stderr, "ninetd: {}\n",
               first.starts_with("error ") ? first.substr(6) : "the daemon's answer is cut short");
    return 1;
  }
  fmt::print("{}", answer.substr(end + 1));
  return 0;
}

}  // namespace ninetd::daemon
