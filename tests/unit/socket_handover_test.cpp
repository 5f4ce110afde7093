// The names listening sockets are stored under across a restart, and
// $LISTEN_FDNAMES read back.
#include "daemon/socket_handover.h"

#include <gtest/gtest.h>

namespace ninetd::daemon {
namespace {

services::Service tcp_on(const char* ip, std::uint16_t port) {
  services::Service s;
  s.name = "x/tcp";
  s.address = *net::SocketAddress::from_numeric(ip, port);
  return s;
}

TEST(HandoverName, TheKeyWithWhatSystemdRefusesEscaped) {
  EXPECT_EQ(handover_name(tcp_on("127.0.0.1", 7)), "stream%20tcp%20127.0.0.1%3A7");
  services::Service v6 = tcp_on("::", 21);
  v6.v6only = true;
  EXPECT_EQ(handover_name(v6), "stream%20tcp%20[%3A%3A]%3A21%20v6only");
  services::Service udp = tcp_on("0.0.0.0", 69);
  udp.socket_type = config::SocketType::dgram;
  udp.transport = config::Transport::udp;
  EXPECT_EQ(handover_name(udp), "dgram%20udp%200.0.0.0%3A69");
}

TEST(HandoverName, SocketsThatAreNotCarried) {
  services::Service unix_socket;
  unix_socket.transport = config::Transport::local;
  unix_socket.address = *net::SocketAddress::from_path("/run/x.sock");
  EXPECT_FALSE(handover_name(unix_socket));
  services::Service rpc = tcp_on("0.0.0.0", 0);
  rpc.rpc_program = 100002;
  EXPECT_FALSE(handover_name(rpc));
  services::Service tcpmux;
  tcpmux.tcpmux = true;
  tcpmux.tcpmux_name = "help";
  EXPECT_FALSE(handover_name(tcpmux));
  services::Service raw = tcp_on("0.0.0.0", 0);
  raw.socket_type = config::SocketType::raw;
  EXPECT_FALSE(handover_name(raw));
}

TEST(HandoverName, EveryByteOfANameIsOneSystemdTakes) {
  std::string name = *handover_name(tcp_on("2001:db8::1", 65535));
  EXPECT_LE(name.size(), 255u);
  for (char c : name) {
    EXPECT_NE(c, ':');
    EXPECT_GT(c, 0x20);
    EXPECT_LT(c, 0x7f);
  }
}

TEST(SplitFdNames, OnePerDescriptorEmptyOnesKept) {
  EXPECT_EQ(split_fd_names("a:b"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(split_fd_names("a::c"), (std::vector<std::string>{"a", "", "c"}));
  EXPECT_EQ(split_fd_names(""), (std::vector<std::string>{""}));
}

TEST(InheritedSockets, NothingWithoutTheVariables) {
  ::unsetenv("LISTEN_FDS");
  InheritedSockets none = InheritedSockets::from_environment();
  EXPECT_EQ(none.count(), 0);
  EXPECT_TRUE(none.names().empty());
  // Meant for another process: not taken, and the variables are gone after.
  ::setenv("LISTEN_FDS", "2", 1);
  ::setenv("LISTEN_PID", "1", 1);
  EXPECT_EQ(InheritedSockets::from_environment().count(), 0);
  EXPECT_EQ(std::getenv("LISTEN_FDS"), nullptr);
  EXPECT_EQ(std::getenv("LISTEN_PID"), nullptr);
}

}  // namespace
}  // namespace ninetd::daemon
