// libFuzzer target for the loader's wire codec (services/config_codec): the
// daemon decodes what its loader child wrote, and must refuse, not misread,
// anything cut short or garbled. What decode accepts is a configuration the
// daemon would run, so encoding it must give bytes that decode again to the
// same thing. Not byte for byte the input: decode reads any non-zero flag
// byte as true, and encode writes 1. After that one step it is a fixed point.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "services/config_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::optional<ninetd::services::LoadedConfig> decoded = ninetd::services::decode_config(bytes);
  if (!decoded) return 0;
  std::string encoded = ninetd::services::encode_config(*decoded);
  // Every field is written at the width it was read at, flags included.
  if (encoded.size() != size) __builtin_trap();
  std::optional<ninetd::services::LoadedConfig> again = ninetd::services::decode_config(encoded);
  if (!again) __builtin_trap();
  if (ninetd::services::encode_config(*again) != encoded) __builtin_trap();
  if (again->services.size() != decoded->services.size()) __builtin_trap();
  for (std::size_t i = 0; i < again->services.size(); ++i) {
    const auto& a = again->services[i];
    const auto& b = decoded->services[i];
    if (a.key() != b.key() || !a.same_launch(b) || !a.same_socket_options(b)) __builtin_trap();
  }
  return 0;
}
