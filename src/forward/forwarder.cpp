#include "forward/forwarder.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

namespace ninetd::forward {
namespace {

// Reads per wakeup and direction: a fast pair moves up to this many buffers
// before the loop serves another socket.
constexpr int kReadsPerWakeup = 8;

// Writes all of `data` it can; the count written, or -1 with errno on failure.
ssize_t send_some(int fd, const char* data, std::size_t size) {
  std::size_t sent = 0;
  while (sent < size) {
    ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) break;
      return -1;
    }
    sent += static_cast<std::size_t>(n);
  }
  return static_cast<ssize_t>(sent);
}

}  // namespace

Forwarder::Forwarder(sys::Fd client, const net::SocketAddress& target, std::uint64_t progress_bytes,
                     ForwarderOwner& owner)
    : owner_(owner),
      target_end_(*this),
      target_(target),
      last_activity_(loop::Clock::now()),
      progress_bytes_(progress_bytes) {
  client_.fd = std::move(client);
  client_.handler = this;
  server_.handler = &target_end_;
}

bool Forwarder::start(int& error) {
  server_.fd =
      sys::Fd(::socket(target_.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP));
  if (!server_.fd) {
    error = errno;
    return false;
  }
  if (::connect(server_.fd.get(), target_.get(), target_.length()) == 0) {
    on_connected();
    return true;
  }
  if (errno != EINPROGRESS && errno != EINTR) {
    error = errno;
    return false;
  }
  // Meanwhile the client may speak: what it sends waits in the upstream
  // buffer (and, once that is full, in the kernel's).
  settle();
  return true;
}

void Forwarder::on_target_event(std::uint32_t events) {
  if (ended_) return;
  if (!connected_) {
    int error = 0;
    socklen_t length = sizeof(error);
    if (::getsockopt(server_.fd.get(), SOL_SOCKET, SO_ERROR, &error, &length) < 0) error = errno;
    if (error == 0 && (events & EPOLLERR) == 0) return on_connected();
    owner_.forward_failed(*this, error != 0 ? error : ECONNREFUSED);
    return end();
  }
  if (events & EPOLLERR) return end();
  if ((events & (EPOLLOUT | EPOLLHUP)) && upstream_.held > 0 &&
      !flush(server_, upstream_, upstream_held_))
    return end();
  if ((events & (EPOLLIN | EPOLLHUP)) && downstream_.wants_read() &&
      !pump(server_, client_, downstream_, downstream_held_))
    return end();
  settle();
}

void Forwarder::on_event(std::uint32_t events) {
  if (ended_) return;
  if (events & EPOLLERR) return end();
  if ((events & (EPOLLOUT | EPOLLHUP)) && downstream_.held > 0 &&
      !flush(client_, downstream_, downstream_held_))
    return end();
  if ((events & (EPOLLIN | EPOLLHUP)) && upstream_.wants_read() &&
      !pump(client_, server_, upstream_, upstream_held_))
    return end();
  settle();
}

void Forwarder::on_connected() {
  connected_ = true;
  if (upstream_.held > 0 && !flush(server_, upstream_, upstream_held_)) return end();
  settle();
}

void Forwarder::count_progress(std::size_t bytes) {
  unproven_bytes_ += bytes;
  if (unproven_bytes_ < progress_bytes_) return;
  unproven_bytes_ = 0;
  last_activity_ = loop::Clock::now();
}

bool Forwarder::pump(End& from, End& to, Direction& direction, std::vector<char>& pending) {
  char buffer[kForwardBufferCap];
  // Upstream before the target answers: read, and hold it for the connect.
  bool sink_ready = &to == &client_ || connected_;
  for (int i = 0; i < kReadsPerWakeup && direction.wants_read(); ++i) {
    ssize_t n = ::recv(from.fd.get(), buffer, sizeof(buffer), MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno == EAGAIN;
    }
    if (n == 0) {
      direction.source_ended = true;
      break;
    }
    auto got = static_cast<std::size_t>(n);
    count_progress(got);
    ssize_t sent = sink_ready ? send_some(to.fd.get(), buffer, got) : 0;
    if (sent < 0) return false;
    count_progress(static_cast<std::size_t>(sent));
    if (static_cast<std::size_t>(sent) < got) {
      pending.assign(buffer + sent, buffer + got);
      direction.held = static_cast<std::uint32_t>(pending.size());
      break;
    }
  }
  return true;
}

bool Forwarder::flush(End& to, Direction& direction, std::vector<char>& pending) {
  ssize_t sent = send_some(to.fd.get(), pending.data(), pending.size());
  if (sent < 0) return false;
  count_progress(static_cast<std::size_t>(sent));
  pending.erase(pending.begin(), pending.begin() + sent);
  if (pending.empty()) std::vector<char>().swap(pending);  // an idle pair holds no buffer
  direction.held = static_cast<std::uint32_t>(pending.size());
  return true;
}

bool Forwarder::shut_down_if_due(End& to, Direction& direction) {
  if (!direction.needs_shutdown() || (&to == &server_ && !connected_)) return true;
  direction.sink_shut = true;
  // ENOTCONN: the sink is gone already; nothing is left to forward to it.
  return ::shutdown(to.fd.get(), SHUT_WR) == 0;
}

void Forwarder::settle() {
  if (!shut_down_if_due(server_, upstream_) || !shut_down_if_due(client_, downstream_))
    return end();
  if (finished(upstream_, downstream_)) return end();
  if (!steer(client_, socket_interest(upstream_, downstream_, true)) ||
      !steer(server_, socket_interest(downstream_, upstream_, connected_)))
    return end();
}

// A socket with nothing to wait for leaves the loop: epoll reports a hang-up
// whatever the interest, and level-triggered, it would report it at every turn.
bool Forwarder::steer(End& end, std::uint32_t events) {
  if (events == end.interest && end.registered == (events != 0)) return true;
  loop::EventLoop& loop = owner_.event_loop();
  end.interest = events;
  if (events == 0) {
    if (end.registered) loop.remove(end.fd.get());
    end.registered = false;
    return true;
  }
  auto done = end.registered ? loop.modify(end.fd.get(), events, end.handler)
                             : loop.add(end.fd.get(), events, end.handler);
  end.registered = static_cast<bool>(done);
  return end.registered;
}

void Forwarder::end() {
  if (ended_) return;
  ended_ = true;
  owner_.end_forward(*this);
}

void Forwarder::close() {
  ended_ = true;
  for (End* end : {&client_, &server_}) {
    if (end->registered) owner_.event_loop().remove(end->fd.get());
    end->registered = false;
    end->fd.reset();
  }
}

}  // namespace ninetd::forward
