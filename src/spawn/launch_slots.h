// LaunchSlots: memory for children that run beside the daemon between clone
// and execve (CLONE_VM without CLONE_VFORK). Each slot holds one child's stack
// and its LaunchPlan with everything the plan points to. The kernel tells when
// a slot is free again: clone's CLONE_CHILD_CLEARTID makes it zero the slot's
// `busy` word once the child's memory is released, which happens at execve
// and at exit. A child that failed before execve leaves its error in the slot,
// which stays taken until the reaper collects it with the child's pid.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>

#include "spawn/launch_plan.h"

namespace ninetd::spawn {

struct LateFailure {
  int error = 0;
  const char* step = nullptr;
};

class LaunchSlots {
 public:
  // Children still before their execve, at most. More let the daemon race ahead
  // of children that then share the CPU among themselves; fewer make it wait in
  // vfork-style launches. Exec hello at 8 clients pinned to one CPU: 64 slots,
  // p99 13.8-16.6 ms; 8, p99 12.5-13.3 ms and 22.6-24.7 us of daemon CPU per
  // launch; 4, p99 9.1-9.7 ms and 25.4-26.7 us, a fifth of the launches waiting
  // (docs/performance.md, findings 16 and 24).
  static constexpr std::size_t kMaxSlots = 8;
  static constexpr std::size_t kArenaBytes = std::size_t{16} * 1024;
  static constexpr std::size_t kStackBytes = std::size_t{32} * 1024;

  struct Slot {
    int busy = 0;  // the clone's child_tid word: non-zero while a child may use the slot
    pid_t pid = 0;
    LaunchPlan plan;
    alignas(16) std::byte arena[kArenaBytes];
    void* stack_top() { return this; }  // the stack lies below the slot, in the same mapping
  };

  LaunchSlots() = default;
  LaunchSlots(const LaunchSlots&) = delete;
  LaunchSlots& operator=(const LaunchSlots&) = delete;
  ~LaunchSlots();

  // A free slot, made on first need; nullptr when all kMaxSlots are taken.
  Slot* acquire();
  // Marks a slot taken by a child about to be cloned.
  static void occupy(Slot& slot);
  // Gives back a slot whose clone failed.
  static void release(Slot& slot);
  // For a reaped pid: the failure its child left in a slot, if any; frees that slot.
  std::optional<LateFailure> collect(pid_t pid);

 private:
  static bool is_free(const Slot& slot);
  Slot* slots_[kMaxSlots] = {};
  std::size_t created_ = 0;
};

}  // namespace ninetd::spawn
