#include "net/compact_address.h"

#include <cstring>

namespace ninetd::net {

CompactAddress::CompactAddress(CompactAddress&& other) noexcept
    : length_(other.length_), on_heap_(std::move(other.on_heap_)) {
  std::memcpy(in_place_, other.in_place_, kInPlace);
  other.length_ = 0;
}

CompactAddress& CompactAddress::operator=(const CompactAddress& other) {
  if (this != &other) assign(other.expand());
  return *this;
}

CompactAddress& CompactAddress::operator=(CompactAddress&& other) noexcept {
  if (this != &other) {
    std::memcpy(in_place_, other.in_place_, kInPlace);
    length_ = other.length_;
    on_heap_ = std::move(other.on_heap_);
    other.length_ = 0;
  }
  return *this;
}

void CompactAddress::assign(const SocketAddress& address) {
  length_ = address.length();
  if (length_ <= kInPlace) {
    on_heap_.reset();
    std::memcpy(in_place_, address.get(), length_);
  } else {
    on_heap_ = std::make_unique<std::byte[]>(length_);
    std::memcpy(on_heap_.get(), address.get(), length_);
  }
}

int CompactAddress::compare(const CompactAddress& other) const {
  if (length_ != other.length_) return length_ < other.length_ ? -1 : 1;
  return std::memcmp(data(), other.data(), length_);
}

int CompactAddress::family() const {
  if (length_ < sizeof(sa_family_t)) return AF_UNSPEC;
  sa_family_t family = AF_UNSPEC;  // the first field of every socket address
  std::memcpy(&family, data(), sizeof(family));
  return family;
}

SocketAddress CompactAddress::expand() const {
  if (length_ == 0) return SocketAddress();
  return SocketAddress::from_raw(reinterpret_cast<const sockaddr*>(data()), length_);
}

}  // namespace ninetd::net
