#include "services/group_list.h"

#include <algorithm>

namespace ninetd::services {

bool GroupList::operator==(const GroupList& other) const {
  return list_ == other.list_ || std::equal(begin(), end(), other.begin(), other.end());
}

bool GroupList::operator==(const std::vector<gid_t>& other) const {
  return std::equal(begin(), end(), other.begin(), other.end());
}

}  // namespace ninetd::services
