// RpcRegistrar: keeps rpcbind's table in step with the daemon's RPC sockets.
// Listeners say what each socket wants registered (want/drop); the registrar
// works out the difference (rpc/registration.h) and has a helper process make
// the calls.
//
// Why a helper process: rpcb_set and rpcb_unset are synchronous and wait for
// rpcbind's answer up to libtirpc's timeout (60 s per call when rpcbind is
// stopped or busy). The daemon's loop never waits on the network, so the calls
// run in a forked child (as the configuration loader does) whose one byte per
// call comes back through a pipe read from the loop; a helper that runs longer
// than kHelperDeadline is killed and its calls count as failed. Only the stop
// waits for its helper, and for a few seconds at most.
//
// rpcbind missing or refusing: logged once, tried again with a back-off (1 s
// doubling to 60 s), never fatal. rpcbind forgets every mapping when it
// restarts: every 10 s the registrar looks at rpcbind's socket file (a stat,
// no call to rpcbind, no process) and registers everything again once the
// socket is another one than at the last registration.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "daemon/loader_process.h"
#include "loop/event_loop.h"
#include "rpc/registration.h"
#include "rpc/rpcbind_calls.h"

namespace ninetd::daemon {

class RpcRegistrar final : public loop::EventHandler {
 public:
  explicit RpcRegistrar(loop::EventLoop& loop) : loop_(loop) {}
  ~RpcRegistrar() override;
  RpcRegistrar(const RpcRegistrar&) = delete;
  RpcRegistrar& operator=(const RpcRegistrar&) = delete;

  // The mappings of one socket, by its owner (replacing what it had).
  void want(const void* owner, std::vector<rpc::Binding> bindings);
  // The owner's socket is closed: its mappings go.
  void drop(const void* owner);
  // The daemon stops: unregisters what it registered, waiting at most `grace`.
  void shut_down(std::chrono::milliseconds grace);

  void on_event(std::uint32_t events) override;

 private:
  // rpcbind's socket file as last seen (device, inode, change time): another
  // one means another rpcbind, which knows none of the daemon's mappings.
  using SocketIdentity = std::pair<std::pair<dev_t, ino_t>, long long>;
  static SocketIdentity rpcbind_socket();

  std::set<rpc::Binding> wanted() const;
  void schedule(std::chrono::milliseconds delay);
  void sync();
  void finish(bool complete);
  void record(const std::vector<rpc::Operation>& done, const std::string& results);
  void look_at_rpcbind();
  void stop_helper();

  loop::EventLoop& loop_;
  std::map<const void*, std::vector<rpc::Binding>> wanted_;
  std::set<rpc::Binding> registered_;
  std::vector<rpc::Operation> in_flight_;  // the helper's calls
  std::optional<LoaderProcess> helper_;
  std::string output_;
  std::optional<loop::EventLoop::TimerId> sync_timer_;
  std::optional<loop::EventLoop::TimerId> deadline_;
  std::optional<loop::EventLoop::TimerId> watch_timer_;
  SocketIdentity seen_{};  // rpcbind's socket at the last attempt
  unsigned failures_ = 0;  // attempts in a row that failed
  bool stopping_ = false;
};

}  // namespace ninetd::daemon
