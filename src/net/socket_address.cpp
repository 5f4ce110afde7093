#include "net/socket_address.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <cstring>

namespace ninetd::net {

SocketAddress SocketAddress::any_ipv4(std::uint16_t port) {
  SocketAddress a;
  auto* sin = reinterpret_cast<sockaddr_in*>(&a.storage_);
  sin->sin_family = AF_INET;
  sin->sin_addr.s_addr = htonl(INADDR_ANY);
  sin->sin_port = htons(port);
  a.length_ = sizeof(sockaddr_in);
  return a;
}

SocketAddress SocketAddress::any_ipv6(std::uint16_t port) {
  SocketAddress a;
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(&a.storage_);
  sin6->sin6_family = AF_INET6;
  sin6->sin6_addr = in6addr_any;
  sin6->sin6_port = htons(port);
  a.length_ = sizeof(sockaddr_in6);
  return a;
}

std::optional<SocketAddress> SocketAddress::from_numeric(std::string_view ip, std::uint16_t port) {
  std::string text(ip);
  SocketAddress a;
  auto* sin = reinterpret_cast<sockaddr_in*>(&a.storage_);
  if (inet_pton(AF_INET, text.c_str(), &sin->sin_addr) == 1) {
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    a.length_ = sizeof(sockaddr_in);
    return a;
  }
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(&a.storage_);
  if (inet_pton(AF_INET6, text.c_str(), &sin6->sin6_addr) == 1) {
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    a.length_ = sizeof(sockaddr_in6);
    return a;
  }
  return std::nullopt;
}

std::optional<SocketAddress> SocketAddress::from_path(std::string_view path) {
  SocketAddress a;
  auto* sun = reinterpret_cast<sockaddr_un*>(&a.storage_);
  if (path.empty() || path.size() >= sizeof(sun->sun_path)) return std::nullopt;
  sun->sun_family = AF_UNIX;
  std::memcpy(sun->sun_path, path.data(), path.size());
  a.length_ = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
  return a;
}

SocketAddress SocketAddress::from_raw(const sockaddr* addr, socklen_t length) {
  SocketAddress a;
  if (length > sizeof(a.storage_)) length = sizeof(a.storage_);
  std::memcpy(&a.storage_, addr, length);
  a.length_ = length;
  return a;
}

std::uint16_t SocketAddress::port() const {
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
  if (family() == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  return 0;
}

void SocketAddress::set_port(std::uint16_t port) {
  if (family() == AF_INET) reinterpret_cast<sockaddr_in*>(&storage_)->sin_port = htons(port);
  if (family() == AF_INET6) reinterpret_cast<sockaddr_in6*>(&storage_)->sin6_port = htons(port);
}

std::span<const std::uint8_t> SocketAddress::address_bytes() const {
  if (family() == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&storage_);
    return {reinterpret_cast<const std::uint8_t*>(&sin->sin_addr), 4};
  }
  if (family() == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&storage_);
    return {reinterpret_cast<const std::uint8_t*>(&sin6->sin6_addr), 16};
  }
  return {};
}

bool SocketAddress::is_v4_mapped() const {
  if (family() != AF_INET6) return false;
  const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&storage_);
  return IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr);
}

bool SocketAddress::is_any() const {
  if (family() == AF_INET)
    return reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr.s_addr == htonl(INADDR_ANY);
  if (family() == AF_INET6)
    return IN6_IS_ADDR_UNSPECIFIED(&reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr);
  return false;
}

SocketAddress SocketAddress::unmapped() const {
  if (!is_v4_mapped()) return *this;
  const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&storage_);
  SocketAddress a;
  auto* sin = reinterpret_cast<sockaddr_in*>(&a.storage_);
  sin->sin_family = AF_INET;
  sin->sin_port = sin6->sin6_port;
  std::memcpy(&sin->sin_addr, &sin6->sin6_addr.s6_addr[12], 4);
  a.length_ = sizeof(sockaddr_in);
  return a;
}

namespace {

// glibc's inet_ntop formats IPv4 through sprintf; this runs for every launch
// (the UCSPI variables) and every logged address, and four numbers need less.
std::size_t format_ipv4(const in_addr& address, char* out) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(&address.s_addr);
  char* start = out;
  for (int i = 0; i < 4; ++i) {
    unsigned value = bytes[i];
    if (value >= 100) *out++ = static_cast<char>('0' + value / 100);
    if (value >= 10) *out++ = static_cast<char>('0' + value / 10 % 10);
    *out++ = static_cast<char>('0' + value % 10);
    *out++ = i < 3 ? '.' : '\0';
  }
  return static_cast<std::size_t>(out - start - 1);
}

}  // namespace

std::size_t SocketAddress::write_ip(char (&out)[kMaxIpText]) const {
  if (family() == AF_INET)
    return format_ipv4(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, out);
  out[0] = '\0';
  if (family() == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, out,
              sizeof(out));
  return std::strlen(out);
}

std::string SocketAddress::ip() const {
  if (family() == AF_UNIX) {
    const auto* sun = reinterpret_cast<const sockaddr_un*>(&storage_);
    std::size_t max =
        length_ > offsetof(sockaddr_un, sun_path) ? length_ - offsetof(sockaddr_un, sun_path) : 0;
    return std::string(sun->sun_path, strnlen(sun->sun_path, max));
  }
  char buffer[kMaxIpText];
  return std::string(buffer, write_ip(buffer));
}

std::string SocketAddress::to_string() const {
  if (family() == AF_INET) return fmt::format("{}:{}", ip(), port());
  if (family() == AF_INET6) return fmt::format("[{}]:{}", ip(), port());
  if (family() == AF_UNIX) return ip();
  return "?";
}

bool SocketAddress::operator==(const SocketAddress& other) const {
  return length_ == other.length_ && std::memcmp(&storage_, &other.storage_, length_) == 0;
}

}  // namespace ninetd::net
