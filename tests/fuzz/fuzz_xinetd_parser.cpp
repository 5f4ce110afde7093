// libFuzzer target for the xinetd.conf parser: any bytes in, diagnostics out,
// never a crash, a hang or a read out of bounds. Formatting every diagnostic
// and service name exercises the same paths a reload's log lines do; the
// detection helper reads the same bytes. Every spec accepted (served or
// switched off) that ninetd --convert can write reads back as the same spec.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "../unit/spec_compare.h"
#include "config/parser.h"
#include "config/spec_writer.h"
#include "config/xinetd/parser.h"
#include "spec_invariants.h"

namespace {

void check_written(const ninetd::config::ServiceSpec& spec, bool off) {
  ninetd::config::WrittenSpec written = ninetd::config::write_spec(spec, off);
  if (written.text.empty()) return;  // a problem --convert reports
  ninetd::config::ParseResult back = ninetd::config::parse_config(written.text, "written.conf");
  if (ninetd::config::has_errors(back.diagnostics)) __builtin_trap();
  std::size_t count = off ? back.switched_off.size() : back.services.size();
  if (count != 1 || back.services.size() + back.switched_off.size() != 1) __builtin_trap();
  const auto& read = off ? back.switched_off.front().spec : back.services.front();
  if (!ninetd::config::testing::spec_differences(spec, read).empty()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ninetd::config::ParseResult result =
      ninetd::config::xinetd::parse_xinetd_config(text, "fuzz.conf");
  std::size_t total = ninetd::config::xinetd::looks_like_xinetd(text) ? 1 : 0;
  for (const auto& diagnostic : result.diagnostics) total += diagnostic.format().size();
  for (const auto& include : result.includes)
    if (include.position > result.services.size()) __builtin_trap();
  for (const auto& spec : result.services) {
    total += spec.display_name().size();
    ninetd::fuzz::check_accepted_spec(spec);
    check_written(spec, false);
  }
  for (const auto& off : result.switched_off) check_written(off.spec, true);
  return total == SIZE_MAX ? 1 : 0;
}
