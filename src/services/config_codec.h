// ConfigCodec: a LoadedConfig as bytes and back. The daemon loads its
// configuration in a short-lived child process (see daemon/config_reader.h), so
// that the name service modules getpwnam and getaddrinfo load never map into
// the daemon and a slow lookup never stalls its loop; the result crosses a pipe
// in this form. Pure: no syscalls.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "services/config_loader.h"

namespace ninetd::services {

std::string encode_config(const LoadedConfig& loaded);
// nullopt when the bytes are cut short or malformed.
std::optional<LoadedConfig> decode_config(std::string_view bytes);

}  // namespace ninetd::services
