// SpecWriter: a ServiceSpec written back as ninetd configuration text that
// parse_config reads into the same spec: a classic inetd.conf line when the
// six classic fields carry all of it, a key=value entry (key_values.h)
// otherwise. Pure: a spec in, text out.
//
// The key=value form is one row per key, written as the key table says
// (key_writers(), the write column of kKeys in key_table.cpp): a setting
// added to ServiceSpec and to kKeys with its writer is written, listed by
// ninetd -t and converted from xinetd.conf. A row that is not `classic`
// makes every spec that sets it a key=value entry.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/key_values.h"
#include "config/service_spec.h"

namespace ninetd::config {

// A value as the key=value scanner (key_value_lexer.h) reads it back: bare
// when it can be, else in double quotes with the scanner's escapes (\\ \"
// \n \t \r, \xHH for the other control bytes).
std::string quote_value(std::string_view text);

// Text for a comment: every byte that is not printable (a line end among
// them) as \xHH, so a comment stays one line and no byte of a file reaches a
// terminal raw.
std::string comment_text(std::string_view text);

// The first word of either form: [tcpmux/[+]]name, name/versions for RPC, a
// port, a unix path; nullopt when no form can carry it (a blank or '#').
std::optional<std::string> service_word(const ServiceSpec& spec);

// The classic line, with its line end; nullopt when the classic fields cannot
// carry the spec (a key=value-only setting, an argument with a blank, ...).
std::optional<std::string> classic_line(const ServiceSpec& spec);

// The key=value entry ("off" when `off`), its last line ending in ';' and a
// line end; nullopt with `problem` set when it cannot be written.
std::optional<std::string> key_value_entry(const ServiceSpec& spec, bool off, std::string& problem);

struct WrittenSpec {
  std::string text;     // empty when the spec cannot be written
  std::string problem;  // then why
};

// The classic line when it can be and the spec is served, the key=value
// entry otherwise (a switched-off entry is written "off").
WrittenSpec write_spec(const ServiceSpec& spec, bool off = false);

}  // namespace ninetd::config
