// SocketAddress: an IPv4, IPv6 or unix socket address with its length, and its
// text forms for logs and the UCSPI environment. Pure: formatting only.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ninetd::net {

class SocketAddress {
 public:
  SocketAddress() = default;
  static SocketAddress any_ipv4(std::uint16_t port);
  static SocketAddress any_ipv6(std::uint16_t port);
  // Parses a numeric address ("127.0.0.1", "::1"); nullopt if it is not one.
  static std::optional<SocketAddress> from_numeric(std::string_view ip, std::uint16_t port);
  static std::optional<SocketAddress> from_path(std::string_view path);
  static SocketAddress from_raw(const sockaddr* addr, socklen_t length);

  // The longest address it holds.
  static constexpr socklen_t kMaxLength = sizeof(sockaddr_storage);

  int family() const { return storage_.ss_family; }
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage_); }
  sockaddr* get() { return reinterpret_cast<sockaddr*>(&storage_); }
  socklen_t length() const { return length_; }
  socklen_t* length_pointer() { return &length_; }
  void reset_length() { length_ = sizeof(storage_); }

  std::uint16_t port() const;
  void set_port(std::uint16_t port);
  bool is_v4_mapped() const;
  // The address itself in network byte order: 4 bytes for IPv4, 16 for IPv6,
  // none for a path.
  std::span<const std::uint8_t> address_bytes() const;
  // The IPv4 or IPv6 wildcard address (0.0.0.0, ::); false for a path.
  bool is_any() const;
  // An IPv4-mapped IPv6 address as the IPv4 address it stands for.
  SocketAddress unmapped() const;

  std::string ip() const;  // "127.0.0.1", "::1", or the path
  // An IPv4 or IPv6 address's ip() into `out`, NUL-terminated, without
  // allocating (a launch's environment); "" for any other family. The length.
  static constexpr std::size_t kMaxIpText = INET6_ADDRSTRLEN;
  std::size_t write_ip(char (&out)[kMaxIpText]) const;
  std::string to_string() const;  // "127.0.0.1:7", "[::1]:7", "/run/x.sock"

  bool operator==(const SocketAddress& other) const;

 private:
  sockaddr_storage storage_{};
  socklen_t length_ = 0;
};

}  // namespace ninetd::net
