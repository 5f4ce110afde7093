// ConfigReader: loads the configuration in a forked child process and hands
// the result back through a pipe (services/config_codec.h). The lookups that
// loading needs (getpwnam, getgrouplist, getaddrinfo) may block on a directory
// server and load name service modules; in the child they can do neither to
// the daemon. The initial load waits for the child; a reload reads its pipe
// from the event loop, so the daemon goes on serving meanwhile. Either way a
// loader that runs longer than loader_timeout() is killed and the load fails.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "daemon/loader_process.h"
#include "loop/event_loop.h"
#include "services/config_loader.h"

namespace ninetd::daemon {

// nullopt when the loader could not run, died, or ran out of time.
using LoadResult = std::optional<services::LoadedConfig>;

// How long a loader may run (120 s unless --load-timeout says otherwise). Set
// once at start, before the first load; every load of the process uses it.
void set_loader_timeout(std::chrono::seconds timeout);
std::chrono::seconds loader_timeout();

// Loads in a child and waits for it: for the start, before the loop runs.
LoadResult load_in_child(const LoadRequest& request);

class ConfigReader final : public loop::EventHandler {
 public:
  using Done = std::function<void(LoadResult)>;

  explicit ConfigReader(loop::EventLoop& loop) : loop_(loop), deadline_(loop.no_timer()) {}
  // Kills and reaps a loader still running: see stop().
  ~ConfigReader() override;

  bool busy() const { return loader_.has_value(); }
  // Starts a load; `done` runs from the loop once the child has written all,
  // or with nullopt once it failed. False (and `done` not called) when no
  // child could be started.
  bool start(const LoadRequest& request, Done done);
  // Kills a running loader and reaps it, without calling its `done`: for the
  // daemon's stop, so no loader outlives it.
  void stop();
  void on_event(std::uint32_t events) override;

 private:
  // `complete`: the loader's pipe ended; otherwise the load failed whatever was read.
  void finish(bool complete);

  loop::EventLoop& loop_;
  loop::EventLoop::TimerId deadline_;
  std::optional<LoaderProcess> loader_;
  std::string bytes_;
  Done done_;
};

}  // namespace ninetd::daemon
