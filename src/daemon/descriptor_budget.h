// What the open-files limit allows: whether a configuration's listening
// sockets fit in it, and how many in-loop sessions the daemon holds by
// default. The decisions are pure (the limit is a parameter); only
// open_files_limit() asks the kernel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace ninetd::daemon {

// Descriptors the daemon needs besides its listening sockets: 0-2, the event
// loop's own (epoll, signalfd, timers), the pid file, syslog's socket, a
// reload's loader pipe, and a margin for connections being accepted and
// handed to servers.
inline constexpr std::uint64_t kDescriptorReserve = 64;

// Default bound on in-loop sessions: a quarter of the open-files limit, so
// held connections leave three quarters of the descriptors to listeners and
// launches, and at most this many, so their buffers (builtins::kSessionBufferCap,
// 16 KiB, each at worst) stay within 256 MiB.
inline constexpr std::size_t kMaxDefaultSessions = 16384;

// The line to log when `sockets` listening sockets and kDescriptorReserve do
// not fit in `limit` (the soft RLIMIT_NOFILE; nullopt: unlimited), else nullopt.
std::optional<std::string> descriptor_shortfall(std::size_t sockets,
                                                std::optional<std::uint64_t> limit);

std::size_t default_session_limit(std::optional<std::uint64_t> limit);

// The soft RLIMIT_NOFILE; nullopt when unlimited or unreadable.
std::optional<std::uint64_t> open_files_limit();

}  // namespace ninetd::daemon
