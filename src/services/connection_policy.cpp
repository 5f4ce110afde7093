#include "services/connection_policy.h"

namespace ninetd::services {

bool ConnectionPolicy::empty() const {
  for (const std::string& banner : banners)
    if (!banner.empty()) return false;
  return access_times.empty() && !max_load;
}

PolicyVerdict judge(const ConnectionPolicy& policy, unsigned minute,
                    std::optional<std::uint32_t> load) {
  if (!policy.access_times.empty() && !limits::within(policy.access_times, minute))
    return PolicyVerdict::outside_access_times;
  if (policy.max_load && load && *load >= *policy.max_load) return PolicyVerdict::over_max_load;
  return PolicyVerdict::allowed;
}

PolicyRef PolicyRef::make(ConnectionPolicy policy) {
  PolicyRef ref;
  if (!policy.empty()) ref.block_ = new Block{std::move(policy)};
  return ref;
}

PolicyRef& PolicyRef::operator=(const PolicyRef& other) noexcept {
  if (this == &other) return *this;
  Block* next = other.block_;
  if (next != nullptr) ++next->references;
  release();
  block_ = next;
  return *this;
}

PolicyRef& PolicyRef::operator=(PolicyRef&& other) noexcept {
  if (this != &other) {
    release();
    block_ = std::exchange(other.block_, nullptr);
  }
  return *this;
}

void PolicyRef::release() noexcept {
  if (block_ != nullptr && --block_->references == 0) delete block_;
  block_ = nullptr;
}

bool PolicyRef::same(const PolicyRef& other) const {
  if (block_ == other.block_) return true;
  if (block_ == nullptr || other.block_ == nullptr) return false;
  return block_->policy == other.block_->policy;
}

}  // namespace ninetd::services
