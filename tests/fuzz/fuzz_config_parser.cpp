// libFuzzer target for the inetd.conf parser: any bytes in, diagnostics out,
// never a crash, a hang or a read out of bounds. Formatting every diagnostic
// and service name exercises the same paths a reload's log lines do.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/parser.h"
#include "spec_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ninetd::config::ParseResult result = ninetd::config::parse_config(text, "fuzz.conf");
  std::size_t total = 0;
  for (const auto& diagnostic : result.diagnostics) total += diagnostic.format().size();
  for (const auto& spec : result.services) {
    total += spec.display_name().size();
    ninetd::fuzz::check_accepted_spec(spec);
  }
  return total == SIZE_MAX ? 1 : 0;
}
