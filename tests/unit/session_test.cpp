// builtins::Session, the in-loop state machine of echo, discard, chargen and
// the tcpmux request, over real socketpairs and a real EventLoop. The owner is
// a fake that records its calls and, like the supervisor's, detaches a session
// that ends and closes its descriptor; the test keeps the object alive.
// The loop is driven with short timeouts under an iteration guard; nothing is
// asserted on elapsed time.
#include "builtins/session.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "builtins/formats.h"

namespace ninetd::builtins {
namespace {

using loop::Clock;
using namespace std::string_literals;

class FakeOwner : public SessionOwner {
 public:
  explicit FakeOwner(loop::EventLoop& loop) : loop_(loop) {}
  loop::EventLoop& event_loop() override { return loop_; }
  // As Supervisor::end_session: out of the loop, and the client sees its end
  // of file now. The object itself stays with the test.
  void end_session(Session& session) override {
    ++end_calls;
    ended.push_back(&session);
    session.detach();
    session.take_fd().reset();
  }
  // As Supervisor::tcpmux_request, up to the point where it takes the
  // connection: kept here so the test can read what the session left in it.
  std::string metrics_text() override { return "ninetd_up 1\n"; }
  void tcpmux_request(Session& session, const std::string& name) override {
    requests.push_back(name);
    session.detach();
    handed_over = session.take_fd();
  }

  int end_calls = 0;
  std::vector<Session*> ended;
  std::vector<std::string> requests;
  sys::Fd handed_over;

 private:
  loop::EventLoop& loop_;
};

// Counts the events the loop hands the session, to tell a quiet loop from a
// spinning one without looking at a clock.
class CountingSession : public Session {
 public:
  using Session::Session;
  void on_event(std::uint32_t events) override {
    ++events_seen;
    Session::on_event(events);
  }
  int events_seen = 0;
};

void set_sndbuf(int fd, int bytes) {
  ASSERT_EQ(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof(bytes)), 0);
}

int sndbuf(int fd) {
  int bytes = 0;
  socklen_t length = sizeof(bytes);
  EXPECT_EQ(getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, &length), 0);
  return bytes;
}

// Bytes waiting in `fd`'s receive queue.
int unread(int fd) {
  int bytes = -1;
  EXPECT_EQ(ioctl(fd, FIONREAD, &bytes), 0);
  return bytes;
}

// Sends what the socket takes now; the count sent.
std::size_t send_some(int fd, const char* data, std::size_t size) {
  ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
  if (n < 0) {
    EXPECT_EQ(errno, EAGAIN) << "send: " << errno;
    return 0;
  }
  return static_cast<std::size_t>(n);
}

void send_all_now(int fd, const std::string& data) {
  ASSERT_EQ(send_some(fd, data.data(), data.size()), data.size());
}

// The test's end of the connection: what it read, and how reading ended.
struct Reader {
  // Reads what is there now, at most `limit` bytes.
  void read_available(int fd, std::size_t limit = SIZE_MAX) {
    char buffer[8192];
    while (limit > 0 && !eof && error == 0) {
      std::size_t room = limit < sizeof(buffer) ? limit : sizeof(buffer);
      ssize_t n = ::recv(fd, buffer, room, MSG_DONTWAIT);
      if (n == 0) {
        eof = true;
      } else if (n < 0) {
        if (errno != EAGAIN && errno != EINTR) error = errno;
        return;
      } else {
        data.append(buffer, static_cast<std::size_t>(n));
        limit -= static_cast<std::size_t>(n);
      }
    }
  }
  std::string data;
  bool eof = false;
  int error = 0;
};

std::string chargen_bytes(std::size_t lines) {
  std::string out(lines * kChargenLineLength, '\0');
  for (std::size_t i = 0; i < lines; ++i) chargen_line(i, out.data() + i * kChargenLineLength);
  return out;
}

std::string pattern(std::size_t size) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<char>((i * 7 + i / 251) & 0xff);
  return out;
}

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = loop::EventLoop::create();
    ASSERT_TRUE(created.has_value());
    loop_ = std::move(created.value());
    owner_ = std::make_unique<FakeOwner>(*loop_);
    int fds[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
    session_end_.reset(fds[0]);
    peer_.reset(fds[1]);
  }

  // Makes the session on the pair's other end and starts it.
  void start(config::Builtin kind) {
    session_ =
        std::make_unique<CountingSession>(kind, std::move(session_end_), "test/tcp", *owner_);
    ASSERT_TRUE(session_->start());
  }

  // One short batch of the loop, then `done`, at most `limit` times.
  bool drive(const std::function<bool()>& done, int limit = 2000) {
    for (int i = 0; i < limit; ++i) {
      if (done()) return true;
      loop_->run_once(5);
    }
    return done();
  }

  void drive_for(int batches) {
    for (int i = 0; i < batches; ++i) loop_->run_once(5);
  }

  bool ended() const { return owner_->end_calls > 0; }

  std::unique_ptr<loop::EventLoop> loop_;
  std::unique_ptr<FakeOwner> owner_;
  sys::Fd session_end_;  // until start() hands it to the session
  sys::Fd peer_;
  std::unique_ptr<CountingSession> session_;
};

using SessionEcho = SessionTest;
using SessionDiscard = SessionTest;
using SessionChargen = SessionTest;
using SessionTcpmux = SessionTest;
using SessionProgress = SessionTest;
using SessionHangup = SessionTest;

// --- echo ---

TEST_F(SessionEcho, BytesSentComeBackExactly) {
  ASSERT_NO_FATAL_FAILURE(start(config::Builtin::echo));
  std::string sent = "hello\0\xff\r\n world"s;
  ASSERT_NO_FATAL_FAILURE(send_all_now(peer_.get(), sent));
  Reader reader;
  ASSERT_TRUE(drive([&] {
    reader.read_available(peer_.get());
    return reader.data.size() >= sent.size();
  }));
  EXPECT_EQ(reader.data, sent);
  EXPECT_EQ(owner_->end_calls, 0);
}

// What the client sent before the session started is served by start() itself.
TEST_F(SessionEcho, BytesThereAtStartAreEchoedWithoutTheLoop) {
  ASSERT_NO_FATAL_FAILURE(send_all_now(peer_.get(), "early"));
  ASSERT_NO_FATAL_FAILURE(start(config::Builtin::echo));
  Reader reader;
  reader.read_available(peer_.get());
  EXPECT_EQ(reader.data, "early");
}

TEST_F(SessionEcho, APayloadLargerThanBothSocketBuffersComesBackWhole) {
  ASSERT_NO_FATAL_FAILURE(start(config::Builtin::echo));
  std::size_t buffers = static_cast<std::size_t>(sndbuf(peer_.get())) +
                        static_cast<std::size_t>(sndbuf(session_->fd()));
  std::string payload = pattern(4 * buffers + 12345);
  std::size_t written = 0;
  Reader reader;
  ASSERT_TRUE(drive(
      [&] {
        written += send_some(peer_.get(), payload.data() + written, payload.size() - written);
        reader.read_available(peer_.get());
        return reader.data.size() >= payload.size();
      },
      20000));
  EXPECT_EQ(written, payload.size());
  EXPECT_TRUE(reader.data == payload) << "echoed " << reader.data.size() << " bytes";
  EXPECT_EQ(owner_->end_calls, 0);
}

// RFC 862 echoes everything: after the client's SHUT_WR the session still
// writes all it holds (a small send buffer and a slow reader make it hold some)
// and only then closes.
TEST_F(SessionEcho, AfterTheClientsShutdownEverythingHeldIsWrittenThenTheSessionEnds) {
  ASSERT_NO_FATAL_FAILURE(set_sndbuf(session_end_.get(), 4096));
  ASSERT_NO_FATAL_FAILURE(start(config::Builtin::echo));
  std::string payload = pattern(64 * 1024);
  std::size_t written = 0;
  ASSERT_TRUE(drive([&] {
    written += send_some(peer_.get(), payload.data() + written, payload.size() - written);
    return written == payload.size();
  }));
  drive_for(3);
  // The peer has read nothing: what its queue lacks, the session holds.
  ASSERT_LT(static_cast<std::size_t>(unread(peer_.get())), payload.size());
  ASSERT_EQ(shutdown(peer_.get(), SHUT_WR), 0);
  drive_for(3);
  EXPECT_EQ(owner_->end_calls, 0);
  Reader reader;
  ASSERT_TRUE(drive(
      [&] {
        reader.read_available(peer_.get(), 1000);  // slowly
        return reader.eof || reader.error != 0;
      },
      10000));
  EXPECT_EQ(reader.error, 0);
  EXPECT_EQ(reader.data.size(), payload.size());
  EXPECT_TRUE(reader.data == payload);
  drive_for(3);
  EXPECT_EQ(owner_->end_calls, 1);
}

// A client that sends without reading meets the kernel's buffers, not the
// daemon's memory: echo reads no more while its backlog waits, so what the peer
// can send is bounded by both socket buffers and kSessionBufferCap.
TEST_F(SessionEcho, APeerThatNeverReadsCanOnlyFillTheBuffers) {
  ASSERT_NO_FATAL_FAILURE(set_sndbuf(session_end_.get(), 4096));
  ASSERT_NO_FATAL_FAILURE(set_sndbuf(peer_.get(), 4096));
  ASSERT_NO_FATAL_FAILURE(start(config::Builtin::echo));
  // A unix stream socket queues at most its (doubled) SO_SNDBUF plus one
  // message of half that; twice each is a generous bound.
  std::size_t bound = kSessionBufferCap + 2 * static_cast<std::size_t>(sndbuf(peer_.get())) +
                      2 * static_cast<std::size_t>(sndbuf(session_->fd()));
  std::string payload = pattern(1024 * 1024);
  std::size_t written = 0;
  int quiet = 0;  // batches in a row the peer could send nothing
  ASSERT_TRUE(drive([&] {
    std::size_t n = send_some(peer_.get(), payload.data() + written,
                              std::min<std::size_t>(1024, payload.size() - written));
    written += n;
    quiet = n == 0 ? quiet + 1 : 0;
    return quiet >= 20 || written == payload.size();
  }));
  EXPECT_LE(written, bound);
  RecordProperty("sent_before_blocking", static_cast<int>(written));
  RecordProperty("bound", static_cast<int>(bound));
  EXPECT_GT(unread(peer_.get()), 0) << "echo never read";
  std::size_t blocked_at = written;
  drive_for(20);
  EXPECT_EQ(send_some(peer_.get(), payload.data() + written, 1024), 0u);
  EXPECT_EQ(owner_->end_calls, 0);
  // Once the peer reads, the backlog moves again, byte for byte.
  Reader reader;
  ASSERT_TRUE(drive([&] {
    reader.read_available(peer_.get());
    return reader.data.size() >= blocked_at;
  }));
  EXPECT_EQ(reader.data.size(), blocked_at);
  EXPECT_TRUE(reader.data == payload.substr(0, blocked_at));
}

// --- discard ---

TEST_F(SessionDiscard, ReadsAndDropsEverythingNeverWritesAndEndsAtEof) {
  ASSERT_NO_FATAL_FAILURE(start(config::Builtin::discard));
  std::string payload = pattern(100 * 1024);
  std::size_t written = 0;
  Reader reader;
  ASSERT_TRUE(drive([&] {
    written += send_some(peer_.get(), payload.data() + written, payload.size() - written);
    reader.read_available(peer_.get());
    return written == payload.size() && unread(session_->fd()) == 0;
  }));
  EXPECT_TRUE(reader.data.empty());
  EXPECT_EQ(owner_->end_calls, 0);
  ASSERT_EQ(shutdown(peer_.get(), SHUT_WR), 0);
  ASSERT_TRUE(drive([&] { return ended(); }));
  reader.read_available(peer_.get());
  EXPECT_TRUE(reader.eof);
  EXPECT_EQ(reader.error, 0);
  EXPECT_TRUE(reader.data.empty());
  drive_for(3);
  EXPECT_EQ(owner_->end_calls, 1);
}

// --- chargen ---

TEST_F(SessionChargen, SendsTheRfc864PatternAndKeepsWritingAsThePeerReads) {
  // A small buffer: the whole stream below can only arrive if the session
  // writes again each time the peer has read.
  ASSERT_NO_FATAL_FAILURE(set_sndbuf(session_end_.get(), 4096));
  ASSERT_NO_FATAL_FAILURE(start(config::Builtin::chargen));
  std::string expected = chargen_bytes(1000);  // more than 10 rings of 95 lines
  Reader reader;
  ASSERT_TRUE(drive(
      [&] {
        reader.read_available(peer_.get(), 2000);
        return reader.data.size() >= expected.size();
      },
      10000));
  ASSERT_GE(reader.data.size(), expected.size());
  EXPECT_EQ(reader.data.substr(0, kChargenLineLength), expected.substr(0, kChargenLineLength));
  EXPECT_TRUE(reader.data.substr(0, expected.size()) == expected);
  EXPECT_EQ(owner_->end_calls, 0);
}

TEST_F(SessionChargen, DropsWhatThePeerSends) {
  ASSERT_NO_FATAL_FAILURE(start(config::Builtin::chargen));
  ASSERT_NO_FATAL_FAILURE(send_all_now(peer_.get(), "ignored"));
  Reader reader;
  ASSERT_TRUE(drive([&] {
    reader.read_available(peer_.get());
    return unread(session_->fd()) == 0;
  }));
  EXPECT_EQ(owner_->end_calls, 0);
}

// A peer that stops reading leaves chargen with bytes it cannot write; what the
// peer sends then must not make the loop spin.
// (It did: on_readable skipped reading whenever bytes were pending, for every
// kind, while chargen kept EPOLLIN.)
TEST_F(SessionChargen, InputWhileBlockedOnWritingDoesNotSpinTheLoop) {
  ASSERT_NO_FATAL_FAILURE(set_sndbuf(session_end_.get(), 4096));
  ASSERT_NO_FATAL_FAILURE(start(config::Builtin::chargen));
  // Until the session's buffer is full and it hears of nothing more.
  int before = -1;
  ASSERT_TRUE(drive([&] {
    bool still = session_->events_seen == before;
    before = session_->events_seen;
    return still;
  }));
  ASSERT_GT(unread(peer_.get()), 0);
  ASSERT_NO_FATAL_FAILURE(send_all_now(peer_.get(), "x"));
  int at_input = session_->events_seen;
  drive_for(20);
  EXPECT_LE(session_->events_seen - at_input, 2) << "events for one byte of input";
  EXPECT_EQ(owner_->end_calls, 0);
}

// --- tcpmux ---

TEST_F(SessionTcpmux, ASplitRequestIsHandedOverOnceAndLeavesTheRestUnread) {
  ASSERT_NO_FATAL_FAILURE(start(config::Builtin::tcpmux));
  for (const char* part : {"gr", "ee", "t\r"}) {
    ASSERT_NO_FATAL_FAILURE(send_all_now(peer_.get(), part));
    ASSERT_TRUE(drive([&] { return unread(session_->fd()) == 0; }));
    EXPECT_TRUE(owner_->requests.empty());
  }
  ASSERT_NO_FATAL_FAILURE(send_all_now(peer_.get(), "\nUSER x\r\n"));
  ASSERT_TRUE(drive([&] { return !owner_->requests.empty(); }));
  drive_for(3);
  ASSERT_EQ(owner_->requests, std::vector<std::string>{"greet"});
  EXPECT_EQ(owner_->end_calls, 0);
  ASSERT_TRUE(owner_->handed_over.valid());
  Reader rest;
  rest.read_available(owner_->handed_over.get());
  EXPECT_EQ(rest.data, "USER x\r\n");
  Reader reply;
  reply.read_available(peer_.get());
  EXPECT_EQ(reply.data, "");  // the reply is the owner's to give
}

TEST_F(SessionTcpmux, ARequestThereAtStartIsHandedOverByStart) {
  ASSERT_NO_FATAL_FAILURE(send_all_now(peer_.get(), "help\r\n+"));
  ASSERT_NO_FATAL_FAILURE(start(config::Builtin::tcpmux));
  ASSERT_EQ(owner_->requests, std::vector<std::string>{"help"});
  Reader rest;
  rest.read_available(owner_->handed_over.get());
  EXPECT_EQ(rest.data, "+");
}

TEST_F(SessionTcpmux, ATooLongRequestIsRefusedAndTheSessionEnds) {
  ASSERT_NO_FATAL_FAILURE(start(config::Builtin::tcpmux));
  // All of it without a line end, in two writes.
  std::string name(kTcpmuxMaxRequest, 'a');
  ASSERT_NO_FATAL_FAILURE(send_all_now(peer_.get(), name.substr(0, 200)));
  ASSERT_TRUE(drive([&] { return unread(session_->fd()) == 0; }));
  EXPECT_FALSE(ended());
  ASSERT_NO_FATAL_FAILURE(send_all_now(peer_.get(), name.substr(200)));
  ASSERT_TRUE(drive([&] { return ended(); }));
  Reader reply;
  reply.read_available(peer_.get());
  EXPECT_EQ(reply.data, "-Request too long\r\n");
  EXPECT_TRUE(reply.eof);
  EXPECT_EQ(reply.error, 0);
  drive_for(3);
  EXPECT_EQ(owner_->end_calls, 1);
  EXPECT_TRUE(owner_->requests.empty());
}

TEST_F(SessionTcpmux, AControlByteIsRefusedAsABadServiceName) {
  ASSERT_NO_FATAL_FAILURE(start(config::Builtin::tcpmux));
  ASSERT_NO_FATAL_FAILURE(send_all_now(peer_.get(), "gr\x1b[2Jeet\r\n"));
  ASSERT_TRUE(drive([&] { return ended(); }));
  Reader reply;
  reply.read_available(peer_.get());
  EXPECT_EQ(reply.data, "-Bad service name\r\n");
  EXPECT_TRUE(reply.eof);
  drive_for(3);
  EXPECT_EQ(owner_->end_calls, 1);
  EXPECT_TRUE(owner_->requests.empty());
}

// --- progress ---

// Waits (without sleeping) until the steady clock has moved past `t`, so that a
// later time point read from it is strictly after `t`.
Clock::time_point after(Clock::time_point t) {
  Clock::time_point now = Clock::now();
  for (int i = 0; i < 1000000 && now <= t; ++i) now = Clock::now();
  return now;
}

TEST_F(SessionProgress, LastActivityMovesOnlyAfterKProgressBytes) {
  ASSERT_NO_FATAL_FAILURE(start(config::Builtin::discard));
  Clock::time_point at_start = session_->last_activity();
  for (int i = 0; i < 10; ++i) {
    ASSERT_NO_FATAL_FAILURE(send_all_now(peer_.get(), "."));
    ASSERT_TRUE(drive([&] { return unread(session_->fd()) == 0; }));
  }
  EXPECT_EQ(session_->last_activity(), at_start) << "10 bytes counted as progress";
  Clock::time_point before = after(at_start);
  ASSERT_GT(before, at_start);
  ASSERT_NO_FATAL_FAILURE(send_all_now(peer_.get(), std::string(300, '.')));
  ASSERT_TRUE(drive([&] { return unread(session_->fd()) == 0; }));
  EXPECT_GE(session_->last_activity(), before);
}

// Echo counts the bytes both ways: 128 in and 128 out are 256 moved.
TEST_F(SessionProgress, EchoCountsBothDirections) {
  ASSERT_NO_FATAL_FAILURE(start(config::Builtin::echo));
  Clock::time_point at_start = session_->last_activity();
  Clock::time_point before = after(at_start);
  ASSERT_GT(before, at_start);
  std::string sent(kProgressBytes / 2, 'e');
  ASSERT_NO_FATAL_FAILURE(send_all_now(peer_.get(), sent));
  Reader reader;
  ASSERT_TRUE(drive([&] {
    reader.read_available(peer_.get());
    return reader.data.size() >= sent.size();
  }));
  EXPECT_EQ(reader.data, sent);
  EXPECT_GE(session_->last_activity(), before);
}

// --- hang-ups and resets ---

TEST_F(SessionHangup, APeerThatClosesEndsAnEchoSessionOnce) {
  ASSERT_NO_FATAL_FAILURE(start(config::Builtin::echo));
  peer_.reset();
  ASSERT_TRUE(drive([&] { return ended(); }));
  drive_for(5);
  EXPECT_EQ(owner_->end_calls, 1);
}

TEST_F(SessionHangup, AFullShutdownEndsADiscardSessionOnce) {
  ASSERT_NO_FATAL_FAILURE(start(config::Builtin::discard));
  ASSERT_EQ(shutdown(peer_.get(), SHUT_RDWR), 0);
  ASSERT_TRUE(drive([&] { return ended(); }));
  drive_for(5);
  EXPECT_EQ(owner_->end_calls, 1);
}

TEST_F(SessionHangup, APeerThatClosesMidRequestEndsATcpmuxSessionOnce) {
  ASSERT_NO_FATAL_FAILURE(start(config::Builtin::tcpmux));
  ASSERT_NO_FATAL_FAILURE(send_all_now(peer_.get(), "gre"));
  ASSERT_TRUE(drive([&] { return unread(session_->fd()) == 0; }));
  peer_.reset();
  ASSERT_TRUE(drive([&] { return ended(); }));
  drive_for(5);
  EXPECT_EQ(owner_->end_calls, 1);
  EXPECT_TRUE(owner_->requests.empty());
}

// Closed with chargen's bytes unread, the peer resets the connection
// (ECONNRESET on the session's side, as a TCP RST would).
TEST_F(SessionHangup, AResetWhileChargenWritesEndsTheSessionOnce) {
  ASSERT_NO_FATAL_FAILURE(set_sndbuf(session_end_.get(), 4096));
  ASSERT_NO_FATAL_FAILURE(start(config::Builtin::chargen));
  ASSERT_TRUE(drive([&] { return unread(peer_.get()) > 0; }));
  drive_for(3);
  peer_.reset();
  ASSERT_TRUE(drive([&] { return ended(); }));
  drive_for(5);
  EXPECT_EQ(owner_->end_calls, 1);
}

// Echo holding a backlog (interest in EPOLLOUT only) still hears the reset.
TEST_F(SessionHangup, AResetWhileEchoHoldsABacklogEndsTheSessionOnce) {
  ASSERT_NO_FATAL_FAILURE(set_sndbuf(session_end_.get(), 4096));
  ASSERT_NO_FATAL_FAILURE(start(config::Builtin::echo));
  std::string payload = pattern(64 * 1024);
  std::size_t written = 0;
  int before = -1;
  ASSERT_TRUE(drive([&] {
    written += send_some(peer_.get(), payload.data() + written, payload.size() - written);
    bool still = session_->events_seen == before;  // the session's buffer is full
    before = session_->events_seen;
    return still && written == payload.size();
  }));
  ASSERT_GT(unread(peer_.get()), 0);
  ASSERT_LT(static_cast<std::size_t>(unread(peer_.get())), payload.size());
  peer_.reset();
  ASSERT_TRUE(drive([&] { return ended(); }));
  drive_for(5);
  EXPECT_EQ(owner_->end_calls, 1);
}

}  // namespace
}  // namespace ninetd::builtins
