// Flow: the pure bookkeeping of a forwarded connection (forwarder.h): what each
// direction holds, whether its source has ended and its sink been shut down,
// and from that which events each socket waits for. No system calls: the
// forwarder moves the bytes and asks this what to do next.
#pragma once

#include <cstdint>

namespace ninetd::forward {

// One direction: bytes read from one socket and written to the other.
struct Direction {
  // Read but not yet written (at most the forwarder's buffer). While any are
  // held, the source is not read: a sink that does not read meets the
  // kernel's window, not the daemon's memory.
  std::uint32_t held = 0;
  bool source_ended = false;  // end of file read from the source
  bool sink_shut = false;     // the sink's writing side shut down after it

  bool wants_read() const { return !source_ended && held == 0; }
  // The source's end has reached the sink: shutdown(SHUT_WR) is due.
  bool needs_shutdown() const { return source_ended && held == 0 && !sink_shut; }
  bool done() const { return source_ended && held == 0 && sink_shut; }
};

// The epoll events a socket waits for: readable for the direction it is the
// source of (`out`), writable for the one it is the sink of (`in`). A target
// not yet connected waits for writable only (the end of its connect).
std::uint32_t socket_interest(const Direction& out, const Direction& in, bool connected);

// Both directions done: each side's end of file has reached the other.
inline bool finished(const Direction& a, const Direction& b) {
  return a.done() && b.done();
}

}  // namespace ninetd::forward
