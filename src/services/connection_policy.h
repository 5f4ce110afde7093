// ConnectionPolicy: what a service does with each connection beyond its
// access lists and limits (xinetd's banners, access_times and max_load), as
// the daemon runs it: the banners' bytes, read by the loader when the
// configuration is loaded (a reload reads them again), and the checks.
//
// A service without any of these has none: Service::policy is a null
// PolicyRef, one pointer wide, so the hundreds of services that never use
// them pay no more (the pointer fits in the heap chunk a RunningService takes
// already). A policy is immutable once made and shared, reference-counted,
// between the sockets of one entry and the services the decoder finds equal.
// Not thread-safe: the daemon and its loader are single-threaded.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/service_spec.h"
#include "limits/access_times.h"

namespace ninetd::services {

struct ConnectionPolicy {
  std::array<std::string, config::kBannerKinds> banners;  // by config::BannerKind; empty: none
  std::vector<limits::MinuteRange> access_times;          // empty: any time
  std::optional<std::uint32_t> max_load;                  // hundredths

  const std::string& banner(config::BannerKind kind) const {
    return banners[static_cast<std::size_t>(kind)];
  }
  bool empty() const;
  bool operator==(const ConnectionPolicy&) const = default;
};

// Why a client is refused by a policy, or allowed.
enum class PolicyVerdict : std::uint8_t { allowed, outside_access_times, over_max_load };

// The verdict for a client at `minute` of the local day with the load at
// `load` (hundredths; nullopt: unreadable, which refuses nothing, as xinetd).
// Pure: the daemon reads the clock and the load only for a policy that has
// access_times or max_load.
PolicyVerdict judge(const ConnectionPolicy& policy, unsigned minute,
                    std::optional<std::uint32_t> load);

class PolicyRef {
 public:
  PolicyRef() = default;
  // Null when `policy` is empty.
  static PolicyRef make(ConnectionPolicy policy);
  PolicyRef(const PolicyRef& other) noexcept : block_(other.block_) { retain(); }
  PolicyRef(PolicyRef&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  PolicyRef& operator=(const PolicyRef& other) noexcept;
  PolicyRef& operator=(PolicyRef&& other) noexcept;
  ~PolicyRef() { release(); }

  const ConnectionPolicy* get() const { return block_ != nullptr ? &block_->policy : nullptr; }
  const ConnectionPolicy* operator->() const { return get(); }
  const ConnectionPolicy& operator*() const { return block_->policy; }
  explicit operator bool() const { return block_ != nullptr; }
  // Both null, or policies of equal content.
  bool same(const PolicyRef& other) const;
  std::size_t use_count() const { return block_ != nullptr ? block_->references : 0; }

 private:
  struct Block {
    ConnectionPolicy policy;
    std::size_t references = 1;
  };
  void retain() const {
    if (block_ != nullptr) ++block_->references;
  }
  void release() noexcept;

  Block* block_ = nullptr;
};

}  // namespace ninetd::services
