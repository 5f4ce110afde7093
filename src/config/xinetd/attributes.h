// The attributes of xinetd.conf(5), one table row each: its name, the
// assignment operators it takes, how many values, where it may be written
// (a service, defaults, or both), and what ninetd does with it. A row whose
// support is `not_yet` is read and reported as a warning naming it, never
// dropped silently; supporting it later is giving its row a handler. An
// attribute that has no row is an error, as in xinetd.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.h"
#include "config/xinetd/syntax.h"

namespace ninetd::config::xinetd {

class Mapper;
struct Setting;
using Handler = void (*)(Mapper&, const Setting&);

// Which operators an attribute takes, as bits of 1 << Operator.
inline constexpr std::uint8_t kAssign = 1;
inline constexpr std::uint8_t kAssignAdd = 3;     // env: no "-="
inline constexpr std::uint8_t kAllOperators = 7;  // the set-valued attributes

enum class Scope : std::uint8_t { service, defaults, both };

enum class Support : std::uint8_t {
  mapped,   // the handler carries it into the ServiceSpec
  silent,   // means nothing to ninetd and needs no word (flags' REUSE: ninetd always reuses)
  not_yet,  // read, warned about, not applied
};

struct AttributeRow {
  std::string_view name;
  std::uint8_t operators;
  std::size_t min_values;
  std::size_t max_values;
  Scope scope;
  Support support;
  Handler apply;            // set for `mapped` rows
  std::string_view values;  // the form of its values, for messages
};

std::span<const AttributeRow> attribute_table();
const AttributeRow* find_attribute(std::string_view name);

// Checks a block's attributes against the table: an unknown attribute, an
// operator or a number of values the row does not take, an attribute outside
// its scope or given twice with "=" is an error; a `not_yet` attribute is a
// warning. Returns the attributes that passed, in order; `had_errors` says
// whether any did not.
std::vector<Attribute> check_block(const Block& block, const std::string& file,
                                   std::vector<Diagnostic>& diagnostics, bool& had_errors);

}  // namespace ninetd::config::xinetd
