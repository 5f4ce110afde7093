// WrapChecker: the processes that run libwrap's hosts.allow / hosts.deny
// check for -w and -W. libwrap may look a client's name up in DNS and wait
// seconds for it, so the check never runs in the daemon's loop, nor in a
// launched child (that shares the daemon's memory and may not call malloc):
// a small pool of processes forked at start, like the configuration loader,
// each answering one question at a time over a socket pair. The loop parks
// the connection until the answer comes; a slow lookup holds back only the
// clients queued on the same process. A process that dies is started again;
// the questions it held are answered "refused" (fail closed).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "daemon/client.h"
#include "loop/event_loop.h"
#include "net/socket_address.h"
#include "sys/fd.h"

namespace ninetd::daemon {

class RunningService;

// A connection waiting for its answer.
struct WrapPending {
  std::shared_ptr<RunningService> service;
  sys::Fd connection;
  net::SocketAddress peer;
  Client client;
  std::string daemon;  // the name hosts.allow rules are written for
};

class WrapVerdictSink {
 public:
  virtual ~WrapVerdictSink() = default;
  // `allowed` false with `why` set when the checker could not answer.
  virtual void on_wrap_verdict(WrapPending pending, bool allowed, const char* why) = 0;
};

class WrapChecker {
 public:
  static constexpr unsigned kProcesses = 2;
  // Questions waiting at once, all processes together; past it a client is
  // refused at once rather than held (its descriptor is the daemon's to keep).
  static constexpr std::size_t kMaxPending = 1024;

  WrapChecker(loop::EventLoop& loop, WrapVerdictSink& sink);
  ~WrapChecker();
  WrapChecker(const WrapChecker&) = delete;
  WrapChecker& operator=(const WrapChecker&) = delete;

  // Asks about `pending`; the answer reaches the sink from the loop (at once
  // when the question cannot be asked).
  void ask(WrapPending pending);
  std::size_t pending() const { return pending_.size(); }

 private:
  struct Process final : loop::EventHandler {
    WrapChecker* owner = nullptr;
    pid_t pid = 0;
    sys::Fd socket;
    std::size_t in_flight = 0;
    void on_event(std::uint32_t events) override { owner->on_answer(*this, events); }
  };

  bool start(Process& process);
  void stop(Process& process);
  void on_answer(Process& process, std::uint32_t events);
  void fail_all_of(Process& process, const char* why);

  loop::EventLoop& loop_;
  WrapVerdictSink& sink_;
  std::vector<std::unique_ptr<Process>> processes_;
  struct Asked {
    Process* process;
    WrapPending pending;
  };
  std::unordered_map<std::uint64_t, Asked> pending_;
  std::uint64_t next_id_ = 1;
  std::string unavailable_;  // the reason given with the last "libwrap unavailable"
};

}  // namespace ninetd::daemon
