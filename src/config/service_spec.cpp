#include "config/service_spec.h"

#include <fmt/format.h>

#include <cctype>

#include "builtins/table.h"

namespace ninetd::config {

const char* to_string(SocketType type) {
  switch (type) {
    case SocketType::stream:
      return "stream";
    case SocketType::dgram:
      return "dgram";
    case SocketType::raw:
      return "raw";
    case SocketType::seqpacket:
      return "seqpacket";
  }
  return "?";
}

std::string_view to_string(Builtin builtin) {
  return builtin == Builtin::none ? "none" : builtins::row(builtin).name;
}

std::optional<Builtin> builtin_from_name(std::string_view name) {
  const builtins::BuiltinRow* found = builtins::find(name);
  if (found == nullptr) return std::nullopt;
  return found->id;
}

std::string tcpmux_key(std::string_view name) {
  std::string key(name);
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

std::string ServiceSpec::display_name() const {
  if (tcpmux) return fmt::format("tcpmux/{}{}/{}", tcpmux_plus ? "+" : "", service, protocol);
  return fmt::format("{}/{}", label.empty() ? service : label, protocol);
}

}  // namespace ninetd::config
