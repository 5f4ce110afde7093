// libFuzzer target for the inetd.conf parser: any bytes in, diagnostics out,
// never a crash, a hang or a read out of bounds. Formatting every diagnostic
// and service name exercises the same paths a reload's log lines do.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ninetd::config::ParseResult result = ninetd::config::parse_config(text, "fuzz.conf");
  std::size_t total = 0;
  for (const auto& diagnostic : result.diagnostics) total += diagnostic.format().size();
  for (const auto& spec : result.services) {
    total += spec.display_name().size();
    // A spec the parser accepts must be one the resolver can rely on.
    if (spec.service.empty() || spec.user.empty()) __builtin_trap();
    using namespace ninetd::config;
    if (spec.redirect) {
      // A forwarder: no program, a nowait stream over TCP, a target of two parts.
      if (spec.builtin != Builtin::none || !spec.program.empty()) __builtin_trap();
      if (spec.socket_type != SocketType::stream || spec.transport != Transport::tcp ||
          spec.wait_mode != WaitMode::nowait || spec.tcpmux)
        __builtin_trap();
      if (spec.redirect->host.empty() || spec.redirect->port.empty()) __builtin_trap();
      continue;
    }
    if (spec.builtin == Builtin::none && !spec.program.starts_with("/")) __builtin_trap();
    if (spec.builtin == Builtin::none && spec.args.empty()) __builtin_trap();
  }
  return total == SIZE_MAX ? 1 : 0;
}
