// Sessions: builtin TCP services that live past their accept (echo, discard,
// chargen, the tcpmux request and the metrics builtin), run as small
// non-blocking state machines inside the event loop. Each holds at most
// kSessionBufferCap bytes of what a client sends; the metrics answer, whose
// size the daemon decides, is held whole until written. The owner ends
// sessions that make no progress (see Supervisor::sweep_idle_sessions).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "builtins/table.h"
#include "builtins/tcpmux_request.h"
#include "config/service_spec.h"
#include "loop/event_loop.h"
#include "sys/fd.h"

namespace ninetd::builtins {

// Echo reads only when everything it read before has been written, so this is
// also the most a session ever holds for a client that does not read.
inline constexpr std::size_t kSessionBufferCap = std::size_t{16} * 1024;
// A session proves it is alive by moving this many bytes (either way) within
// an idle timeout: one byte now and then (a slowloris) keeps nothing open.
// A tcpmux request is shorter, so its whole exchange must fit in one timeout.
inline constexpr std::uint64_t kProgressBytes = 256;

class Session;

class SessionOwner {
 public:
  virtual ~SessionOwner() = default;
  virtual loop::EventLoop& event_loop() = 0;
  // Removes the session from the loop and frees it after the current batch.
  virtual void end_session(Session& session) = 0;
  // A complete tcpmux request line arrived; the owner takes the connection.
  virtual void tcpmux_request(Session& session, const std::string& name) = 0;
  // The metrics builtin's answer body (Prometheus' text format).
  virtual std::string metrics_text() = 0;
};

class Session : public loop::EventHandler {
 public:
  Session(config::Builtin kind, sys::Fd fd, std::string service_name, SessionOwner& owner);
  // Adds the session to the event loop; false (and logged) if that fails.
  bool start();
  void on_event(std::uint32_t events) override;

  config::Builtin kind() const { return row_.id; }
  int fd() const { return fd_.get(); }
  sys::Fd take_fd() { return std::move(fd_); }
  // Leaves the event loop, if the session ever entered it.
  void detach() {
    if (registered_) owner_.event_loop().remove(fd_.get());
    registered_ = false;
  }
  const std::string& service_name() const { return service_name_; }
  // The last time the session moved another kProgressBytes (or its start).
  loop::Clock::time_point last_activity() const { return last_activity_; }

 private:
  bool on_readable();  // true when bytes were read and more may follow
  void on_writable();
  bool flush();  // false when the peer is gone
  void count_progress(std::size_t bytes);
  void finish() {
    ended_ = true;
    end();
  }
  void read_tcpmux_request();
  void read_http_request();
  void set_interest(std::uint32_t events);
  void end() { owner_.end_session(*this); }

  // Laid out without padding: a daemon may hold thousands of sessions.
  const BuiltinRow& row_;
  SessionOwner& owner_;
  std::string service_name_;
  // Bytes waiting to be written; for a request session, the request so far.
  std::vector<char> pending_;
  std::uint64_t generated_ = 0;  // the generator's position
  loop::Clock::time_point last_activity_;
  sys::Fd fd_;
  std::uint32_t interest_ = 0;
  std::uint32_t sent_ = 0;            // of pending_ (at most kSessionBufferCap)
  std::uint32_t unproven_bytes_ = 0;  // moved since last_activity_
  // echo: the client half-closed; metrics: the answer is made. Drain, then close.
  bool input_ended_ = false;
  bool ended_ = false;
  bool registered_ = false;  // in the event loop
};

}  // namespace ninetd::builtins
