// KeyValueParser: a key=value entry (key_value_lexer.h) to ServiceSpecs. The
// keys are one table (key_table.cpp), each row a key with its values and what
// it sets; NetBSD's keys keep NetBSD's meaning, and ninetd's own per-service
// settings are added as rows. Each key has one line in ninetd.conf(5).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.h"
#include "config/fields.h"
#include "config/lexer.h"
#include "config/parser.h"

namespace ninetd::config {

// A key as the table and the manual name it.
struct KeyDescription {
  std::string_view name;
  std::string_view values;  // the form of its values, for messages and the manual
};
std::span<const KeyDescription> key_descriptions();

// The same table as the writer (spec_writer.h) reads it: the keys that are
// written back, in the table's order.
using KeyValues = bool (*)(const ServiceSpec& spec, std::vector<std::string>& out);
struct KeyWriter {
  std::string_view key;
  bool classic;  // a classic line's fields carry it
  // Appends the key's values for `spec` to `out`; false: the key is left out.
  KeyValues values;
};
std::span<const KeyWriter> key_writers();

// One spec per bind address; none when the entry has errors (`failed` then
// names it). `switched_off`: the entry is "off" (or admits no connection),
// and its specs are not to be served.
std::vector<ServiceSpec> parse_key_values(const std::string& file, const Entry& entry,
                                          const DefaultHost& default_host,
                                          std::vector<Diagnostic>& diagnostics, FailedEntry& failed,
                                          bool& switched_off);

// The service and protocol of a key=value entry that could not be read.
FailedEntry name_failed_key_values(const Entry& entry);

}  // namespace ninetd::config
