// ServiceListener: a service's socket and its accept loop, as envoy's
// TcpListenerImpl owns its own: it opens and closes the socket, keeps it in
// the event loop exactly while its state is `listening`, accepts, applies the
// service's admission (rate pause, per-source limits) and hands each admitted
// connection to its owner. Sockets given to a server as they are (wait
// services, datagrams) go to the owner at the first readable event.
#pragma once

#include <fmt/format.h>
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "daemon/access_policy.h"
#include "daemon/client.h"
#include "daemon/policy_clock.h"
#include "daemon/service_state.h"
#include "loop/event_loop.h"
#include "net/source_key.h"
#include "services/service.h"
#include "sys/fd.h"

namespace ninetd::daemon {

class RunningService;

// What the listener needs from the daemon around it.
class ListenerOwner {
 public:
  virtual ~ListenerOwner() = default;
  virtual loop::EventLoop& event_loop() = 0;
  // An admitted connection: a builtin serves it, or a server is launched.
  // `peer` is the address as accepted (`client` keeps it compact, to store).
  virtual void serve_connection(RunningService& service, sys::Fd connection,
                                const net::SocketAddress& peer, Client client) = 0;
  // A socket that its server takes as it is (wait, dgram, raw) is readable.
  virtual void hand_over_socket(RunningService& service) = 0;
  // A UDP builtin's socket is readable.
  virtual void answer_datagrams(RunningService& service) = 0;
  // In-loop sessions open now, and the most the daemon holds at once.
  virtual std::size_t sessions_open() const = 0;
  virtual std::size_t sessions_max() const = 0;
  // Whether a line for an event that can repeat at the clients' pace is logged
  // (the first few of an interval are; the rest are summarised).
  virtual bool allow_repeated(const RunningService& service, std::string_view event) = 0;
  // --max-children servers run, all services together: services that launch
  // servers wait (nothing is refused) until one exits.
  virtual bool at_children_cap() const { return false; }
  // The networks per-source limits count clients by (--source-prefix-ipv4, -ipv6).
  virtual net::SourcePrefixes source_prefixes() const { return {}; }
  // The daemon-wide --allow and --deny, for services without lists of their own.
  virtual const DefaultAccess& default_access() const {
    static const DefaultAccess kNone;
    return kNone;
  }
  // What a service's access_times and max_load are judged against, now.
  virtual PolicyInputs policy_inputs(const services::ConnectionPolicy& /*policy*/) { return {}; }
  // An RPC service's socket is bound at `bound` (or its versions changed):
  // its versions go to rpcbind. Then its socket is closed: they leave it.
  virtual void rpc_bound(const RunningService& service, const net::SocketAddress& bound) = 0;
  virtual void rpc_closed(const RunningService& service) = 0;
  // The socket the daemon before a restart handed over for this service
  // (socket_handover.h), or nullopt: a new one is opened.
  virtual std::optional<sys::Fd> inherited_socket(const services::Service& /*service*/) {
    return std::nullopt;
  }
  // A client refused by `reason` (config/log_settings.h's log_on_failure):
  // its FAIL line. Called only for a service with log_on_failure flags.
  virtual void log_fail(const RunningService& service, const net::SocketAddress& peer,
                        std::string_view reason) = 0;
  // xinetd's SENSOR: a client of a sensor service goes on the deny list,
  // which every service checks (denied) before it admits a client.
  virtual void sense(const RunningService& /*service*/, const net::SocketAddress& /*peer*/) {}
  virtual bool denied(const net::SocketAddress& /*peer*/) { return false; }
};

class ServiceListener final : public loop::EventHandler {
 public:
  ServiceListener(RunningService& service, ListenerOwner& owner);
  ServiceListener(const ServiceListener&) = delete;
  ServiceListener& operator=(const ServiceListener&) = delete;

  void on_event(std::uint32_t events) override;

  ServiceState state() const { return state_; }
  ListenerOwner& owner() const { return owner_; }
  bool is_open() const { return static_cast<bool>(socket_); }
  int fd() const { return socket_.get(); }
  // The wait server holding the socket, in state waiting_for_server.
  std::optional<pid_t> wait_pid() const {
    return wait_pid_ != 0 ? std::optional<pid_t>(wait_pid_) : std::nullopt;
  }

  // Opens the socket (or says why not, in the state) and watches it if
  // nothing holds the service back.
  void open();
  // A new socket for the same service (a setting the old one cannot drop).
  void reopen();
  // Closes for good: a reload dropped the service, or the daemon stops.
  void remove();
  // The daemon stops and systemd's store keeps the socket for the next start
  // (socket_handover.h): closed here, still listening.
  void hand_over();

  // Out of the loop for `how_long`, for the reason `why` (a timed state);
  // then watched again, or for retrying_bind, opened again.
  void pause(ServiceState why, std::chrono::milliseconds how_long);
  // Ends a timed pause at once.
  void end_pause();
  // Watches the socket, or not, by the child limit; only from listening or
  // at_child_limit (any other state has its own way back).
  void reconsider();
  // A wait server took the socket: not watched until it exits.
  void hold_for_server(pid_t pid);
  // True when `pid` was the wait server holding the socket; the socket then
  // gets the mode its definition wants, and the state is at_child_limit
  // until the caller reconsiders or pauses.
  bool release_from_server(pid_t pid);
  // A reload changed the definition: buffer sizes and blocking mode follow.
  void apply_socket_options(bool buffers_changed);
  // An RPC service's socket, bound: its address (the port the kernel chose)
  // and versions go to the owner for rpcbind.
  void announce_rpc();
  // The service's admission for a client accepted elsewhere (tcpmux); false
  // (and logged) when refused. `client.counted` says whether a child was counted.
  bool admit(int fd, const net::SocketAddress& peer, Client& client);
  bool allowed(const net::SocketAddress& peer);
  // access_times and max_load (part of admit); false (and logged) when refused.
  bool within_policy(const net::SocketAddress& peer);

 private:
  // The FAIL line of a refused client, when the service asks for one.
  bool log_fail(const net::SocketAddress& peer, std::string_view reason);
  // Closes the socket; a unix socket's file is removed if it is still ours.
  void close();
  void set_state(ServiceState next);
  // The socket is open: watched, or held back by what holds the service.
  void settle_opened();
  void cancel_timer();
  // The blocking mode the definition wants, once no server holds the socket
  // (the flag is shared with that server).
  void sync_socket_mode();
  void accept_connections();
  bool pause_if_over_rate();
  bool sessions_full();
  template <typename... Args>
  void log_repeated(bool error, std::string_view event, fmt::format_string<Args...> f,
                    Args&&... args);
  // A refusal's event line (made by make_line), unless its key has repeated
  // too often.
  template <typename MakeLine>
  void log_refused(std::string_view key, MakeLine make_line);

  // Laid out without padding: the daemon keeps one per service.
  RunningService& service_;
  ListenerOwner& owner_;
  loop::EventLoop::TimerId timer_{};  // while timer_armed_
  // A unix socket's file as bound (device, inode): removed at close only if
  // the name still leads to it.
  std::optional<std::pair<dev_t, ino_t>> socket_file_;
  sys::Fd socket_;
  pid_t wait_pid_ = 0;  // the wait server holding the socket; 0: none
  ServiceState state_ = ServiceState::retrying_bind;
  bool nonblocking_ = false;  // O_NONBLOCK, as last set on the socket
  bool registered_ = false;   // in the event loop
  bool timer_armed_ = false;
};

// "stream, nowait, internal echo": what a service is, for the log.
std::string service_summary(const services::Service& s);

// The client as per-source limits know it: its address, or for a unix client
// its uid (the peer's own address is a path it may choose freely, or none).
// `fd` is the connection, read only for unix clients.
// An IP client counts under its network (net/source_key.h).
std::string source_of(const net::SocketAddress& peer, int fd, net::SourcePrefixes prefixes = {});

}  // namespace ninetd::daemon
