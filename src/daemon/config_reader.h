// ConfigReader: loads the configuration in a forked child process and hands
// the result back through a pipe (services/config_codec.h). The lookups that
// loading needs (getpwnam, getgrouplist, getaddrinfo) may block on a directory
// server and load name service modules; in the child they can do neither to
// the daemon. The initial load waits for the child; a reload reads its pipe
// from the event loop, so the daemon goes on serving meanwhile.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "loop/event_loop.h"
#include "services/config_loader.h"
#include "sys/fd.h"

namespace ninetd::daemon {

struct LoadRequest {
  std::string config_path;
  std::string login_conf;
};

// nullopt when the loader could not run or died before it finished.
using LoadResult = std::optional<services::LoadedConfig>;

// Loads in a child and waits for it: for the start, before the loop runs.
LoadResult load_in_child(const LoadRequest& request);

class ConfigReader final : public loop::EventHandler {
 public:
  using Done = std::function<void(LoadResult)>;
  // A loader stuck on a lookup is killed after this long; the reload then fails.
  static constexpr std::chrono::seconds kLoaderTimeout{120};

  explicit ConfigReader(loop::EventLoop& loop) : loop_(loop), deadline_(loop.no_timer()) {}
  ~ConfigReader() override;

  bool busy() const { return pipe_.valid(); }
  // Starts a load; `done` runs from the loop once the child has written all.
  // False (and `done` not called) when no child could be started.
  bool start(const LoadRequest& request, Done done);
  void on_event(std::uint32_t events) override;

 private:
  void finish();

  loop::EventLoop& loop_;
  loop::EventLoop::TimerId deadline_;
  sys::Fd pipe_;
  pid_t child_ = -1;
  sys::Fd child_pidfd_;  // kills the loader even if its pid has been reaped and reused
  std::string bytes_;
  Done done_;
};

}  // namespace ninetd::daemon
