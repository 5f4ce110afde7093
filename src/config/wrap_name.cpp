#include "config/wrap_name.h"

#include <fmt/format.h>

namespace ninetd::config {

std::string wrap_name_problem(std::string_view name) {
  if (name.empty()) return "libwrap needs a daemon name, got an empty one";
  if (name.size() > kMaxWrapName)
    return fmt::format("libwrap: a daemon name of {} bytes is longer than the limit of {}",
                       name.size(), kMaxWrapName);
  for (char c : name) {
    auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f)
      return "libwrap: a daemon name is one word of printable characters";
  }
  return {};
}

}  // namespace ninetd::config
