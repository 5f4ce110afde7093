#include "spawn/launch_plan.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace ninetd::spawn {
namespace {

// Hands out aligned pieces of the arena, front to back.
class Bump {
 public:
  explicit Bump(std::span<std::byte> arena) : arena_(arena) {}

  template <typename T>
  T* take(std::size_t count) {
    std::size_t offset = (used_ + alignof(T) - 1) / alignof(T) * alignof(T);
    if (count > (arena_.size() - std::min(offset, arena_.size())) / sizeof(T)) return nullptr;
    used_ = offset + count * sizeof(T);
    return reinterpret_cast<T*>(arena_.data() + offset);
  }

  char* copy(const char* text) {
    std::size_t size = std::strlen(text) + 1;
    char* out = take<char>(size);
    if (out != nullptr) std::memcpy(out, text, size);
    return out;
  }

  // A null-terminated array of strings, copied with the strings it points to.
  char** copy_vector(char* const* strings) {
    std::size_t count = 0;
    while (strings[count] != nullptr) ++count;
    char** out = take<char*>(count + 1);
    if (out == nullptr) return nullptr;
    for (std::size_t i = 0; i < count; ++i)
      if ((out[i] = copy(strings[i])) == nullptr) return nullptr;
    out[count] = nullptr;
    return out;
  }

 private:
  std::span<std::byte> arena_;
  std::size_t used_ = 0;
};

char* const kNoStrings[] = {nullptr};

}  // namespace

LaunchPlan plan_in_place(const LaunchRequest& request) {
  LaunchPlan plan;
  plan.path = request.path;
  plan.argv = request.argv != nullptr ? request.argv : kNoStrings;
  plan.envp = request.envp != nullptr ? request.envp : kNoStrings;
  plan.socket_fd = request.socket_fd;
  plan.listen_fds = request.listen_fds;
  plan.new_session = request.new_session;
  if (request.credentials != nullptr && request.credentials->switch_user) {
    const services::Credentials& c = *request.credentials;
    const CredentialSteps& steps = request.credential_steps;
    plan.set_groups = steps.set_groups;
    plan.set_gid = steps.set_gid;
    plan.set_uid = steps.set_uid;
    plan.uid = c.uid;
    plan.gid = c.gid;
    if (steps.set_groups) {
      plan.groups = c.groups.data();
      plan.group_count = c.groups.size();
    }
  }
  if (request.limits != nullptr) {
    plan.limits = request.limits->data();
    plan.limit_count = request.limits->size();
  }
  return plan;
}

bool pack_plan(const LaunchRequest& request, std::span<std::byte> arena, LaunchPlan& plan) {
  plan = plan_in_place(request);
  Bump bump(arena);
  char* path = bump.copy(plan.path);
  char** argv = bump.copy_vector(plan.argv);
  char** envp = bump.copy_vector(plan.envp);
  if (path == nullptr || argv == nullptr || envp == nullptr) return false;
  plan.path = path;
  plan.argv = argv;
  plan.envp = envp;
  if (plan.group_count > 0) {
    gid_t* groups = bump.take<gid_t>(plan.group_count);
    if (groups == nullptr) return false;
    std::memcpy(groups, plan.groups, plan.group_count * sizeof(gid_t));
    plan.groups = groups;
  }
  if (plan.limit_count > 0) {
    auto* limits = bump.take<services::ResourceLimit>(plan.limit_count);
    if (limits == nullptr) return false;
    std::copy(plan.limits, plan.limits + plan.limit_count, limits);
    plan.limits = limits;
  }
  return true;
}

}  // namespace ninetd::spawn
