// EventLoop: one epoll instance dispatching readiness to handlers keyed by fd,
// plus a timer queue on one timerfd. Handlers are plain objects; the loop does
// not own them. An object that may be deleted while a batch of events is being
// dispatched goes through retire(), which frees it after the batch.
#pragma once

#include <sys/epoll.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "sys/fd.h"
#include "sys/result.h"

namespace ninetd::loop {

class EventHandler {
 public:
  virtual ~EventHandler() = default;
  virtual void on_event(std::uint32_t events) = 0;
};

using Clock = std::chrono::steady_clock;

class EventLoop final : private EventHandler {
 public:
  using TimerId = std::multimap<Clock::time_point, std::function<void()>>::iterator;

  static sys::Result<std::unique_ptr<EventLoop>> create();
  ~EventLoop() override = default;

  sys::Result<void> add(int fd, std::uint32_t events, EventHandler* handler);
  sys::Result<void> modify(int fd, std::uint32_t events, EventHandler* handler);
  void remove(int fd);

  // Runs `callback` once at `when`; the id cancels it until it has run.
  TimerId schedule(Clock::time_point when, std::function<void()> callback);
  void cancel(TimerId id);
  TimerId no_timer() { return timers_.end(); }

  // Frees `object` once the current batch of events has been dispatched.
  void retire(std::unique_ptr<EventHandler> object) { retired_.push_back(std::move(object)); }

  // Waits for and dispatches one batch of events; -1 waits without limit.
  void run_once(int timeout_ms = -1);

 private:
  EventLoop(sys::Fd epoll, sys::Fd timer);
  void on_event(std::uint32_t events) override;  // the timerfd
  void arm_timer();

  sys::Fd epoll_;
  sys::Fd timer_;
  std::multimap<Clock::time_point, std::function<void()>> timers_;
  Clock::time_point armed_for_{};
  std::vector<std::unique_ptr<EventHandler>> retired_;
  std::vector<epoll_event> events_;
};

}  // namespace ninetd::loop
