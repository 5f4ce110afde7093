#include "config/xinetd/includedir.h"

#include <algorithm>

namespace ninetd::config::xinetd {

bool read_in_dir(std::string_view name) {
  return !name.empty() && name.find('.') == std::string_view::npos && !name.ends_with('~');
}

std::vector<std::string> names_read_in_dir(std::vector<std::string> names) {
  std::erase_if(names, [](const std::string& name) { return !read_in_dir(name); });
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace ninetd::config::xinetd
