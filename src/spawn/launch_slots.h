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
  // of children that then share the CPU among themselves (a worse p99); fewer
  // make it wait in vfork-style launches (more daemon CPU). The measurements
  // behind 8 are in docs/performance.md, findings 16 and 24.
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
