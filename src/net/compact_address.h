// CompactAddress: a socket address as a service keeps it for its whole life.
// An IPv4 or IPv6 address is held in place (28 bytes); a longer one (a unix
// path) on the heap. A SocketAddress always has room for the longest unix path
// (110 bytes): right for a buffer the kernel fills, wasted in each of hundreds
// of services bound to IP addresses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "net/socket_address.h"

namespace ninetd::net {

class CompactAddress {
 public:
  CompactAddress() = default;
  CompactAddress(const SocketAddress& address) { assign(address); }  // NOLINT: a narrower copy
  CompactAddress(const CompactAddress& other) { assign(other.expand()); }
  CompactAddress(CompactAddress&& other) noexcept;
  CompactAddress& operator=(const CompactAddress& other);
  CompactAddress& operator=(CompactAddress&& other) noexcept;
  ~CompactAddress() = default;

  // The address to pass to the kernel.
  SocketAddress expand() const;

  int family() const;
  std::uint16_t port() const { return expand().port(); }
  bool is_any() const { return expand().is_any(); }
  std::string ip() const { return expand().ip(); }
  std::string to_string() const { return expand().to_string(); }
  // By length, then bytes, without expanding: a total order consistent with ==,
  // which is all the daemon's sorted table of services needs.
  int compare(const CompactAddress& other) const;
  bool operator==(const CompactAddress& other) const { return compare(other) == 0; }

 private:
  static constexpr std::size_t kInPlace = sizeof(sockaddr_in6);

  void assign(const SocketAddress& address);
  // Where the address's bytes are: in place, or on the heap.
  const std::byte* data() const { return on_heap_ ? on_heap_.get() : in_place_; }

  alignas(sockaddr_in6) std::byte in_place_[kInPlace] = {};
  socklen_t length_ = 0;
  std::unique_ptr<std::byte[]> on_heap_;  // when length_ > kInPlace
};

}  // namespace ninetd::net
