// GroupList: a user's supplementary groups as services keep them. The list is
// immutable and shared by every copy, so the services that run as one user
// can hold one list between them (the configuration decoder makes them share)
// instead of an allocation each.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <vector>

namespace ninetd::services {

class GroupList {
 public:
  GroupList() = default;
  GroupList(std::vector<gid_t> groups)  // NOLINT: a list of groups is a GroupList
      : list_(groups.empty() ? nullptr
                             : std::make_shared<const std::vector<gid_t>>(std::move(groups))) {}
  GroupList(std::initializer_list<gid_t> groups) : GroupList(std::vector<gid_t>(groups)) {}

  const gid_t* data() const { return list_ ? list_->data() : nullptr; }
  std::size_t size() const { return list_ ? list_->size() : 0; }
  bool empty() const { return size() == 0; }
  const gid_t* begin() const { return data(); }
  const gid_t* end() const { return data() + size(); }
  // Equal contents, whether shared or not.
  bool operator==(const GroupList& other) const;
  bool operator==(const std::vector<gid_t>& other) const;
  bool shares_with(const GroupList& other) const { return list_ == other.list_; }

 private:
  std::shared_ptr<const std::vector<gid_t>> list_;
};

}  // namespace ninetd::services
