// EventLoop: readiness dispatched to handlers by fd, a timer queue on one
// timerfd, and retire() for objects that may go away mid-batch. Tests wait
// with short timeouts but never assert on elapsed time.
#include "loop/event_loop.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ninetd::loop {
namespace {

using std::chrono::milliseconds;

std::unique_ptr<EventLoop> make_loop() {
  auto created = EventLoop::create();
  EXPECT_TRUE(created.has_value());
  return std::move(created.value());
}

// Runs batches until `done` says so, or gives up after many.
bool run_until(EventLoop& loop, const std::function<bool()>& done) {
  for (int i = 0; i < 500 && !done(); ++i) loop.run_once(50);
  return done();
}

struct CountingHandler : EventHandler {
  void on_event(std::uint32_t events) override {
    ++calls;
    last_events = events;
  }
  int calls = 0;
  std::uint32_t last_events = 0;
};

struct Pipe {
  Pipe() {
    int fds[2];
    EXPECT_EQ(pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
    read_end.reset(fds[0]);
    write_end.reset(fds[1]);
  }
  sys::Fd read_end;
  sys::Fd write_end;
};

sys::Fd make_eventfd() {
  return sys::Fd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
}

void signal_eventfd(int fd) {
  std::uint64_t one = 1;
  ASSERT_EQ(write(fd, &one, sizeof(one)), static_cast<ssize_t>(sizeof(one)));
}

TEST(EventLoop, Creates) {
  auto created = EventLoop::create();
  ASSERT_TRUE(created.has_value());
}

TEST(EventLoop, RunOnceReturnsAfterTheTimeoutWhenNothingHappens) {
  auto loop = make_loop();
  loop->run_once(10);
  SUCCEED();
}

// --- timers ---

TEST(EventLoopTimers, FireInTimeOrderNotScheduleOrder) {
  auto loop = make_loop();
  std::vector<std::string> fired;
  auto now = Clock::now();
  loop->schedule(now + milliseconds(30), [&] { fired.push_back("third"); });
  loop->schedule(now + milliseconds(10), [&] { fired.push_back("first"); });
  loop->schedule(now + milliseconds(20), [&] { fired.push_back("second"); });
  ASSERT_TRUE(run_until(*loop, [&] { return fired.size() == 3; }));
  EXPECT_EQ(fired, (std::vector<std::string>{"first", "second", "third"}));
}

TEST(EventLoopTimers, TimersDueTogetherFireInScheduleOrder) {
  auto loop = make_loop();
  std::vector<int> fired;
  auto when = Clock::now() + milliseconds(10);
  for (int i = 0; i < 5; ++i) loop->schedule(when, [&fired, i] { fired.push_back(i); });
  ASSERT_TRUE(run_until(*loop, [&] { return fired.size() == 5; }));
  EXPECT_EQ(fired, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(EventLoopTimers, ATimerFiresOnlyOnce) {
  auto loop = make_loop();
  int first = 0;
  bool sentinel = false;
  auto now = Clock::now();
  loop->schedule(now + milliseconds(10), [&] { ++first; });
  loop->schedule(now + milliseconds(40), [&] { sentinel = true; });
  ASSERT_TRUE(run_until(*loop, [&] { return sentinel; }));
  EXPECT_EQ(first, 1);
}

TEST(EventLoopTimers, ATimerInThePastFiresOnTheNextBatch) {
  auto loop = make_loop();
  bool fired = false;
  loop->schedule(Clock::now() - milliseconds(100), [&] { fired = true; });
  EXPECT_TRUE(run_until(*loop, [&] { return fired; }));
}

TEST(EventLoopTimers, CancelledTimerNeverFires) {
  auto loop = make_loop();
  bool cancelled_fired = false;
  bool sentinel = false;
  auto now = Clock::now();
  auto id = loop->schedule(now + milliseconds(10), [&] { cancelled_fired = true; });
  loop->schedule(now + milliseconds(40), [&] { sentinel = true; });
  loop->cancel(id);
  ASSERT_TRUE(run_until(*loop, [&] { return sentinel; }));
  EXPECT_FALSE(cancelled_fired);
}

TEST(EventLoopTimers, CancellingTheOnlyTimerLeavesALoopThatStillWorks) {
  auto loop = make_loop();
  bool cancelled_fired = false;
  auto id = loop->schedule(Clock::now() + milliseconds(10), [&] { cancelled_fired = true; });
  loop->cancel(id);
  for (int i = 0; i < 3; ++i) loop->run_once(20);
  EXPECT_FALSE(cancelled_fired);
  bool later = false;
  loop->schedule(Clock::now() + milliseconds(10), [&] { later = true; });
  EXPECT_TRUE(run_until(*loop, [&] { return later; }));
  EXPECT_FALSE(cancelled_fired);
}

TEST(EventLoopTimers, CancellingNoTimerIsHarmless) {
  auto loop = make_loop();
  loop->cancel(loop->no_timer());
  bool fired = false;
  loop->schedule(Clock::now() + milliseconds(10), [&] { fired = true; });
  loop->cancel(loop->no_timer());
  EXPECT_TRUE(run_until(*loop, [&] { return fired; }));
}

TEST(EventLoopTimers, ACallbackMayScheduleAnotherTimer) {
  auto loop = make_loop();
  std::vector<std::string> fired;
  loop->schedule(Clock::now() + milliseconds(10), [&] {
    fired.push_back("outer");
    loop->schedule(Clock::now() + milliseconds(10), [&] { fired.push_back("inner"); });
  });
  ASSERT_TRUE(run_until(*loop, [&] { return fired.size() == 2; }));
  EXPECT_EQ(fired, (std::vector<std::string>{"outer", "inner"}));
}

TEST(EventLoopTimers, ACallbackMayCancelALaterTimer) {
  auto loop = make_loop();
  bool victim_fired = false;
  bool sentinel = false;
  auto now = Clock::now();
  auto victim = loop->schedule(now + milliseconds(30), [&] { victim_fired = true; });
  loop->schedule(now + milliseconds(10), [&] { loop->cancel(victim); });
  loop->schedule(now + milliseconds(50), [&] { sentinel = true; });
  ASSERT_TRUE(run_until(*loop, [&] { return sentinel; }));
  EXPECT_FALSE(victim_fired);
}

TEST(EventLoopTimers, AnEarlierTimerScheduledLaterStillFiresFirst) {
  auto loop = make_loop();
  std::vector<std::string> fired;
  auto now = Clock::now();
  loop->schedule(now + milliseconds(50), [&] { fired.push_back("late"); });
  loop->run_once(0);
  loop->schedule(now + milliseconds(10), [&] { fired.push_back("early"); });
  ASSERT_TRUE(run_until(*loop, [&] { return fired.size() == 2; }));
  EXPECT_EQ(fired, (std::vector<std::string>{"early", "late"}));
}

// --- readiness ---

TEST(EventLoopReadiness, PipeHandlerSeesReadable) {
  auto loop = make_loop();
  Pipe p;
  CountingHandler handler;
  ASSERT_TRUE(loop->add(p.read_end.get(), EPOLLIN, &handler).has_value());
  loop->run_once(0);
  EXPECT_EQ(handler.calls, 0);
  ASSERT_EQ(write(p.write_end.get(), "x", 1), 1);
  ASSERT_TRUE(run_until(*loop, [&] { return handler.calls > 0; }));
  EXPECT_TRUE(handler.last_events & EPOLLIN);
}

TEST(EventLoopReadiness, PipeHandlerSeesHangupWhenTheWriterCloses) {
  auto loop = make_loop();
  Pipe p;
  CountingHandler handler;
  ASSERT_TRUE(loop->add(p.read_end.get(), EPOLLIN, &handler).has_value());
  p.write_end.reset();
  ASSERT_TRUE(run_until(*loop, [&] { return handler.calls > 0; }));
  EXPECT_TRUE(handler.last_events & EPOLLHUP);
}

TEST(EventLoopReadiness, EventfdHandlerSeesReadable) {
  auto loop = make_loop();
  sys::Fd efd = make_eventfd();
  ASSERT_TRUE(efd.valid());
  CountingHandler handler;
  ASSERT_TRUE(loop->add(efd.get(), EPOLLIN, &handler).has_value());
  signal_eventfd(efd.get());
  ASSERT_TRUE(run_until(*loop, [&] { return handler.calls > 0; }));
  EXPECT_TRUE(handler.last_events & EPOLLIN);
}

TEST(EventLoopReadiness, EachHandlerGetsItsOwnFd) {
  auto loop = make_loop();
  sys::Fd a = make_eventfd();
  sys::Fd b = make_eventfd();
  CountingHandler on_a;
  CountingHandler on_b;
  ASSERT_TRUE(loop->add(a.get(), EPOLLIN, &on_a).has_value());
  ASSERT_TRUE(loop->add(b.get(), EPOLLIN, &on_b).has_value());
  signal_eventfd(b.get());
  ASSERT_TRUE(run_until(*loop, [&] { return on_b.calls > 0; }));
  EXPECT_EQ(on_a.calls, 0);
}

TEST(EventLoopReadiness, AddingAnFdTwiceFails) {
  auto loop = make_loop();
  sys::Fd efd = make_eventfd();
  CountingHandler handler;
  ASSERT_TRUE(loop->add(efd.get(), EPOLLIN, &handler).has_value());
  auto again = loop->add(efd.get(), EPOLLIN, &handler);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, EEXIST);
  EXPECT_STREQ(again.error().call, "epoll_ctl");
}

TEST(EventLoopReadiness, RemovedFdIsNoLongerDispatched) {
  auto loop = make_loop();
  sys::Fd efd = make_eventfd();
  CountingHandler handler;
  ASSERT_TRUE(loop->add(efd.get(), EPOLLIN, &handler).has_value());
  loop->remove(efd.get());
  signal_eventfd(efd.get());
  for (int i = 0; i < 3; ++i) loop->run_once(10);
  EXPECT_EQ(handler.calls, 0);
}

TEST(EventLoopReadiness, ModifyCanSwitchTheHandler) {
  auto loop = make_loop();
  sys::Fd efd = make_eventfd();
  CountingHandler before;
  CountingHandler after;
  ASSERT_TRUE(loop->add(efd.get(), EPOLLIN, &before).has_value());
  ASSERT_TRUE(loop->modify(efd.get(), EPOLLIN, &after).has_value());
  signal_eventfd(efd.get());
  ASSERT_TRUE(run_until(*loop, [&] { return after.calls > 0; }));
  EXPECT_EQ(before.calls, 0);
}

TEST(EventLoopReadiness, ModifyOfAnUnknownFdFails) {
  auto loop = make_loop();
  sys::Fd efd = make_eventfd();
  CountingHandler handler;
  auto modified = loop->modify(efd.get(), EPOLLIN, &handler);
  ASSERT_FALSE(modified.has_value());
  EXPECT_EQ(modified.error().code, ENOENT);
}

// --- retire ---

// Reads its eventfd; on an event may retire an object and records whether it
// was itself still alive when called.
struct RetiringHandler : EventHandler {
  RetiringHandler(EventLoop& loop, int fd, bool& destroyed)
      : loop_(loop), fd_(fd), destroyed_(destroyed) {}
  ~RetiringHandler() override { destroyed_ = true; }
  void on_event(std::uint32_t) override {
    ++calls;
    if (log != nullptr) log->push_back(destroyed_ ? "called after free" : "called alive");
    std::uint64_t value = 0;
    [[maybe_unused]] ssize_t n = read(fd_, &value, sizeof(value));
    if (victim) {
      loop_.remove(victim_fd);
      loop_.retire(std::move(victim));
    }
  }
  EventLoop& loop_;
  int fd_;
  bool& destroyed_;
  int calls = 0;
  std::vector<std::string>* log = nullptr;
  std::unique_ptr<EventHandler> victim;
  int victim_fd = -1;
};

TEST(EventLoopRetire, ARetiredObjectIsFreedAfterTheBatch) {
  auto loop = make_loop();
  bool destroyed = false;
  sys::Fd efd = make_eventfd();
  auto object = std::make_unique<RetiringHandler>(*loop, efd.get(), destroyed);
  loop->retire(std::move(object));
  EXPECT_FALSE(destroyed);
  loop->run_once(0);
  EXPECT_TRUE(destroyed);
}

// Two handlers are ready in one batch; whichever runs first retires the other.
// The other must still be alive (and may still be called) until the batch ends.
TEST(EventLoopRetire, ARetiredObjectOutlivesTheBatchThatRetiredIt) {
  auto loop = make_loop();
  sys::Fd fd_a = make_eventfd();
  sys::Fd fd_b = make_eventfd();
  bool a_destroyed = false;
  bool b_destroyed = false;
  auto a = std::make_unique<RetiringHandler>(*loop, fd_a.get(), a_destroyed);
  auto b = std::make_unique<RetiringHandler>(*loop, fd_b.get(), b_destroyed);
  RetiringHandler* raw_a = a.get();
  RetiringHandler* raw_b = b.get();
  ASSERT_TRUE(loop->add(fd_a.get(), EPOLLIN, raw_a).has_value());
  ASSERT_TRUE(loop->add(fd_b.get(), EPOLLIN, raw_b).has_value());
  std::vector<std::string> log;
  raw_a->log = &log;
  raw_b->log = &log;
  raw_a->victim = std::move(b);
  raw_a->victim_fd = fd_b.get();
  raw_b->victim = std::move(a);
  raw_b->victim_fd = fd_a.get();
  signal_eventfd(fd_a.get());
  signal_eventfd(fd_b.get());

  loop->run_once(1000);
  // The second one called had been retired by the first, yet was still alive.
  EXPECT_EQ(log, (std::vector<std::string>{"called alive", "called alive"}));
  EXPECT_TRUE(a_destroyed);
  EXPECT_TRUE(b_destroyed);
}

TEST(EventLoopRetire, AnObjectMayRetireItselfFromItsOwnHandler) {
  auto loop = make_loop();
  sys::Fd efd = make_eventfd();
  bool destroyed = false;
  bool alive_after_retire = false;

  struct SelfRetiring : EventHandler {
    SelfRetiring(EventLoop& loop, bool& destroyed, bool& alive_after)
        : loop_(loop), destroyed_(destroyed), alive_after_(alive_after) {}
    ~SelfRetiring() override { destroyed_ = true; }
    void on_event(std::uint32_t) override {
      loop_.retire(std::move(self));
      alive_after_ = !destroyed_ && marker_ == 0x5eed;
    }
    EventLoop& loop_;
    bool& destroyed_;
    bool& alive_after_;
    int marker_ = 0x5eed;
    std::unique_ptr<EventHandler> self;
  };

  auto object = std::make_unique<SelfRetiring>(*loop, destroyed, alive_after_retire);
  SelfRetiring* raw = object.get();
  raw->self = std::move(object);
  ASSERT_TRUE(loop->add(efd.get(), EPOLLIN, raw).has_value());
  signal_eventfd(efd.get());
  ASSERT_TRUE(run_until(*loop, [&] { return destroyed; }));
  EXPECT_TRUE(alive_after_retire);
}

}  // namespace
}  // namespace ninetd::loop
