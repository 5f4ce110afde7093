#include "loop/event_loop.h"

#include <sys/timerfd.h>

#include <cerrno>

#include "log/logger.h"

namespace ninetd::loop {

sys::Result<std::unique_ptr<EventLoop>> EventLoop::create() {
  sys::Fd epoll(epoll_create1(EPOLL_CLOEXEC));
  if (!epoll) return sys::last_error("epoll_create1");
  sys::Fd timer(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
  if (!timer) return sys::last_error("timerfd_create");
  std::unique_ptr<EventLoop> loop(new EventLoop(std::move(epoll), std::move(timer)));
  if (auto added = loop->add(loop->timer_.get(), EPOLLIN, loop.get()); !added) return added.error();
  return loop;
}

EventLoop::EventLoop(sys::Fd epoll, sys::Fd timer)
    : epoll_(std::move(epoll)), timer_(std::move(timer)), events_(256) {}

sys::Result<void> EventLoop::add(int fd, std::uint32_t events, EventHandler* handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) < 0) return sys::last_error("epoll_ctl");
  return {};
}

sys::Result<void> EventLoop::modify(int fd, std::uint32_t events, EventHandler* handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  if (epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &ev) < 0) return sys::last_error("epoll_ctl");
  return {};
}

// Its only failures are a descriptor the set does not hold (ENOENT) and one
// already closed (EBADF): either way the loop is not watching it.
void EventLoop::remove(int fd) {
  (void)epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
}

EventLoop::TimerId EventLoop::schedule(Clock::time_point when, std::function<void()> callback) {
  auto id = timers_.emplace(when, std::move(callback));
  if (id == timers_.begin()) arm_timer();
  return id;
}

void EventLoop::cancel(TimerId id) {
  if (id != timers_.end()) timers_.erase(id);
}

void EventLoop::arm_timer() {
  itimerspec spec{};
  if (!timers_.empty()) {
    Clock::time_point when = timers_.begin()->first;
    if (when == armed_for_) return;
    armed_for_ = when;
    auto since_epoch = when.time_since_epoch();
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
    auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch - seconds);
    spec.it_value.tv_sec = seconds.count();
    spec.it_value.tv_nsec = nanos.count();
    // A zero it_value would disarm the timer; the steady clock is never at 0.
    if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
  } else {
    armed_for_ = {};
  }
  // Unarmed, the timers (pauses, idle sweeps, the loader's deadline) would
  // never run: say so, and leave armed_for_ clear so the next schedule tries again.
  if (timerfd_settime(timer_.get(), TFD_TIMER_ABSTIME, &spec, nullptr) < 0) {
    armed_for_ = {};
    log::error("{}", sys::last_error("timerfd_settime").describe());
  }
}

void EventLoop::on_event(std::uint32_t) {
  std::uint64_t expirations = 0;
  [[maybe_unused]] ssize_t n = ::read(timer_.get(), &expirations, sizeof(expirations));
  armed_for_ = {};
  Clock::time_point now = Clock::now();
  while (!timers_.empty() && timers_.begin()->first <= now) {
    auto callback = std::move(timers_.begin()->second);
    timers_.erase(timers_.begin());
    callback();
  }
  arm_timer();
}

void EventLoop::run_once(int timeout_ms) {
  int n = epoll_wait(epoll_.get(), events_.data(), static_cast<int>(events_.size()), timeout_ms);
  for (int i = 0; i < n; ++i)
    static_cast<EventHandler*>(events_[static_cast<std::size_t>(i)].data.ptr)
        ->on_event(events_[static_cast<std::size_t>(i)].events);
  retired_.clear();
}

}  // namespace ninetd::loop
