#include "status/refusal.h"

#include <array>

namespace ninetd::status {
namespace {

constexpr std::array<std::string_view, kRefusalKinds> kNames{
    "access", "libwrap", "per_source_limit", "per_source_rate", "rate", "time",
    "load",   "busy",    "deny_list",        "sensor",
};

}  // namespace

std::string_view name(Refusal reason) {
  auto index = static_cast<std::size_t>(reason);
  return index < kNames.size() ? kNames[index] : "?";
}

}  // namespace ninetd::status
