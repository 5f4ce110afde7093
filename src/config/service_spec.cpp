#include "config/service_spec.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <utility>

namespace ninetd::config {
namespace {

constexpr std::array<std::pair<const char*, Builtin>, 6> kBuiltins{{
    {"echo", Builtin::echo},
    {"discard", Builtin::discard},
    {"chargen", Builtin::chargen},
    {"daytime", Builtin::daytime},
    {"time", Builtin::time},
    {"tcpmux", Builtin::tcpmux},
}};

}  // namespace

const char* to_string(SocketType type) {
  switch (type) {
    case SocketType::stream: return "stream";
    case SocketType::dgram: return "dgram";
    case SocketType::raw: return "raw";
    case SocketType::seqpacket: return "seqpacket";
  }
  return "?";
}

const char* to_string(Builtin builtin) {
  for (const auto& [name, value] : kBuiltins)
    if (value == builtin) return name;
  return "none";
}

std::optional<Builtin> builtin_from_name(std::string_view name) {
  for (const auto& [builtin_name, value] : kBuiltins)
    if (name == builtin_name) return value;
  return std::nullopt;
}

bool client_speaks_first(Builtin builtin) {
  return builtin == Builtin::echo || builtin == Builtin::discard || builtin == Builtin::tcpmux;
}

std::string tcpmux_key(std::string_view name) {
  std::string key(name);
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

std::string ServiceSpec::display_name() const {
  if (tcpmux) return fmt::format("tcpmux/{}{}/{}", tcpmux_plus ? "+" : "", service, protocol);
  return fmt::format("{}/{}", service, protocol);
}

}  // namespace ninetd::config
