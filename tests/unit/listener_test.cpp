// has_pending_connection: the accept loop asks it before every accept but the
// first of a wakeup, so it must see a queued connection on each kind of
// listener, and none once the queue is empty. Real sockets on loopback.
#include "net/listener.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>

namespace ninetd::net {
namespace {

sys::Fd tcp_listener(sockaddr_in& bound) {
  sys::Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  EXPECT_TRUE(fd);
  bound = {};
  bound.sin_family = AF_INET;
  bound.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(bound);
  EXPECT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&bound), sizeof(bound)), 0);
  EXPECT_EQ(::listen(fd.get(), 8), 0);
  EXPECT_EQ(::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &length), 0);
  return fd;
}

sys::Fd tcp_connect(const sockaddr_in& to) {
  sys::Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  EXPECT_EQ(::connect(fd.get(), reinterpret_cast<const sockaddr*>(&to), sizeof(to)), 0);
  return fd;
}

TEST(HasPendingConnection, TcpQueueEmptyThenOneThenTwoThenEmptyAgain) {
  sockaddr_in address{};
  sys::Fd listener = tcp_listener(address);
  EXPECT_FALSE(has_pending_connection(listener.get()));

  sys::Fd first = tcp_connect(address);
  sys::Fd second = tcp_connect(address);
  EXPECT_TRUE(has_pending_connection(listener.get()));
  sys::Fd taken(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  ASSERT_TRUE(taken);
  EXPECT_TRUE(has_pending_connection(listener.get()));  // the second is still queued
  sys::Fd taken_too(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  ASSERT_TRUE(taken_too);
  EXPECT_FALSE(has_pending_connection(listener.get()));
}

TEST(HasPendingConnection, UnixStreamListener) {
  std::string path = testing::TempDir() + "ninetd-pending-" + std::to_string(::getpid());
  ::unlink(path.c_str());
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  ASSERT_LT(path.size(), sizeof(address.sun_path));
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  sys::Fd listener(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  ASSERT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(::listen(listener.get(), 8), 0);
  EXPECT_FALSE(has_pending_connection(listener.get()));

  sys::Fd client(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_EQ(::connect(client.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  EXPECT_TRUE(has_pending_connection(listener.get()));
  sys::Fd taken(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  ASSERT_TRUE(taken);
  EXPECT_FALSE(has_pending_connection(listener.get()));
  ::unlink(path.c_str());
}

TEST(HasPendingConnection, NotAListeningSocketHasNone) {
  EXPECT_FALSE(has_pending_connection(-1));
}

}  // namespace
}  // namespace ninetd::net
