// Supervisor: the daemon's life between start and stop. Listener readable ->
// limits -> builtin in the loop or a launched server; children reaped and
// their services re-armed; reloads applied as a diff that keeps sockets.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "builtins/datagram.h"
#include "builtins/session.h"
#include "daemon/config_reader.h"
#include "daemon/limit_defaults.h"
#include "daemon/rpc_registrar.h"
#include "daemon/running_service.h"
#include "daemon/service_log.h"
#include "daemon/service_manager.h"
#include "daemon/socket_handover.h"
#include "daemon/wrap_checker.h"
#include "forward/forwarder.h"
#include "limits/deny_list.h"
#include "limits/reply_budget.h"
#include "log/logger.h"
#include "log/repeat_limiter.h"
#include "loop/event_loop.h"
#include "services/config_loader.h"
#include "spawn/spawner.h"
#include "status/control_request.h"
#include "status/metrics_text.h"
#include "status/report.h"

namespace ninetd::daemon {

struct SupervisorSettings {
  std::string config_path;
  std::string login_conf;
  std::string include_dir;  // the drop-in directory read after the file; empty: none
  bool xinetd = false;      // -x: the configuration is xinetd.conf
  bool log_connections = false;
  std::chrono::seconds session_idle_timeout{60};
  std::size_t max_sessions = 0;         // 0: from the open-files limit (descriptor_budget.h)
  bool new_session = false;             // servers start in a session of their own (--new-session)
  DefaultAccess access;                 // --allow, --deny
  bool wrap_servers = false;            // -w
  bool wrap_builtins = false;           // -W
  LimitDefaults limit_defaults;         // -c, -C, -R, -s
  std::size_t max_children = 0;         // --max-children: servers at once, all services; 0: none
  net::SourcePrefixes source_prefixes;  // --source-prefix-ipv4, --source-prefix-ipv6
};

class Supervisor final : public builtins::SessionOwner,
                         public forward::ForwarderOwner,
                         public ListenerOwner,
                         public WrapVerdictSink {
 public:
  Supervisor(loop::EventLoop& loop, SupervisorSettings settings);
  ~Supervisor() override;

  // The first load. False when the file cannot be read at all.
  bool start();
  // Starts a reload in the background; its result is applied from the loop.
  void reload();
  void on_signal(int signal);
  bool stop_requested() const { return stop_requested_; }
  // Closes every listener (children keep running, as with classic inetd).
  // `keep_sockets`: each one systemd's file descriptor store can keep for the
  // next start is handed to it instead (--fd-store, socket_handover.h).
  void shut_down(bool keep_sockets = false);
  // The sockets a daemon before a restart handed over: the first load adopts
  // those of services still configured; then forget_inherited() closes the
  // rest and empties the store, which the stop fills again.
  void adopt(InheritedSockets sockets) { inherited_ = std::move(sockets); }
  void forget_inherited();
  std::optional<sys::Fd> inherited_socket(const services::Service& service) override {
    return inherited_.take(service);
  }
  // Frees what was retired during the last batch of events.
  void after_batch() { graveyard_.clear(); }

  loop::EventLoop& event_loop() override { return loop_; }
  void serve_connection(RunningService& service, sys::Fd connection, const net::SocketAddress& peer,
                        Client client) override;
  void hand_over_socket(RunningService& service) override;
  void answer_datagrams(RunningService& service) override;
  // Builtin sessions and forwarded connections: both live in the loop.
  std::size_t sessions_open() const override { return sessions_.size() + forwards_.size(); }
  std::size_t sessions_max() const override { return max_sessions_; }
  bool allow_repeated(const RunningService& service, std::string_view event) override;
  const DefaultAccess& default_access() const override { return settings_.access; }
  void on_wrap_verdict(WrapPending pending, bool allowed, const char* why) override;
  net::SourcePrefixes source_prefixes() const override { return settings_.source_prefixes; }
  bool at_children_cap() const override {
    return settings_.max_children > 0 && children_.size() >= settings_.max_children;
  }
  PolicyInputs policy_inputs(const services::ConnectionPolicy& policy) override {
    return policy_clock_.inputs(policy);
  }
  void rpc_bound(const RunningService& service, const net::SocketAddress& bound) override;
  void rpc_closed(const RunningService& service) override;
  void log_fail(const RunningService& service, const net::SocketAddress& peer,
                std::string_view reason) override;
  void sense(const RunningService& service, const net::SocketAddress& peer) override;
  bool denied(const net::SocketAddress& peer) override;
  void end_session(builtins::Session& session) override;
  void tcpmux_request(builtins::Session& session, const std::string& name) override;
  void forward_failed(forward::Forwarder& forwarder, int error) override;
  void end_forward(forward::Forwarder& forwarder) override;

  std::size_t child_count() const { return children_.size(); }

  // systemd's notify socket: told of readiness, reloads and the stop, and
  // given a STATUS= line that follows the counts (supervisor_status.cpp).
  void use_service_manager(ServiceManager& manager);
  void tell_ready();
  void tell_stopping();
  StatusCounts status_counts() const;

  // The daemon's counters and states (supervisor_report.cpp). `details_of`:
  // only the services it names (status::names_service), with their events.
  status::DaemonReport report(std::optional<std::string_view> details_of) const;
  std::string metrics_text() override;
  // The control socket's answer to a request: "ok\n" and the text, or "error WHY\n".
  std::string control_answer(const status::ControlRequest& request) const;

 private:
  // `source`: who sent the datagram served, when one is seen (for START's from=).
  std::optional<std::uint64_t> datagram_to_serve(RunningService& service,
                                                 std::optional<net::SocketAddress>& source);
  void note_dropped_datagrams(RunningService& service, std::uint64_t dropped);
  // While a dgram service's access_times or max_load refuse every client, its
  // waiting datagrams are dropped (a bounded number per wakeup): true then.
  bool drop_datagrams_by_policy(RunningService& service);
  bool allow_repeated_key(const std::string& key);
  // Every service that launches servers looks again at whether it may accept:
  // the daemon reached --max-children, or went below it.
  void reconsider_at_cap_change(bool was_at_cap);
  // The name hosts.allow rules are written for, when -w or -W covers this
  // connection; nullopt when it is not checked.
  std::optional<std::string> wrap_daemon_name(const RunningService& service,
                                              const net::SocketAddress& peer) const;
  // Orders running services by key (Service::key_less), so the table needs no
  // key stored beside each service; a lookup passes a Service with the key wanted.
  // The table is a sorted vector: it changes only at a reload, and a tree's
  // node per service costs three times the memory.
  struct ByKey {
    using is_transparent = void;
    static const services::Service& of(const std::shared_ptr<RunningService>& running) {
      return running->service();
    }
    static const services::Service& of(const services::Service& service) { return service; }
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return services::Service::key_less(of(a), of(b));
    }
  };

  struct Child {
    std::shared_ptr<RunningService> service;
    Client client;
    std::chrono::steady_clock::time_point started;
    // A dgram server: the fingerprint of the datagram first in the queue when
    // it was started (0: none), to tell whether it left it unread.
    std::uint64_t datagram = 0;
  };
  // An in-loop builtin connection counts as one of its service's children
  // (max-child and the per-source limits apply to it as to a server).
  struct SessionEntry {
    std::unique_ptr<builtins::Session> session;
    std::shared_ptr<RunningService> service;
    Client client;
  };

  // A redirecting service's connection, forwarded in the loop; a session as
  // the builtins' are (counted as a child, bounded, ended when idle).
  struct ForwardEntry {
    std::unique_ptr<forward::Forwarder> forwarder;
    std::shared_ptr<RunningService> service;
    Client client;
  };

  LoadRequest load_request() const;
  // The running service with the key of `service`; it must be in the table.
  RunningService& in_table(const services::Service& service);
  void finish_reload(LoadResult result);
  void apply(services::LoadedConfig& loaded, bool initial);
  // Rebuilds the lookups made from the table (tcpmux names, the ports UDP
  // builtins never answer); returns how many sockets are open.
  std::size_t index_table();
  // The service's changed definition reaches its socket, pause and limits.
  void apply_change(RunningService& service, const services::Service& changed,
                    std::set<RunningService*>& recount);
  void start_session(RunningService& service, config::Builtin kind, sys::Fd connection,
                     Client client);
  void start_forward(RunningService& service, sys::Fd connection, Client client);
  void arm_session_sweep();
  // Ends the forwarded connections idle for the timeout; the oldest activity
  // of the others (or `oldest` as given).
  loop::Clock::time_point sweep_idle_forwards(loop::Clock::time_point now,
                                              loop::Clock::time_point oldest);
  // `peer`: the client's address as accepted; null for a server given the socket itself.
  std::optional<pid_t> launch_server(RunningService& service, int fd,
                                     const net::SocketAddress* peer, Client client);
  // A tcpmux client refused because its service is at its child limit:
  // its FAIL line (service_limit) or a warning.
  void refuse_at_limit(RunningService& service, const net::SocketAddress& peer);
  // Counts a running server or session in its service's new per-source table.
  void count_again(RunningService& service, Client& client) const;
  // After a reload replaced a service's per-source table: count its running
  // servers and sessions in the new one.
  void recount_sources(const std::set<RunningService*>& services);

  // A line for an event that can repeat at the rate clients or servers make
  // it happen: the first few of an interval are logged, the rest summarised.
  template <typename... Args>
  void log_repeated(log::Level level, const RunningService& service, std::string_view event,
                    fmt::format_string<Args...> f, Args&&... args) {
    if (!allow_repeated(service, event)) return;
    log::write(level, fmt::format(f, std::forward<Args>(args)...));
  }
  // An event line, unless its key (log::repeat_key's event part) has
  // repeated too often (supervisor_log.cpp).
  void log_event(log::Level level, const RunningService& service, std::string_view key,
                 const log::EventLine& line);
  // -l's start line: the server's pid and, for a connection, its client.
  void log_launch(const RunningService& service, pid_t pid, const net::SocketAddress* peer);
  // -l's line for a connection held in the loop (a builtin's, a forward's)
  // closed for moving too little.
  void log_idle_close(std::string_view service_name, const Client& client);
  void log_repeat_summaries();
  // log_on_success's START and EXIT lines (supervisor_log.cpp).
  void log_start(const RunningService& service, pid_t pid, const net::SocketAddress* peer);
  void log_server_exit(const RunningService& service, pid_t pid, int status,
                       std::chrono::milliseconds ran);
  // After a load: the log files of the services in the table opened again.
  void settle_service_log();

  void reap_children();
  void on_child_exit(pid_t pid, int status, std::optional<spawn::LateFailure> launch_failure);
  void log_exit(RunningService& service, pid_t pid, int status,
                const std::optional<spawn::LateFailure>& launch_failure,
                std::chrono::milliseconds ran);
  // Applies the crash-loop verdict on an exit; false when the caller goes on
  // to reconsider the socket.
  bool apply_crash_verdict(RunningService& service, const CrashLoop::Verdict& verdict,
                           const ServerExit& exit,
                           const std::optional<spawn::LateFailure>& launch_failure);
  // Leaves the socket out of the loop for the verdict's delay; the first
  // back-off of a run is logged with `last`, what the last failure was.
  void back_off(RunningService& service, const CrashLoop::Verdict& verdict,
                const std::string& last);
  void sweep_idle_sessions();
  // One of the recent events `ninetd --status SERVICE` shows (supervisor_report.cpp).
  void record_event(RunningService& service, status::EventKind kind, pid_t pid, int value,
                    const net::SocketAddress* peer = nullptr, std::chrono::milliseconds ran = {});
  status::ServiceReport report_of(const RunningService& service, bool events) const;
  // A datagram sensor: each datagram's source goes on the deny list, unanswered.
  void sense_datagrams(RunningService& service);
  bool hand_over(RunningService& service);
  void refresh_status();
  void feed_watchdog();
  void dump_table();
  void log_diagnostics(const services::LoadedConfig& loaded);

  loop::EventLoop& loop_;
  SupervisorSettings settings_;
  ConfigReader reader_;
  RpcRegistrar rpc_;                                    // RPC services' mappings in rpcbind
  bool reload_again_ = false;                           // a SIGHUP came while a reload was running
  std::vector<std::shared_ptr<RunningService>> table_;  // sorted by ByKey
  std::map<std::string, std::shared_ptr<RunningService>> tcpmux_;  // by lowercase name
  std::unordered_map<pid_t, Child> children_;
  std::unordered_map<builtins::Session*, SessionEntry> sessions_;
  std::unordered_map<forward::Forwarder*, ForwardEntry> forwards_;
  std::size_t max_sessions_;  // in-loop sessions at once, all services together
  std::vector<std::shared_ptr<RunningService>> graveyard_;
  std::set<std::uint16_t> guarded_ports_;  // ports of UDP builtins: never answered
  builtins::DatagramStats datagram_stats_;
  limits::ReplyBudget reply_budget_;  // UDP builtins' answers per source per second
  log::RepeatLimiter repeats_;
  // The addresses sensors saw, refused by every service: kept across reloads.
  limits::DenyList deny_list_;
  PolicyClock policy_clock_;  // the minute and load that access_times and max_load judge
  std::optional<loop::EventLoop::TimerId> repeat_timer_;
  std::optional<loop::EventLoop::TimerId> sweep_timer_;
  bool stop_requested_ = false;
  std::unique_ptr<WrapChecker> wrap_checker_;  // with -w or -W
  ServiceManager* service_manager_ = nullptr;  // under systemd (Type=notify)
  std::optional<loop::EventLoop::TimerId> status_timer_;
  std::optional<loop::EventLoop::TimerId> watchdog_timer_;
  ServiceLog service_log_;         // log_type's targets
  std::int64_t started_unix_ = 0;  // for the status and the metrics
  InheritedSockets inherited_;
  std::uint64_t reloads_applied_ = 0;
  std::uint64_t reloads_refused_ = 0;  // the configuration before was kept
};

}  // namespace ninetd::daemon
