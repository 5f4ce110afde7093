// Registration: what an RPC service asks of rpcbind, and what a change of the
// daemon's sockets means for it, decided without talking to rpcbind. Pure: the
// registrar (registrar.h) carries the plans out in its helper process.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "net/socket_address.h"
#include "services/service.h"

namespace ninetd::rpc {

// One mapping rpcbind keeps: program and version on a transport (its netid:
// "udp", "tcp", "udp6", "tcp6") at a universal address ("0.0.0.0.179.17").
struct Binding {
  std::uint32_t program = 0;
  std::uint32_t version = 0;
  std::string netid;
  std::string address;
  std::string service;  // the service's name, for logs; not part of the mapping

  bool operator==(const Binding& other) const {
    return program == other.program && version == other.version && netid == other.netid &&
           address == other.address;
  }
  std::strong_ordering operator<=>(const Binding& other) const;
  // The same program, version and transport: rpcbind keeps one address for them.
  bool same_slot(const Binding& other) const {
    return program == other.program && version == other.version && netid == other.netid;
  }
};

// The netid of a socket of `transport` and address `family`, as /etc/netconfig
// names it; empty for anything rpcbind does not serve here.
std::string netid_of(config::Transport transport, int family);

// RFC 5665's universal address of an IPv4 or IPv6 address and port: the
// address as text, then the port's two bytes in decimal ("127.0.0.1.3.232").
std::string universal_address(const net::SocketAddress& address);

// Every version of `service` on the socket bound to `bound` (its own address,
// with the port the kernel chose); empty when it is not an RPC service.
std::vector<Binding> bindings_for(const services::Service& service,
                                  const net::SocketAddress& bound);

// What to tell rpcbind to go from `registered` to `wanted`: set each wanted
// mapping it does not have yet (a set first unsets its slot, so a new address
// or a stale one left by a crash is replaced), unset each registered one whose
// slot nobody wants now.
struct Plan {
  std::vector<Binding> unset;
  std::vector<Binding> set;
  bool empty() const { return unset.empty() && set.empty(); }
};
Plan plan_registration(const std::set<Binding>& registered, const std::set<Binding>& wanted);

// The wait before the next attempt after `failures` failed ones in a row:
// 1 s, doubling, at most 60 s.
std::chrono::seconds retry_delay(unsigned failures);

}  // namespace ninetd::rpc
