// Sessions: builtin TCP services that live past their accept (echo, discard,
// chargen, and the tcpmux request), run as small non-blocking state machines
// inside the event loop. Each has a buffer cap; the owner ends sessions that
// stay idle too long (see Supervisor::sweep_idle_sessions).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "builtins/tcpmux_request.h"
#include "config/service_spec.h"
#include "loop/event_loop.h"
#include "sys/fd.h"

namespace ninetd::builtins {

inline constexpr std::size_t kSessionBufferCap = std::size_t{64} * 1024;

class Session;

class SessionOwner {
 public:
  virtual ~SessionOwner() = default;
  virtual loop::EventLoop& event_loop() = 0;
  // Removes the session from the loop and frees it after the current batch.
  virtual void end_session(Session& session) = 0;
  // A complete tcpmux request line arrived; the owner takes the connection.
  virtual void tcpmux_request(Session& session, const std::string& name) = 0;
};

class Session : public loop::EventHandler {
 public:
  Session(config::Builtin kind, sys::Fd fd, std::string service_name, SessionOwner& owner);
  // Adds the session to the event loop; false (and logged) if that fails.
  bool start();
  void on_event(std::uint32_t events) override;

  config::Builtin kind() const { return kind_; }
  int fd() const { return fd_.get(); }
  sys::Fd take_fd() { return std::move(fd_); }
  // Leaves the event loop, if the session ever entered it.
  void detach() {
    if (registered_) owner_.event_loop().remove(fd_.get());
    registered_ = false;
  }
  const std::string& service_name() const { return service_name_; }
  loop::Clock::time_point last_activity() const { return last_activity_; }

 private:
  bool on_readable();  // true when bytes were read and more may follow
  void on_writable();
  bool flush();  // false when the peer is gone
  void read_tcpmux_request();
  void set_interest(std::uint32_t events);
  void end() { owner_.end_session(*this); }

  config::Builtin kind_;
  sys::Fd fd_;
  std::string service_name_;
  SessionOwner& owner_;
  std::vector<char> pending_;  // bytes waiting to be written
  std::size_t sent_ = 0;       // of pending_
  std::uint64_t chargen_line_ = 0;
  std::string request_;  // tcpmux
  std::uint32_t interest_ = 0;
  bool ended_ = false;
  bool registered_ = false;  // in the event loop
  loop::Clock::time_point last_activity_;
};

}  // namespace ninetd::builtins
