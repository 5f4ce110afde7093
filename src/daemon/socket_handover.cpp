#include "daemon/socket_handover.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "net/socket_address.h"

namespace ninetd::daemon {
namespace {

// systemd's names: printable ASCII, at most 255 bytes, no ':'.
constexpr std::size_t kMaxFdName = 255;

bool kept_as_is(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_' || c == '[' || c == ']' || c == '/';
}

int parse_count(const char* text) {
  if (text == nullptr) return -1;
  int value = 0;
  const char* end = text + std::char_traits<char>::length(text);
  auto [stop, ec] = std::from_chars(text, end, value);
  return ec == std::errc() && stop == end ? value : -1;
}

// Whether `fd` is a socket of `service`'s type bound to its address.
bool matches(int fd, const services::Service& service) {
  int type = 0;
  socklen_t length = sizeof(type);
  if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) != 0) return false;
  int wanted = service.socket_type == config::SocketType::dgram ? SOCK_DGRAM : SOCK_STREAM;
  if (type != wanted) return false;
  net::SocketAddress bound;
  bound.reset_length();
  if (::getsockname(fd, bound.get(), bound.length_pointer()) != 0) return false;
  return bound == service.address.expand();
}

}  // namespace

std::optional<std::string> handover_name(const services::Service& service) {
  bool carried = service.has_socket() && !service.is_rpc() &&
                 service.transport != config::Transport::local &&
                 (service.socket_type == config::SocketType::stream ||
                  service.socket_type == config::SocketType::dgram);
  if (!carried) return std::nullopt;
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string name;
  for (char c : service.key()) {
    if (kept_as_is(c)) {
      name += c;
      continue;
    }
    auto byte = static_cast<unsigned char>(c);
    name += '%';
    name += kHex[byte >> 4];
    name += kHex[byte & 15];
  }
  if (name.size() > kMaxFdName) return std::nullopt;
  return name;
}

std::vector<std::string> split_fd_names(std::string_view names) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t colon = names.find(':', start);
    out.emplace_back(names.substr(start, colon == std::string_view::npos ? colon : colon - start));
    if (colon == std::string_view::npos) return out;
    start = colon + 1;
  }
}

InheritedSockets InheritedSockets::from_environment() {
  InheritedSockets sockets;
  int count = parse_count(std::getenv("LISTEN_FDS"));
  int pid = parse_count(std::getenv("LISTEN_PID"));
  const char* names_text = std::getenv("LISTEN_FDNAMES");
  std::vector<std::string> names = split_fd_names(names_text != nullptr ? names_text : "");
  for (const char* variable : {"LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"}) ::unsetenv(variable);
  if (count <= 0 || pid != ::getpid()) return sockets;
  sockets.count_ = count;
  for (int i = 0; i < count; ++i) {
    sys::Fd fd(3 + i);
    std::string name = static_cast<std::size_t>(i) < names.size() ? names[i] : "";
    if (!name.empty() &&
        std::find(sockets.names_.begin(), sockets.names_.end(), name) == sockets.names_.end())
      sockets.names_.push_back(name);
    // Only sockets with a name: anything else is closed.
    struct stat st {};
    if (name.empty() || ::fstat(fd.get(), &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    ::fcntl(fd.get(), F_SETFD, FD_CLOEXEC);
    sockets.by_name_.emplace(std::move(name), std::move(fd));
  }
  return sockets;
}

std::optional<sys::Fd> InheritedSockets::take(const services::Service& service) {
  auto name = handover_name(service);
  if (!name) return std::nullopt;
  auto [first, last] = by_name_.equal_range(*name);
  for (auto it = first; it != last; ++it) {
    if (!matches(it->second.get(), service)) continue;
    sys::Fd fd = std::move(it->second);
    by_name_.erase(it);
    return fd;
  }
  return std::nullopt;
}

std::vector<std::string> InheritedSockets::release_rest() {
  std::vector<std::string> names;
  for (auto& [name, fd] : by_name_) names.push_back(name);
  by_name_.clear();
  return names;
}

}  // namespace ninetd::daemon
