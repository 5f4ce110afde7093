// ServiceExtras: the settings a service may have that most services never
// use, in one block: how its servers are started beyond user and argv
// (LaunchSettings: the login class, env, nice, umask, rlimit_*), what it does
// with each connection beyond its access lists and limits (ConnectionPolicy:
// banners, access_times, max_load), xinetd's redirect target and libwrap
// name. Service holds them through one ExtrasRef, null when a service has none
// of them, so the hundreds of services that use none pay one pointer, and a
// reload compares them in one place (ExtrasRef::same).
//
// A block is immutable once made and shared, reference-counted, between the
// sockets of one entry and the services the decoder finds equal. Not
// thread-safe: the daemon and its loader are single-threaded.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>

#include "net/compact_address.h"
#include "services/connection_policy.h"
#include "services/launch_settings.h"

namespace ninetd::services {

// Each part engaged only when it holds something (ExtrasRef::make sees to it),
// so a test of the part is all a path that does not use it pays.
struct ServiceExtras {
  std::optional<LaunchSettings> launch = {};
  std::optional<ConnectionPolicy> policy = {};
  // xinetd's redirect: every connection is forwarded there, in the loop
  // (forward/forwarder.h), instead of running a server or a builtin.
  std::optional<net::CompactAddress> redirect = {};
  // xinetd's libwrap: the daemon name hosts.allow and hosts.deny are checked
  // under (-w, -W) instead of the one ninetd derives; empty: that one.
  std::string libwrap = {};

  bool empty() const { return !launch && !policy && !redirect && libwrap.empty(); }
  bool operator==(const ServiceExtras&) const = default;
};

class ExtrasRef {
 public:
  ExtrasRef() = default;
  // Null when `extras` holds nothing; parts that hold nothing are left out.
  static ExtrasRef make(ServiceExtras extras);
  ExtrasRef(const ExtrasRef& other) noexcept : block_(other.block_) { retain(); }
  ExtrasRef(ExtrasRef&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  ExtrasRef& operator=(const ExtrasRef& other) noexcept;
  ExtrasRef& operator=(ExtrasRef&& other) noexcept;
  ~ExtrasRef() { release(); }

  const ServiceExtras* get() const { return block_ != nullptr ? &block_->extras : nullptr; }
  const ServiceExtras* operator->() const { return get(); }
  const ServiceExtras& operator*() const { return block_->extras; }
  explicit operator bool() const { return block_ != nullptr; }
  // Both null, or blocks of equal content: what a reload compares.
  bool same(const ExtrasRef& other) const;
  std::size_t use_count() const { return block_ != nullptr ? block_->references : 0; }

 private:
  struct Block {
    ServiceExtras extras;
    std::size_t references = 1;
  };
  void retain() const {
    if (block_ != nullptr) ++block_->references;
  }
  void release() noexcept;

  Block* block_ = nullptr;
};

// A block like `extras` (or like none) with `change` applied to a copy: how
// one part is set while the others are kept.
template <typename Change>
ExtrasRef changed(const ExtrasRef& extras, Change change) {
  ServiceExtras copy;
  if (extras) copy = *extras;
  change(copy);
  return ExtrasRef::make(std::move(copy));
}

}  // namespace ninetd::services
