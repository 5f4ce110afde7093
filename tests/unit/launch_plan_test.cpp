// LaunchPlan: what a child reads between clone and execve. A packed plan must
// not point anywhere but its arena, since the daemon reuses its own buffers
// while the child still runs.
#include "spawn/launch_plan.h"

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace ninetd::spawn {
namespace {

struct Strings {
  explicit Strings(std::vector<std::string> values) : storage(std::move(values)) {
    for (auto& s : storage) pointers.push_back(s.data());
    pointers.push_back(nullptr);
  }
  char* const* get() { return pointers.data(); }
  std::vector<std::string> storage;
  std::vector<char*> pointers;
};

std::vector<std::string> read(char* const* strings) {
  std::vector<std::string> out;
  for (; *strings != nullptr; ++strings) out.emplace_back(*strings);
  return out;
}

class LaunchPlanTest : public ::testing::Test {
 protected:
  LaunchPlanTest() : argv({"cat", "-u"}), envp({"PATH=/bin", "PROTO=TCP"}) {
    credentials.switch_user = true;
    credentials.uid = 65534;
    credentials.gid = 65533;
    credentials.groups = {65533, 100, 27};
    limits = {{7, 64, 128}, {4, 0, 0}};
    request.path = path.c_str();
    request.argv = argv.get();
    request.envp = envp.get();
    request.socket_fd = 9;
    request.listen_fds = true;
    request.credentials = &credentials;
    request.limits = &limits;
  }

  bool inside(const void* p) const {
    auto* byte = static_cast<const std::byte*>(p);
    return byte >= arena.data() && byte < arena.data() + arena.size();
  }

  std::string path = "/bin/cat";
  Strings argv;
  Strings envp;
  services::Credentials credentials;
  std::vector<services::ResourceLimit> limits;
  LaunchRequest request;
  alignas(16) std::array<std::byte, 4096> arena{};
};

TEST_F(LaunchPlanTest, InPlacePointsAtTheRequest) {
  LaunchPlan plan = plan_in_place(request);
  EXPECT_EQ(plan.path, path.c_str());
  EXPECT_EQ(plan.argv, argv.get());
  EXPECT_EQ(plan.envp, envp.get());
  EXPECT_EQ(plan.groups, credentials.groups.data());
  EXPECT_EQ(plan.group_count, 3u);
  EXPECT_EQ(plan.limits, limits.data());
  EXPECT_EQ(plan.limit_count, 2u);
  EXPECT_EQ(plan.socket_fd, 9);
  EXPECT_TRUE(plan.listen_fds);
  EXPECT_TRUE(plan.set_groups && plan.set_gid && plan.set_uid);
  EXPECT_EQ(plan.uid, 65534u);
  EXPECT_EQ(plan.gid, 65533u);
  EXPECT_EQ(plan.step, nullptr);
}

TEST_F(LaunchPlanTest, NoUserSwitchLeavesGroupsOut) {
  credentials.switch_user = false;
  LaunchPlan plan = plan_in_place(request);
  EXPECT_FALSE(plan.set_groups || plan.set_gid || plan.set_uid);
  EXPECT_EQ(plan.group_count, 0u);
}

TEST_F(LaunchPlanTest, PackedPlanHoldsCopiesInItsArena) {
  LaunchPlan plan;
  ASSERT_TRUE(pack_plan(request, arena, plan));
  EXPECT_TRUE(inside(plan.path));
  EXPECT_STREQ(plan.path, "/bin/cat");
  ASSERT_TRUE(inside(plan.argv));
  ASSERT_TRUE(inside(plan.envp));
  for (char* const* s = plan.argv; *s != nullptr; ++s) EXPECT_TRUE(inside(*s));
  for (char* const* s = plan.envp; *s != nullptr; ++s) EXPECT_TRUE(inside(*s));
  EXPECT_EQ(read(plan.argv), argv.storage);
  EXPECT_EQ(read(plan.envp), envp.storage);
  ASSERT_TRUE(inside(plan.groups));
  EXPECT_EQ(credentials.groups, std::vector<gid_t>(plan.groups, plan.groups + plan.group_count));
  ASSERT_TRUE(inside(plan.limits));
  EXPECT_EQ(std::vector<services::ResourceLimit>(plan.limits, plan.limits + plan.limit_count),
            limits);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(plan.argv) % alignof(char*), 0u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(plan.limits) % alignof(services::ResourceLimit), 0u);

  // The request's buffers change (the daemon reuses them), and a reload may free
  // the service's group list: the plan does not change.
  argv.storage[0][0] = 'X';
  envp.storage[1][0] = 'X';
  credentials.groups = {1};
  EXPECT_STREQ(plan.argv[0], "cat");
  EXPECT_STREQ(plan.envp[1], "PROTO=TCP");
  EXPECT_EQ(plan.groups[0], 65533u);
}

TEST_F(LaunchPlanTest, OnlyTheCredentialStepsThatChangeSomething) {
  request.credential_steps = CredentialSteps{false, false, true};
  LaunchPlan plan = plan_in_place(request);
  EXPECT_FALSE(plan.set_groups);
  EXPECT_EQ(plan.group_count, 0u);  // nothing to copy into a slot either
  EXPECT_FALSE(plan.set_gid);
  EXPECT_TRUE(plan.set_uid);
  EXPECT_EQ(plan.uid, 65534u);
  request.credential_steps = CredentialSteps{true, false, false};
  plan = plan_in_place(request);
  EXPECT_TRUE(plan.set_groups);
  EXPECT_EQ(plan.group_count, 3u);
  EXPECT_FALSE(plan.set_gid || plan.set_uid);
}

TEST_F(LaunchPlanTest, EmptyArgvAndEnvironmentPack) {
  request.argv = nullptr;
  request.envp = nullptr;
  LaunchPlan plan;
  ASSERT_TRUE(pack_plan(request, arena, plan));
  EXPECT_EQ(plan.argv[0], nullptr);
  EXPECT_EQ(plan.envp[0], nullptr);
}

TEST_F(LaunchPlanTest, TooBigForTheArenaIsRefused) {
  Strings big({std::string(5000, 'a')});
  request.argv = big.get();
  LaunchPlan plan;
  EXPECT_FALSE(pack_plan(request, arena, plan));
  // Every size up to the one that fits fails cleanly, none overruns.
  Strings small({std::string(100, 'b')});
  request.argv = small.get();
  for (std::size_t size = 0; size < 400; ++size) {
    LaunchPlan p;
    if (pack_plan(request, std::span<std::byte>(arena.data(), size), p)) {
      EXPECT_GT(size, 100u);
      for (char* const* s = p.argv; *s != nullptr; ++s)
        EXPECT_LT(reinterpret_cast<std::byte*>(*s), arena.data() + size);
    }
  }
  EXPECT_TRUE(pack_plan(request, arena, plan));
}

}  // namespace
}  // namespace ninetd::spawn
