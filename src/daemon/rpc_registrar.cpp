#include "daemon/rpc_registrar.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "log/logger.h"

namespace ninetd::daemon {
namespace {

using Clock = loop::Clock;
using std::chrono::milliseconds;

constexpr milliseconds kHelperDeadline(30000);
constexpr milliseconds kWatchEvery(10000);
constexpr milliseconds kReapGrace(2000);

// The helper's output: one '1' (done) or '0' per call, a newline, and why
// libtirpc could not be used, if it could not.
std::string run_calls(const std::vector<rpc::Operation>& operations) {
  std::string problem;
  std::vector<bool> results = rpc::call_rpcbind(operations, problem);
  std::string out;
  for (bool ok : results) out += ok ? '1' : '0';
  out += '\n';
  return out + problem;
}

// Reads what the pipe has into `out`: 0 at its end, -1 with errno otherwise.
ssize_t read_available(int fd, std::string& out) {
  char buffer[512];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n > 0) {
      out.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n;
  }
}

std::string describe(const rpc::Binding& b) {
  return fmt::format("program {} version {} on {} {}", b.program, b.version, b.netid, b.address);
}

}  // namespace

RpcRegistrar::~RpcRegistrar() {
  stop_helper();
  for (auto* timer : {&sync_timer_, &deadline_, &watch_timer_}) {
    if (*timer) loop_.cancel(**timer);
    timer->reset();
  }
}

RpcRegistrar::SocketIdentity RpcRegistrar::rpcbind_socket() {
  struct stat st {};
  if (::stat(rpc::rpcbind_socket_path(), &st) != 0) return {};
  return {{st.st_dev, st.st_ino}, st.st_ctim.tv_sec * 1'000'000'000LL + st.st_ctim.tv_nsec};
}

void RpcRegistrar::want(const void* owner, std::vector<rpc::Binding> bindings) {
  if (bindings.empty()) return drop(owner);
  wanted_[owner] = std::move(bindings);
  schedule(milliseconds(0));
}

void RpcRegistrar::drop(const void* owner) {
  if (wanted_.erase(owner) != 0) schedule(milliseconds(0));
}

std::set<rpc::Binding> RpcRegistrar::wanted() const {
  std::set<rpc::Binding> all;
  for (const auto& [owner, bindings] : wanted_) all.insert(bindings.begin(), bindings.end());
  return all;
}

void RpcRegistrar::schedule(milliseconds delay) {
  Clock::time_point when = Clock::now() + delay;
  if (sync_timer_) {
    if ((*sync_timer_)->first <= when) return;
    loop_.cancel(*sync_timer_);
  }
  sync_timer_ = loop_.schedule(when, [this] {
    sync_timer_.reset();
    sync();
  });
}

void RpcRegistrar::sync() {
  if (helper_) return;  // finish() plans again
  rpc::Plan plan = rpc::plan_registration(registered_, wanted());
  if (plan.empty()) return;
  if (!watch_timer_)
    watch_timer_ = loop_.schedule(Clock::now() + kWatchEvery, [this] { look_at_rpcbind(); });
  seen_ = rpcbind_socket();
  in_flight_.clear();
  in_flight_.reserve(plan.unset.size() + plan.set.size());
  for (auto& b : plan.unset) in_flight_.push_back({false, std::move(b)});
  for (auto& b : plan.set) in_flight_.push_back({true, std::move(b)});
  const std::vector<rpc::Operation>& calls = in_flight_;
  auto helper = LoaderProcess::start_child("ninetd-rpcbind", [&calls] { return run_calls(calls); });
  int flags = helper ? fcntl(helper->output(), F_GETFL) : -1;
  if (!helper || flags < 0 || fcntl(helper->output(), F_SETFL, flags | O_NONBLOCK) < 0 ||
      !loop_.add(helper->output(), EPOLLIN, this)) {
    log::error("rpcbind: cannot start the registration helper: {}", std::strerror(errno));
    if (helper) {
      helper->kill();
      helper->reap(kReapGrace);
    }
    in_flight_.clear();
    schedule(rpc::retry_delay(++failures_));
    return;
  }
  helper_ = std::move(*helper);
  output_.clear();
  deadline_ = loop_.schedule(Clock::now() + kHelperDeadline, [this] {
    deadline_.reset();
    log::warning("rpcbind: no answer in {} s; the registration helper is stopped",
                 kHelperDeadline.count() / 1000);
    helper_->kill();
    finish(false);
  });
}

void RpcRegistrar::on_event(std::uint32_t) {
  if (!helper_) return;
  if (read_available(helper_->output(), output_) < 0 && errno == EAGAIN) return;
  finish(true);
}

void RpcRegistrar::finish(bool complete) {
  if (deadline_) loop_.cancel(*deadline_);
  deadline_.reset();
  loop_.remove(helper_->output());
  helper_.reset();  // reaped with every other child, on SIGCHLD
  std::vector<rpc::Operation> done = std::move(in_flight_);
  in_flight_.clear();
  std::string output = std::move(output_);
  output_.clear();
  record(done, complete ? output : std::string());
}

void RpcRegistrar::record(const std::vector<rpc::Operation>& done, const std::string& output) {
  std::size_t newline = output.find('\n');
  std::string results = output.substr(0, newline);
  std::string problem = newline == std::string::npos ? std::string() : output.substr(newline + 1);
  unsigned failed = 0;
  for (std::size_t i = 0; i < done.size(); ++i) {
    const rpc::Binding& b = done[i].binding;
    bool ok = i < results.size() && results[i] == '1';
    if (!done[i].set) {
      // Gone either way: unset, or rpcbind no longer has it to unset.
      registered_.erase(b);
      if (ok) log::notice("{}: unregistered from rpcbind: {}", b.service, describe(b));
      continue;
    }
    if (!ok) {
      ++failed;
      continue;
    }
    std::erase_if(registered_, [&](const rpc::Binding& r) { return r.same_slot(b); });
    registered_.insert(b);
    log::notice("{}: registered with rpcbind: {}", b.service, describe(b));
  }
  if (stopping_) return;
  if (failed == 0) {
    if (failures_ > 0)
      log::notice("rpcbind: registration done after {} failed attempt{}", failures_,
                  failures_ == 1 ? "" : "s");
    failures_ = 0;
    return schedule(milliseconds(0));  // anything that changed meanwhile
  }
  milliseconds delay = rpc::retry_delay(++failures_);
  // Once per series of failures: rpcbind may stay away for a long time.
  if (failures_ == 1)
    log::warning(
        "rpcbind: {} registration{} failed{}{} (is rpcbind running?); trying again in {} s, "
        "then at growing intervals up to 60 s, without logging each attempt",
        failed, failed == 1 ? "" : "s", problem.empty() ? "" : ": ", problem,
        std::chrono::duration_cast<std::chrono::seconds>(delay).count());
  schedule(delay);
}

void RpcRegistrar::look_at_rpcbind() {
  watch_timer_.reset();
  if (wanted_.empty() && registered_.empty() && !helper_) return;  // nothing to watch for
  watch_timer_ = loop_.schedule(Clock::now() + kWatchEvery, [this] { look_at_rpcbind(); });
  if (helper_ || rpcbind_socket() == seen_) return;
  // Another rpcbind than at the last attempt: a restarted one knows nothing
  // of the daemon's mappings, one that was missing can take them now.
  if (!registered_.empty())
    log::notice("rpcbind: its socket {} is a new one (rpcbind restarted?); registering again",
                rpc::rpcbind_socket_path());
  registered_.clear();
  failures_ = 0;
  schedule(milliseconds(0));
}

void RpcRegistrar::stop_helper() {
  if (!helper_) return;
  loop_.remove(helper_->output());
  helper_->kill();
  helper_->reap(kReapGrace);
  helper_.reset();
}

void RpcRegistrar::shut_down(milliseconds grace) {
  stopping_ = true;
  for (auto* timer : {&sync_timer_, &deadline_, &watch_timer_}) {
    if (*timer) loop_.cancel(**timer);
    timer->reset();
  }
  std::set<rpc::Binding> registered = std::move(registered_);
  // What a helper was setting when the stop came may be registered already.
  for (const auto& op : in_flight_)
    if (op.set) registered.insert(op.binding);
  stop_helper();
  in_flight_.clear();
  wanted_.clear();
  registered_.clear();
  if (registered.empty()) return;
  std::vector<rpc::Operation> calls;
  calls.reserve(registered.size());
  for (const auto& b : registered) calls.push_back({false, b});
  auto helper = LoaderProcess::start_child("ninetd-rpcbind", [&calls] { return run_calls(calls); });
  if (!helper) {
    log::error("rpcbind: cannot unregister: {}", std::strerror(helper.error().code));
    return;
  }
  int flags = fcntl(helper->output(), F_GETFL);
  if (flags >= 0) (void)fcntl(helper->output(), F_SETFL, flags | O_NONBLOCK);
  std::string output;
  Clock::time_point deadline = Clock::now() + grace;
  bool complete = false;
  while (!complete) {
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    pollfd readable{helper->output(), POLLIN, 0};
    if (::poll(&readable, 1, static_cast<int>(left.count())) > 0)
      complete = read_available(helper->output(), output) == 0 || errno != EAGAIN;
  }
  if (!complete) {
    log::warning("rpcbind: no answer in {} ms; mappings may stay registered", grace.count());
    helper->kill();
  }
  helper->reap(kReapGrace);
  record(calls, output);
}

}  // namespace ninetd::daemon
