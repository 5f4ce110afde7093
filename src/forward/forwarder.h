// Forwarder: one connection of a redirecting service (xinetd's redirect),
// forwarded both ways inside the event loop: no process per connection. It
// connects to the target without blocking, then moves bytes between the two
// sockets through a bounded buffer per direction, turns each side's end of
// file into shutdown(SHUT_WR) on the other, and ends when both directions are
// done or either socket fails. The owner counts it as a session, ends it when
// idle, and logs a target that cannot be reached.
//
// Bytes go through recv/send and a user-space buffer, not splice(2) through a
// pipe (bench/forward-copy measures both): splice spends about a third less CPU
// per MiB on a long transfer, but a pipe per direction is four more
// descriptors per connection (six, not two, against the descriptor budget that
// sizes --max-sessions), two pipe2 and four close calls that make a short
// connection cost more, and up to 64 KiB of pipe pages per direction where the
// buffer here is 16 KiB, allocated only while a sink lags. inetd's
// connections are mostly short.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "forward/flow.h"
#include "loop/event_loop.h"
#include "net/socket_address.h"
#include "sys/fd.h"

namespace ninetd::forward {

// The most a direction holds for a sink that does not read: the builtins'
// session cap (builtins/session.h), so a forwarded connection costs at most
// twice what an echo session does.
inline constexpr std::size_t kForwardBufferCap = std::size_t{16} * 1024;

class Forwarder;

class ForwarderOwner {
 public:
  virtual ~ForwarderOwner() = default;
  virtual loop::EventLoop& event_loop() = 0;
  // The target refused the connection or could not be reached (`error` is the
  // errno); the owner logs it. end_forward follows.
  virtual void forward_failed(Forwarder& forwarder, int error) = 0;
  // Removes the forwarder from the loop and frees it after the current batch.
  virtual void end_forward(Forwarder& forwarder) = 0;
};

class Forwarder final : public loop::EventHandler {
 public:
  // `client` must be non-blocking (the listener accepts it so).
  Forwarder(sys::Fd client, const net::SocketAddress& target, std::uint64_t progress_bytes,
            ForwarderOwner& owner);
  // Opens the target's socket and starts connecting; false (with the errno in
  // `error`) when that fails at once, and the owner ends the forwarder.
  bool start(int& error);
  void on_event(std::uint32_t events) override;  // the client's socket
  // Leaves the loop and closes both sockets (the client first: it waits for this end).
  void close();

  bool connected() const { return connected_; }
  const net::SocketAddress& target() const { return target_; }
  // The last time it moved another `progress_bytes` (or its start).
  loop::Clock::time_point last_activity() const { return last_activity_; }

 private:
  // The target's socket reports here.
  class TargetEnd final : public loop::EventHandler {
   public:
    explicit TargetEnd(Forwarder& forwarder) : forwarder_(forwarder) {}
    void on_event(std::uint32_t events) override { forwarder_.on_target_event(events); }

   private:
    Forwarder& forwarder_;
  };
  // A socket, its half of the buffers and its place in the loop.
  struct End {
    sys::Fd fd;
    loop::EventHandler* handler = nullptr;
    std::uint32_t interest = 0;
    bool registered = false;
  };

  void on_target_event(std::uint32_t events);
  void on_connected();
  // Reads `from` and writes what it read to `to`; false when the connection is over.
  bool pump(End& from, End& to, Direction& direction, std::vector<char>& pending);
  // Writes what `direction` holds to `to`; false when the sink failed.
  bool flush(End& to, Direction& direction, std::vector<char>& pending);
  bool shut_down_if_due(End& to, Direction& direction);
  // Brings both sockets' interest up to date, or ends the forwarder when done.
  void settle();
  bool steer(End& end, std::uint32_t events);
  void count_progress(std::size_t bytes);
  void end();

  ForwarderOwner& owner_;
  TargetEnd target_end_;
  End client_;
  End server_;
  net::SocketAddress target_;
  Direction upstream_;    // client -> target
  Direction downstream_;  // target -> client
  std::vector<char> upstream_held_;
  std::vector<char> downstream_held_;
  loop::Clock::time_point last_activity_;
  std::uint64_t progress_bytes_;
  std::uint64_t unproven_bytes_ = 0;
  bool connected_ = false;
  bool ended_ = false;
};

}  // namespace ninetd::forward
