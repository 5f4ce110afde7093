// The entry points of key_values.h. The table and the writer's view of it
// are key_table.cpp's; the reading of an entry is KeyValueParser's
// (key_value_parser.cpp).
#include "config/key_values.h"

#include <string>
#include <vector>

#include "config/key_value_parser.h"

namespace ninetd::config {

std::vector<ServiceSpec> parse_key_values(const std::string& file, const Entry& entry,
                                          const DefaultHost& default_host,
                                          std::vector<Diagnostic>& diagnostics, FailedEntry& failed,
                                          bool& switched_off) {
  return key_values_detail::KeyValueParser(file, entry, diagnostics)
      .parse(default_host, failed, switched_off);
}

FailedEntry name_failed_key_values(const Entry& entry) {
  FailedEntry failed;
  failed.line = entry.line();
  if (!entry.words.empty()) {
    failed.service = entry.words[0].text;
    auto colon = failed.service.rfind(':');
    if (!failed.service.starts_with('/') && colon != std::string::npos)
      failed.service.erase(0, colon + 1);
  }
  for (const Option& option : entry.options)
    if (option.key.text == "protocol" && !option.values.empty())
      failed.protocol = option.values[0].text.substr(0, option.values[0].text.find(','));
  return failed;
}

}  // namespace ninetd::config
