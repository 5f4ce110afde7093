#include "builtins/session.h"

#include <sys/socket.h>

#include <cerrno>

#include "builtins/formats.h"
#include "log/logger.h"

namespace ninetd::builtins {
namespace {

constexpr std::size_t kChargenLinesPerFill = 128;

}  // namespace

Session::Session(config::Builtin kind, sys::Fd fd, std::string service_name, SessionOwner& owner)
    : kind_(kind),
      fd_(std::move(fd)),
      service_name_(std::move(service_name)),
      owner_(owner),
      last_activity_(loop::Clock::now()) {}

bool Session::start() {
  bool client_first = config::client_speaks_first(kind_);
  interest_ = client_first ? EPOLLIN : (EPOLLIN | EPOLLOUT);
  // What the client sent is usually there at accept (with TCP_DEFER_ACCEPT,
  // always): serving it now saves a trip through the loop, and a short
  // exchange never enters it.
  if (client_first) {
    for (int i = 0; i < 4 && !ended_ && on_readable(); ++i) {
    }
    if (ended_) return true;
  }
  auto added = owner_.event_loop().add(fd_.get(), interest_, this);
  if (!added) log::error("{}: {}", service_name_, added.error().describe());
  registered_ = static_cast<bool>(added);
  return registered_;
}

void Session::set_interest(std::uint32_t events) {
  if (events == interest_) return;
  interest_ = events;
  if (registered_) owner_.event_loop().modify(fd_.get(), events, this);
}

void Session::on_event(std::uint32_t events) {
  if (ended_) return;
  last_activity_ = loop::Clock::now();
  if (events & (EPOLLERR | EPOLLHUP)) {
    ended_ = true;
    return end();
  }
  if (events & EPOLLOUT) on_writable();
  if (!ended_ && (events & EPOLLIN)) on_readable();
}

bool Session::flush() {
  while (sent_ < pending_.size()) {
    ssize_t n = ::send(fd_.get(), pending_.data() + sent_, pending_.size() - sent_,
                       MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno == EAGAIN;
    }
    sent_ += static_cast<std::size_t>(n);
  }
  pending_.clear();
  sent_ = 0;
  return true;
}

void Session::on_writable() {
  if (kind_ == config::Builtin::chargen && pending_.empty()) {
    pending_.resize(kChargenLinesPerFill * kChargenLineLength);
    for (std::size_t i = 0; i < kChargenLinesPerFill; ++i)
      chargen_line(chargen_line_++, pending_.data() + i * kChargenLineLength);
  }
  if (!flush()) {
    ended_ = true;
    return end();
  }
  // echo: once the backlog is written, listen to the client again.
  if (kind_ == config::Builtin::echo && pending_.empty()) set_interest(EPOLLIN);
}

bool Session::on_readable() {
  if (kind_ == config::Builtin::tcpmux) {
    read_tcpmux_request();
    return false;
  }
  char buffer[16384];
  std::size_t room = sizeof(buffer);
  if (kind_ == config::Builtin::echo) room = std::min(room, kSessionBufferCap - pending_.size());
  if (room == 0) return false;  // a zero-length read would look like end of input
  ssize_t n = ::recv(fd_.get(), buffer, room, MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return false;
  if (n <= 0) {
    // End of input: echo writes what it still holds, best effort, then closes.
    if (kind_ == config::Builtin::echo) flush();
    ended_ = true;
    end();
    return false;
  }
  if (kind_ != config::Builtin::echo) return true;  // discard and chargen drop input
  pending_.insert(pending_.end(), buffer, buffer + n);
  if (!flush()) {
    ended_ = true;
    end();
    return false;
  }
  // A client that sends without reading stops being read once the cap is full,
  // so the kernel's window pushes back instead of our memory growing.
  if (!pending_.empty())
    set_interest(pending_.size() >= kSessionBufferCap ? EPOLLOUT : (EPOLLIN | EPOLLOUT));
  return pending_.empty();
}

// RFC 1078: the client sends a service name ended by CR LF. Nothing past the
// line end is consumed: those bytes belong to the server that will be started.
void Session::read_tcpmux_request() {
  char peek[kTcpmuxMaxRequest];
  ssize_t n = ::recv(fd_.get(), peek, sizeof(peek), MSG_PEEK | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {
    ended_ = true;
    return end();
  }
  std::size_t take = static_cast<std::size_t>(n);
  bool complete = false;
  for (std::size_t i = 0; i < take; ++i) {
    if (peek[i] == '\n') {
      take = i + 1;
      complete = true;
      break;
    }
  }
  ssize_t got = ::recv(fd_.get(), peek, take, MSG_DONTWAIT);
  if (got <= 0) return;
  request_.append(peek, static_cast<std::size_t>(got));
  if (!complete) {
    if (request_.size() >= kTcpmuxMaxRequest) {
      static constexpr char kTooLong[] = "-Request too long\r\n";
      ::send(fd_.get(), kTooLong, sizeof(kTooLong) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      ended_ = true;
      end();
    }
    return;
  }
  while (!request_.empty() && (request_.back() == '\n' || request_.back() == '\r'))
    request_.pop_back();
  ended_ = true;
  owner_.tcpmux_request(*this, request_);
}

}  // namespace ninetd::builtins
