#include "daemon/exit_policy.h"

#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace ninetd::daemon {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kFirstBackoff(1000);
constexpr milliseconds kMaxBackoff(60000);
constexpr unsigned kMaxDoublings = 6;

std::uint64_t fnv1a(std::uint64_t hash, std::span<const std::byte> bytes) {
  constexpr std::uint64_t kPrime = 0x100000001b3ULL;
  for (std::byte b : bytes) hash = (hash ^ std::to_integer<std::uint64_t>(b)) * kPrime;
  return hash;
}

}  // namespace

std::string describe_status(int status) {
  if (WIFSIGNALED(status))
    return fmt::format("killed by signal {} ({}){}", WTERMSIG(status), strsignal(WTERMSIG(status)),
                       WCOREDUMP(status) ? ", core dumped" : "");
  return fmt::format("exited with status {}", WEXITSTATUS(status));
}

bool failed(int status) {
  return WIFSIGNALED(status) || WEXITSTATUS(status) != 0;
}

bool failed_at_once(const ServerExit& exit) {
  if (exit.launch_failed) return true;
  // SIGPIPE: it wrote to a client that had gone; it started and served.
  bool client_gone = WIFSIGNALED(exit.status) && WTERMSIG(exit.status) == SIGPIPE;
  return exit.ran < kQuickExit && ((failed(exit.status) && !client_gone) || exit.left_datagram);
}

std::string describe_quick_failure(const ServerExit& exit) {
  std::string status = describe_status(exit.status);
  if (exit.left_datagram) status += ", its datagram unread";
  return status;
}

CrashLoop::Verdict CrashLoop::on_exit(const ServerExit& exit, bool paused) {
  if (!failed_at_once(exit)) {
    Verdict verdict{back_offs_ > 0 ? Verdict::Kind::recovered : Verdict::Kind::none,
                    milliseconds(0), false, in_a_row_};
    in_a_row_ = 0;
    back_offs_ = 0;
    return verdict;
  }
  ++in_a_row_;
  unsigned run = exit.had_socket ? 1 : kCrashLoopRun;
  if (paused || in_a_row_ < run) return Verdict{.in_a_row = in_a_row_};
  return back_off();
}

CrashLoop::Verdict CrashLoop::on_launch_failure() {
  ++in_a_row_;
  return back_off();
}

CrashLoop::Verdict CrashLoop::back_off() {
  unsigned step = std::min(back_offs_++, kMaxDoublings);
  milliseconds delay = std::min(kMaxBackoff, kFirstBackoff * (1U << step));
  return Verdict{Verdict::Kind::back_off, delay, back_offs_ == 1, in_a_row_};
}

std::uint64_t datagram_fingerprint(std::span<const std::byte> source, std::size_t length,
                                   std::span<const std::byte> head) {
  std::uint64_t hash = fnv1a(0xcbf29ce484222325ULL, source);
  std::array<std::byte, sizeof length> size{};
  std::memcpy(size.data(), &length, sizeof length);
  hash = fnv1a(hash, size);
  return fnv1a(hash, head) | 1U;
}

}  // namespace ninetd::daemon
