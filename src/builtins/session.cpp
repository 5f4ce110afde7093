#include "builtins/session.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "builtins/http_request.h"
#include "log/logger.h"
#include "status/metrics_text.h"

namespace ninetd::builtins {
namespace {

// What a generating session (chargen) writes per fill: enough that a fast
// client costs few wakeups, little held for a slow one.
constexpr std::size_t kGeneratedPerFill = std::size_t{8} * 1024;

}  // namespace

Session::Session(config::Builtin kind, sys::Fd fd, std::string service_name, SessionOwner& owner)
    : row_(row(kind)),
      owner_(owner),
      service_name_(std::move(service_name)),
      last_activity_(loop::Clock::now()),
      fd_(std::move(fd)) {}

bool Session::start() {
  bool client_first = row_.client_speaks_first;
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
  if (!registered_) return;
  // The loop would go on waiting for the old events, which may never come or
  // never stop: a session it cannot steer ends.
  auto modified = owner_.event_loop().modify(fd_.get(), events, this);
  if (!modified) {
    log::error("{}: {}", service_name_, modified.error().describe());
    finish();
  }
}

void Session::on_event(std::uint32_t events) {
  if (ended_) return;
  if (events & (EPOLLERR | EPOLLHUP)) return finish();
  if (events & EPOLLOUT) on_writable();
  if (!ended_ && (events & EPOLLIN)) on_readable();
}

void Session::count_progress(std::size_t bytes) {
  unproven_bytes_ += static_cast<std::uint32_t>(std::min<std::size_t>(bytes, kProgressBytes));
  if (unproven_bytes_ < kProgressBytes) return;
  unproven_bytes_ = 0;
  last_activity_ = loop::Clock::now();
}

bool Session::flush() {
  while (sent_ < pending_.size()) {
    ssize_t n = ::send(fd_.get(), pending_.data() + sent_, pending_.size() - sent_,
                       MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno == EAGAIN;
    }
    sent_ += static_cast<std::uint32_t>(n);
    count_progress(static_cast<std::size_t>(n));
  }
  pending_.clear();
  sent_ = 0;
  return true;
}

void Session::on_writable() {
  if (row_.generate != nullptr && pending_.empty()) {
    pending_.resize(kGeneratedPerFill);
    pending_.resize(row_.generate(generated_, pending_));
  }
  if (!flush()) return finish();
  if (row_.input == ClientInput::http_request && input_ended_ && pending_.empty()) {
    // The whole answer is written: a FIN, not a reset, ends the client's read.
    ::shutdown(fd_.get(), SHUT_WR);
    return finish();
  }
  if (row_.input != ClientInput::echo || !pending_.empty()) return;
  // echo: the backlog is written; after the client's end of input that was
  // the last of it, otherwise listen to the client again.
  if (input_ended_) return finish();
  set_interest(EPOLLIN);
}

bool Session::on_readable() {
  if (row_.input == ClientInput::request_line) {
    read_tcpmux_request();
    return false;
  }
  if (row_.input == ClientInput::http_request) {
    read_http_request();
    return false;
  }
  // Echo holds back input while earlier bytes wait to be written: a client
  // that sends without reading meets the kernel's window, not our memory.
  // (Discard and chargen drop their input, so they always read it: left
  // unread, it would wake the level-triggered loop at every turn.)
  if (row_.input == ClientInput::echo && !pending_.empty()) return false;
  char buffer[kSessionBufferCap];
  ssize_t n = ::recv(fd_.get(), buffer, sizeof(buffer), MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return false;
  if (n < 0) {
    finish();
    return false;
  }
  if (n == 0) {
    if (row_.input != ClientInput::echo) {
      finish();
      return false;
    }
    // RFC 862 echoes everything: a half-closed client still gets the rest,
    // written as it reads it, within the idle timeout.
    input_ended_ = true;
    set_interest(EPOLLOUT);
    if (!ended_) on_writable();
    return false;
  }
  auto got = static_cast<std::size_t>(n);
  count_progress(got);
  if (row_.input != ClientInput::echo) return true;  // dropped
  std::size_t sent = 0;
  while (sent < got) {
    ssize_t w = ::send(fd_.get(), buffer + sent, got - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) break;
      finish();
      return false;
    }
    sent += static_cast<std::size_t>(w);
  }
  count_progress(sent);
  if (sent == got) return true;
  pending_.assign(buffer + sent, buffer + got);
  set_interest(EPOLLOUT);
  return false;
}

// RFC 1078: the client sends a service name ended by CR LF. Nothing past the
// line end is consumed: those bytes belong to the server that will be started.
void Session::read_tcpmux_request() {
  char peek[kTcpmuxMaxRequest];
  // The request read so far waits in pending_, which a request session never writes.
  std::size_t room = kTcpmuxMaxRequest - pending_.size();
  ssize_t n = ::recv(fd_.get(), peek, room, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) return finish();
  std::string received(pending_.begin(), pending_.end());
  received.append(peek, static_cast<std::size_t>(n));
  TcpmuxRequest request = parse_tcpmux_request(received);
  // What was peeked is read first: closed with bytes unread, the connection
  // would be reset and the client might never see the reply.
  auto refuse = [&](std::string_view reply) {
    if (::recv(fd_.get(), peek, static_cast<std::size_t>(n), MSG_DONTWAIT) < 0) return finish();
    ::send(fd_.get(), reply.data(), reply.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    finish();
  };
  switch (request.verdict) {
    case TcpmuxVerdict::too_long:
      return refuse("-Request too long\r\n");
    case TcpmuxVerdict::bad_byte:
      return refuse("-Bad service name\r\n");
    case TcpmuxVerdict::need_more:
      break;
    case TcpmuxVerdict::complete: {
      // Only the rest of the request line leaves the socket.
      std::size_t take = request.consumed - pending_.size();
      if (::recv(fd_.get(), peek, take, MSG_DONTWAIT) != static_cast<ssize_t>(take))
        return finish();
      std::string name(request.name);
      ended_ = true;
      return owner_.tcpmux_request(*this, name);
    }
  }
  ssize_t got = ::recv(fd_.get(), peek, static_cast<std::size_t>(n), MSG_DONTWAIT);
  if (got <= 0) return finish();
  pending_.insert(pending_.end(), peek, peek + got);
}

// The metrics builtin: the request head is read (at most kHttpMaxHead bytes,
// held in pending_ until it is whole), then the answer replaces it.
void Session::read_http_request() {
  if (input_ended_) return;
  char buffer[kHttpMaxHead];
  std::size_t room = kHttpMaxHead - pending_.size();
  ssize_t n = ::recv(fd_.get(), buffer, room, MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) return finish();
  count_progress(static_cast<std::size_t>(n));
  pending_.insert(pending_.end(), buffer, buffer + n);
  HttpRequest request = parse_http_request(std::string_view(pending_.data(), pending_.size()));
  if (request.verdict == HttpVerdict::need_more) return;
  HttpRoute route =
      request.verdict == HttpVerdict::complete ? request.route : HttpRoute::bad_request;
  std::string body = route == HttpRoute::metrics ? owner_.metrics_text() : std::string();
  std::string answer = http_response(route, request.head_only, status::kMetricsContentType, body);
  pending_.assign(answer.begin(), answer.end());
  sent_ = 0;
  input_ended_ = true;
  set_interest(EPOLLOUT);
  if (!ended_) on_writable();
}

}  // namespace ninetd::builtins
