#include "spawn/launch_slots.h"

#include <sys/mman.h>
#include <unistd.h>

#include <new>

namespace ninetd::spawn {
namespace {

std::size_t page_size() {
  static const std::size_t size = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

// One mapping per slot: a guard page, the stack, then the slot itself.
std::size_t stack_offset() {
  return page_size();
}
std::size_t slot_offset() {
  std::size_t page = page_size();
  return stack_offset() + (LaunchSlots::kStackBytes + page - 1) / page * page;
}
std::size_t mapping_size() {
  std::size_t page = page_size();
  return slot_offset() + (sizeof(LaunchSlots::Slot) + page - 1) / page * page;
}

}  // namespace

LaunchSlots::~LaunchSlots() {
  // Only an idle slot's memory can go: a child may still be on a busy one.
  for (std::size_t i = 0; i < created_; ++i)
    if (is_free(*slots_[i]))
      munmap(reinterpret_cast<std::byte*>(slots_[i]) - slot_offset(), mapping_size());
}

bool LaunchSlots::is_free(const Slot& slot) {
  return __atomic_load_n(&slot.busy, __ATOMIC_ACQUIRE) == 0 && slot.plan.step == nullptr;
}

LaunchSlots::Slot* LaunchSlots::acquire() {
  // Lowest first, so a light load keeps reusing the same few pages.
  for (std::size_t i = 0; i < created_; ++i)
    if (is_free(*slots_[i])) return slots_[i];
  if (created_ == kMaxSlots) return nullptr;
  void* memory = mmap(nullptr, mapping_size(), PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (memory == MAP_FAILED) return nullptr;
  if (mprotect(memory, stack_offset(), PROT_NONE) < 0) {
    munmap(memory, mapping_size());
    return nullptr;
  }
  auto* slot = new (static_cast<std::byte*>(memory) + slot_offset()) Slot();
  slots_[created_++] = slot;
  return slot;
}

void LaunchSlots::occupy(Slot& slot) {
  slot.plan.step = nullptr;
  slot.pid = 0;
  __atomic_store_n(&slot.busy, 1, __ATOMIC_RELEASE);
}

void LaunchSlots::release(Slot& slot) {
  __atomic_store_n(&slot.busy, 0, __ATOMIC_RELEASE);
}

std::optional<LateFailure> LaunchSlots::collect(pid_t pid) {
  for (std::size_t i = 0; i < created_; ++i) {
    Slot& slot = *slots_[i];
    if (slot.pid != pid || __atomic_load_n(&slot.busy, __ATOMIC_ACQUIRE) != 0) continue;
    slot.pid = 0;
    if (slot.plan.step == nullptr) return std::nullopt;
    LateFailure failure{slot.plan.error, slot.plan.step};
    slot.plan.step = nullptr;
    return failure;
  }
  return std::nullopt;
}

}  // namespace ninetd::spawn
