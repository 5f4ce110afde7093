// ServiceListener's state machine over a real socket and event loop: what it
// watches and why not, with a fake owner that records what it is handed.
#include "daemon/service_listener.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "daemon/running_service.h"

namespace ninetd::daemon {
namespace {

class FakeOwner final : public ListenerOwner {
 public:
  explicit FakeOwner(loop::EventLoop& loop) : loop_(loop) {}
  loop::EventLoop& event_loop() override { return loop_; }
  void serve_connection(RunningService&, sys::Fd connection, const net::SocketAddress&,
                        Client client) override {
    served.push_back(std::move(client));
    connections.push_back(std::move(connection));
  }
  // As the supervisor does for a wait service: a server takes the socket.
  void hand_over_socket(RunningService& service) override {
    ++handed_over;
    service.listener.hold_for_server(4242);
  }
  void answer_datagrams(RunningService&) override {}
  std::size_t sessions_open() const override { return 0; }
  std::size_t sessions_max() const override { return 1; }
  bool allow_repeated(const RunningService&, std::string_view) override { return true; }
  void rpc_bound(const RunningService&, const net::SocketAddress& bound) override {
    rpc_addresses.push_back(bound);
  }
  void rpc_closed(const RunningService&) override { ++rpc_closes; }
  void log_fail(const RunningService&, const net::SocketAddress& peer,
                std::string_view reason) override {
    fails.push_back(fmt::format("{} {}", reason, peer.unmapped().ip()));
  }
  PolicyInputs policy_inputs(const services::ConnectionPolicy&) override {
    ++policy_asks;
    return inputs;
  }

  PolicyInputs inputs;
  int policy_asks = 0;
  std::vector<net::SocketAddress> rpc_addresses;
  std::vector<std::string> fails;  // "reason address" per log_fail
  int rpc_closes = 0;
  std::vector<Client> served;
  std::vector<sys::Fd> connections;
  int handed_over = 0;

 private:
  loop::EventLoop& loop_;
};

class ServiceListenerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = loop::EventLoop::create();
    ASSERT_TRUE(created);
    loop_ = std::move(*created);
    owner_ = std::make_unique<FakeOwner>(*loop_);
    // A directory of this test's own: the pid and a count keep runs and tests apart.
    static int count = 0;
    directory_ = ::testing::TempDir() + "ninetd-listener-" + std::to_string(getpid()) + "-" +
                 std::to_string(count++);
    ASSERT_EQ(::mkdir(directory_.c_str(), 0700), 0) << directory_;
    path_ = directory_ + "/s.sock";
  }
  void TearDown() override {
    if (service_) service_->listener.remove();
    ::unlink(path_.c_str());
    ::rmdir(directory_.c_str());
  }

  RunningService& start(services::Limits limits = {},
                        config::WaitMode wait = config::WaitMode::nowait,
                        std::optional<services::ConnectionPolicy> policy = {}) {
    services::Service s;
    s.name = path_ + "/unix";
    s.socket_type = config::SocketType::stream;
    s.transport = config::Transport::local;
    s.address = *net::SocketAddress::from_path(path_);
    s.wait_mode = wait;
    s.limits = limits;
    s.program = "/bin/true";
    s.argv = {"true"};
    s.extras = services::ExtrasRef::make({.policy = std::move(policy)});
    service_ = std::make_shared<RunningService>(*owner_, s);
    service_->listener.open();
    return *service_;
  }

  sys::Fd connect() {
    sys::Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un to{};
    to.sun_family = AF_UNIX;
    path_.copy(to.sun_path, sizeof(to.sun_path) - 1);
    EXPECT_EQ(::connect(fd.get(), reinterpret_cast<sockaddr*>(&to), sizeof(to)), 0);
    return fd;
  }

  // Runs the loop until nothing happens for a moment.
  void settle() {
    for (int i = 0; i < 5; ++i) loop_->run_once(20);
  }

  std::unique_ptr<loop::EventLoop> loop_;
  std::unique_ptr<FakeOwner> owner_;
  std::shared_ptr<RunningService> service_;
  std::string directory_;
  std::string path_;
};

std::string read_all(int fd) {
  std::string out;
  char buffer[256];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof(buffer))) > 0;)
    out.append(buffer, static_cast<std::size_t>(n));
  return out;
}

TEST_F(ServiceListenerTest, ThePolicyRefusesOutsideItsTimesWithTheBanners) {
  services::ConnectionPolicy policy;
  policy.banners = {"hello\r\n", "welcome\r\n", "go away\r\n"};
  policy.access_times = {{480, 540}};  // 8:00-9:00
  RunningService& service = start({}, config::WaitMode::nowait, std::move(policy));
  owner_->inputs.minute = 600;  // 10:00
  sys::Fd refused = connect();
  settle();
  EXPECT_TRUE(owner_->served.empty());
  EXPECT_EQ(service.counters.connections, 1u);
  EXPECT_EQ(service.counters.refused, 1u);
  ASSERT_TRUE(service.counters.history);
  EXPECT_EQ(service.counters.history->refusals(status::Refusal::access), 0u);
  EXPECT_EQ(service.counters.history->refusals(status::Refusal::time), 1u);
  // The banner at accept, banner_fail at the refusal, then the close.
  EXPECT_EQ(read_all(refused.get()), "hello\r\ngo away\r\n");
  owner_->inputs.minute = 500;  // 8:20
  sys::Fd served = connect();
  settle();
  ASSERT_EQ(owner_->served.size(), 1u);
  EXPECT_EQ(service.counters.refused, 1u);
  EXPECT_EQ(owner_->policy_asks, 2);
  // banner_success is the owner's to write, once every check has passed.
  owner_->connections.clear();
  EXPECT_EQ(read_all(served.get()), "hello\r\n");
}

TEST_F(ServiceListenerTest, AServiceWithoutAPolicyNeverAsksTheClock) {
  start();
  sys::Fd client = connect();
  settle();
  EXPECT_EQ(owner_->served.size(), 1u);
  EXPECT_EQ(owner_->policy_asks, 0);
}

TEST_F(ServiceListenerTest, AnRpcSocketAnnouncesThePortItGotAndItsClose) {
  services::Service s;
  s.name = "rusersd/rpc/udp";
  s.socket_type = config::SocketType::dgram;
  s.transport = config::Transport::udp;
  s.address = *net::SocketAddress::from_numeric("127.0.0.1", 0);
  s.wait_mode = config::WaitMode::wait;
  s.rpc_program = 100002;
  s.rpc_low_version = 2;
  s.rpc_high_version = 3;
  s.program = "/usr/sbin/rpc.rusersd";
  s.argv = {"rpc.rusersd"};
  auto service = std::make_shared<RunningService>(*owner_, s);
  service->listener.open();
  ASSERT_EQ(owner_->rpc_addresses.size(), 1u);
  EXPECT_EQ(owner_->rpc_addresses[0].ip(), "127.0.0.1");
  EXPECT_NE(owner_->rpc_addresses[0].port(), 0);
  service->listener.announce_rpc();  // a reload changed the versions
  ASSERT_EQ(owner_->rpc_addresses.size(), 2u);
  EXPECT_EQ(owner_->rpc_addresses[1], owner_->rpc_addresses[0]);
  EXPECT_EQ(owner_->rpc_closes, 0);
  service->listener.remove();
  EXPECT_EQ(owner_->rpc_closes, 1);
}

TEST_F(ServiceListenerTest, OpensListensAndHandsOnEachConnection) {
  RunningService& service = start();
  EXPECT_EQ(service.state(), ServiceState::listening);
  EXPECT_TRUE(service.listener.is_open());
  sys::Fd a = connect();
  sys::Fd b = connect();
  settle();
  ASSERT_EQ(owner_->served.size(), 2u);
  EXPECT_EQ(service.counters.connections, 2u);
  EXPECT_EQ(owner_->served[0].peer.family(), AF_UNIX);
}

TEST_F(ServiceListenerTest, AtTheChildLimitClientsWaitInTheKernelQueue) {
  RunningService& service = start({.max_child = 1});
  sys::Fd a = connect();
  settle();
  ASSERT_EQ(owner_->served.size(), 1u);
  ++service.children;  // what the owner does when it starts a server
  service.listener.reconsider();
  EXPECT_EQ(service.state(), ServiceState::at_child_limit);
  sys::Fd b = connect();
  settle();
  EXPECT_EQ(owner_->served.size(), 1u);
  --service.children;  // the server exits
  service.listener.reconsider();
  EXPECT_EQ(service.state(), ServiceState::listening);
  settle();
  EXPECT_EQ(owner_->served.size(), 2u);
}

TEST_F(ServiceListenerTest, OverItsRateTheServicePausesAndRefusesNobody) {
  RunningService& service = start({.max_per_minute = 2});
  std::vector<sys::Fd> clients;
  for (int i = 0; i < 3; ++i) clients.push_back(connect());
  settle();
  EXPECT_EQ(owner_->served.size(), 2u);
  EXPECT_EQ(service.counters.refused, 0u);
  EXPECT_EQ(service.state(), ServiceState::paused_by_rate);
  // A reload that changes the rate ends the pause at once.
  service.listener.end_pause();
  EXPECT_EQ(service.state(), ServiceState::listening);
}

TEST_F(ServiceListenerTest, PerSourceRefusalsAreCountedAndClosed) {
  RunningService& service = start({.max_conn_per_ip_per_minute = 1});
  sys::Fd a = connect();
  sys::Fd b = connect();
  settle();
  ASSERT_EQ(owner_->served.size(), 1u);
  EXPECT_EQ(owner_->served[0].source, "uid " + std::to_string(getuid()));
  EXPECT_EQ(service.counters.refused, 1u);
  EXPECT_EQ(service.state(), ServiceState::listening);
  char byte = 0;
  EXPECT_EQ(::recv(b.get(), &byte, 1, 0), 0);  // closed, not left waiting
}

TEST_F(ServiceListenerTest, AWaitServerHoldsTheSocketUntilItExits) {
  RunningService& service = start({}, config::WaitMode::wait);
  sys::Fd a = connect();
  settle();
  EXPECT_EQ(owner_->handed_over, 1);
  EXPECT_EQ(service.state(), ServiceState::waiting_for_server);
  EXPECT_EQ(service.listener.wait_pid(), 4242);
  settle();
  EXPECT_EQ(owner_->handed_over, 1);
  EXPECT_FALSE(service.listener.release_from_server(1));
  EXPECT_TRUE(service.listener.release_from_server(4242));
  service.listener.reconsider();
  EXPECT_EQ(service.state(), ServiceState::listening);
}

TEST_F(ServiceListenerTest, ATimedPauseEndsByItself) {
  RunningService& service = start();
  service.listener.pause(ServiceState::backing_off, std::chrono::milliseconds(30));
  EXPECT_EQ(service.state(), ServiceState::backing_off);
  sys::Fd a = connect();
  loop_->run_once(0);
  EXPECT_TRUE(owner_->served.empty());
  settle();
  EXPECT_EQ(service.state(), ServiceState::listening);
  EXPECT_EQ(owner_->served.size(), 1u);
}

TEST_F(ServiceListenerTest, RemovedClosesTheSocketAndItsFile) {
  RunningService& service = start();
  service.listener.remove();
  EXPECT_EQ(service.state(), ServiceState::removed);
  EXPECT_FALSE(service.listener.is_open());
  EXPECT_NE(::access(path_.c_str(), F_OK), 0);
  service.listener.reconsider();  // nothing brings a removed service back
  EXPECT_EQ(service.state(), ServiceState::removed);
}

TEST_F(ServiceListenerTest, ABindThatFailsIsRetried) {
  ::mkdir(path_.c_str(), 0700);  // a directory where the socket should be
  RunningService& service = start();
  EXPECT_EQ(service.state(), ServiceState::retrying_bind);
  EXPECT_FALSE(service.listener.is_open());
  ::rmdir(path_.c_str());
  service.listener.end_pause();  // as the retry timer would, later
  EXPECT_EQ(service.state(), ServiceState::listening);
}

}  // namespace
}  // namespace ninetd::daemon
