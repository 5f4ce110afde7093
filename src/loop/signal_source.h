// SignalSource: the daemon's signals delivered as events through a signalfd.
// The signals are blocked for the whole process, so no handler ever runs
// asynchronously; the spawner unblocks them in each child before exec.
#pragma once

#include <functional>
#include <initializer_list>

#include "loop/event_loop.h"
#include "sys/fd.h"
#include "sys/result.h"

namespace ninetd::loop {

class SignalSource final : public EventHandler {
 public:
  using Callback = std::function<void(int signal)>;
  // Blocks `signals` and creates the signalfd; register it with add_to().
  static sys::Result<std::unique_ptr<SignalSource>> create(std::initializer_list<int> signals,
                                                           Callback callback);
  sys::Result<void> add_to(EventLoop& loop) { return loop.add(fd_.get(), EPOLLIN, this); }
  void on_event(std::uint32_t events) override;

 private:
  SignalSource(sys::Fd fd, Callback callback)
      : fd_(std::move(fd)), callback_(std::move(callback)) {}
  sys::Fd fd_;
  Callback callback_;
};

}  // namespace ninetd::loop
