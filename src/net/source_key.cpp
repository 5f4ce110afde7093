#include "net/source_key.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>

#include <cstring>

namespace ninetd::net {
namespace {

// Clears the bits of `bytes` past `length`.
void mask(std::uint8_t* bytes, std::size_t size, unsigned length) {
  for (std::size_t i = 0; i < size; ++i) {
    unsigned first_bit = static_cast<unsigned>(i) * 8;
    if (length >= first_bit + 8) continue;
    unsigned keep = length > first_bit ? length - first_bit : 0;
    bytes[i] &= static_cast<std::uint8_t>(0xff00u >> keep);
  }
}

}  // namespace

std::string source_key(const SocketAddress& peer, SourcePrefixes prefixes) {
  SocketAddress address = peer.unmapped();
  if (address.family() == AF_INET) {
    if (prefixes.v4 >= 32) return address.ip();
    in_addr a = reinterpret_cast<const sockaddr_in*>(address.get())->sin_addr;
    mask(reinterpret_cast<std::uint8_t*>(&a), 4, prefixes.v4);
    char text[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &a, text, sizeof(text));
    return fmt::format("{}/{}", text, prefixes.v4);
  }
  if (address.family() == AF_INET6) {
    if (prefixes.v6 >= 128) return address.ip();
    in6_addr a = reinterpret_cast<const sockaddr_in6*>(address.get())->sin6_addr;
    mask(reinterpret_cast<std::uint8_t*>(&a), 16, prefixes.v6);
    char text[INET6_ADDRSTRLEN] = {};
    inet_ntop(AF_INET6, &a, text, sizeof(text));
    return fmt::format("{}/{}", text, prefixes.v6);
  }
  return {};
}

}  // namespace ninetd::net
