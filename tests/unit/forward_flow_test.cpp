// The forwarder's pure bookkeeping: which events each socket waits for as the
// buffers fill and the ends of file arrive, and when the pair is done.
#include <gtest/gtest.h>
#include <sys/epoll.h>

#include "forward/flow.h"

namespace ninetd::forward {
namespace {

TEST(ForwardFlow, ATargetConnectingWaitsForWritableOnly) {
  Direction up, down;
  EXPECT_EQ(socket_interest(down, up, false), static_cast<std::uint32_t>(EPOLLOUT));
  up.held = 100;  // what the client sent meanwhile
  EXPECT_EQ(socket_interest(down, up, false), static_cast<std::uint32_t>(EPOLLOUT));
  // The client is read until its direction holds something.
  EXPECT_EQ(socket_interest(up, down, true), 0u);
}

TEST(ForwardFlow, ASideIsReadOnlyWhileItsDirectionHoldsNothing) {
  Direction up, down;
  EXPECT_EQ(socket_interest(up, down, true), static_cast<std::uint32_t>(EPOLLIN));
  up.held = 1;  // backpressure: the target has not taken it all
  EXPECT_EQ(socket_interest(up, down, true), 0u);
  EXPECT_EQ(socket_interest(down, up, true), static_cast<std::uint32_t>(EPOLLIN | EPOLLOUT));
}

TEST(ForwardFlow, AnEndOfFileBecomesAShutdownOnceTheBufferIsEmpty) {
  Direction up;
  up.source_ended = true;
  up.held = 10;
  EXPECT_FALSE(up.needs_shutdown());
  EXPECT_FALSE(up.wants_read());
  up.held = 0;
  EXPECT_TRUE(up.needs_shutdown());
  up.sink_shut = true;
  EXPECT_FALSE(up.needs_shutdown());
  EXPECT_TRUE(up.done());
}

TEST(ForwardFlow, AHalfClosedPairGoesOnTheOtherWay) {
  Direction up, down;
  up.source_ended = up.sink_shut = true;
  EXPECT_FALSE(finished(up, down));
  // The client has stopped sending, still reads the answer.
  EXPECT_EQ(socket_interest(up, down, true), 0u);
  down.held = 5;
  EXPECT_EQ(socket_interest(up, down, true), static_cast<std::uint32_t>(EPOLLOUT));
  EXPECT_EQ(socket_interest(down, up, true), 0u);
  down.held = 0;
  down.source_ended = down.sink_shut = true;
  EXPECT_TRUE(finished(up, down));
  EXPECT_EQ(socket_interest(up, down, true), 0u);
}

}  // namespace
}  // namespace ninetd::forward
