#include "services/service_extras.h"

namespace ninetd::services {

ExtrasRef ExtrasRef::make(ServiceExtras extras) {
  if (extras.launch && extras.launch->empty()) extras.launch.reset();
  if (extras.policy && extras.policy->empty()) extras.policy.reset();
  ExtrasRef ref;
  if (!extras.empty()) ref.block_ = new Block{std::move(extras)};
  return ref;
}

ExtrasRef& ExtrasRef::operator=(const ExtrasRef& other) noexcept {
  if (this == &other) return *this;
  Block* next = other.block_;
  if (next != nullptr) ++next->references;
  release();
  block_ = next;
  return *this;
}

ExtrasRef& ExtrasRef::operator=(ExtrasRef&& other) noexcept {
  if (this != &other) {
    release();
    block_ = std::exchange(other.block_, nullptr);
  }
  return *this;
}

void ExtrasRef::release() noexcept {
  if (block_ != nullptr && --block_->references == 0) delete block_;
  block_ = nullptr;
}

bool ExtrasRef::same(const ExtrasRef& other) const {
  if (block_ == other.block_) return true;
  if (block_ == nullptr || other.block_ == nullptr) return false;
  return block_->extras == other.block_->extras;
}

}  // namespace ninetd::services
