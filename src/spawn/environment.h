// Environment: the envp a server starts with. A clean, minimal one (PATH) plus,
// for connections, the UCSPI variables tcpserver-style servers read (PROTO,
// TCPREMOTEIP, TCPREMOTEPORT, TCPLOCALIP, TCPLOCALPORT; TCP6* for IPv6 peers).
// Pure: addresses in, strings out. The daemon launches from a LaunchTemplate
// (launch_template.h), which lays the same variables out once per service;
// this plain form is what its tests and benchmarks compare it with.
#pragma once

#include <string>
#include <vector>

#include "net/socket_address.h"

namespace ninetd::spawn {

inline constexpr const char* kDefaultPath =
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

class Environment {
 public:
  Environment() { reset(); }
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  void reset();  // back to PATH only
  void add(std::string variable);
  // The UCSPI variables of a TCP or UDP connection; IPv4-mapped peers count as IPv4.
  void add_connection(const char* transport, const net::SocketAddress& local,
                      const net::SocketAddress& remote);
  // envp for execve; valid until the next change.
  char* const* envp();
  const std::vector<std::string>& variables() const { return variables_; }

 private:
  std::vector<std::string> variables_;
  std::vector<char*> pointers_;
};

}  // namespace ninetd::spawn
