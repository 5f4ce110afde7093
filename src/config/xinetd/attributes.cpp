#include "config/xinetd/attributes.h"

#include <fmt/format.h>

#include <array>

#include "config/xinetd/mapping.h"

namespace ninetd::config::xinetd {
namespace {

constexpr std::size_t kAny = kMaxValues;

// A row that ninetd does not apply yet: read, checked, warned about.
constexpr AttributeRow not_yet(std::string_view name, std::uint8_t operators, std::size_t min,
                               std::size_t max, Scope scope, std::string_view values) {
  return {name, operators, min, max, scope, Support::not_yet, nullptr, values};
}

// clang-format off
constexpr std::array<AttributeRow, 45> kAttributes{{
    {"id", kAssign, 1, 1, Scope::service, Support::mapped,
     [](Mapper& m, const Setting& s) { m.id = &s; }, "a name for the service"},
    {"type", kAssign, 1, 4, Scope::service, Support::mapped,
     [](Mapper& m, const Setting& s) { m.type = &s; },
     "INTERNAL, UNLISTED, TCPMUX, TCPMUXPLUS"},
    {"flags", kAssign, 1, 16, Scope::service, Support::mapped,
     [](Mapper& m, const Setting& s) { m.flags = &s; },
     "IPv4, IPv6, REUSE, NAMEINARGS, NORETRY, NODELAY, KEEPALIVE, ..."},
    {"socket_type", kAssign, 1, 1, Scope::service, Support::mapped,
     [](Mapper& m, const Setting& s) { m.socket_type = &s; }, "stream, dgram, raw or seqpacket"},
    {"protocol", kAssign, 1, 1, Scope::service, Support::mapped,
     [](Mapper& m, const Setting& s) { m.protocol = &s; }, "tcp or udp"},
    {"wait", kAssign, 1, 1, Scope::service, Support::mapped,
     [](Mapper& m, const Setting& s) { m.wait = &s; }, "yes or no"},
    {"user", kAssign, 1, 1, Scope::service, Support::mapped,
     [](Mapper& m, const Setting& s) { m.user = &s; }, "a user name"},
    {"group", kAssign, 1, 1, Scope::service, Support::mapped,
     [](Mapper& m, const Setting& s) { m.group = &s; }, "a group name"},
    {"server", kAssign, 1, 1, Scope::service, Support::mapped,
     [](Mapper& m, const Setting& s) { m.server = &s; }, "an absolute path"},
    {"server_args", kAssign, 0, kAny, Scope::service, Support::mapped,
     [](Mapper& m, const Setting& s) { m.server_args = &s; }, "the server's arguments"},
    {"port", kAssign, 1, 1, Scope::service, Support::mapped,
     [](Mapper& m, const Setting& s) { m.port = &s; }, "a port number"},
    {"bind", kAssign, 1, 1, Scope::both, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_bind(s); }, "an address to listen on"},
    {"interface", kAssign, 1, 1, Scope::both, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_bind(s); }, "an address to listen on (as bind)"},
    {"disable", kAssign, 1, 1, Scope::service, Support::mapped,
     [](Mapper& m, const Setting& s) { m.disable = &s; }, "yes or no"},
    {"enabled", kAllOperators, 0, kAny, Scope::defaults, Support::mapped,
     [](Mapper& m, const Setting& s) { m.enabled = &s; }, "the ids of the only services served"},
    {"disabled", kAllOperators, 0, kAny, Scope::defaults, Support::mapped,
     [](Mapper& m, const Setting& s) { m.disabled = &s; }, "the ids of services not served"},
    {"v6only", kAssign, 1, 1, Scope::both, Support::mapped,
     [](Mapper& m, const Setting& s) { m.v6only = &s; }, "yes or no"},
    {"only_from", kAllOperators, 0, kAny, Scope::both, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_access(s, true); }, "addresses and prefixes served"},
    {"no_access", kAllOperators, 0, kAny, Scope::both, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_access(s, false); }, "addresses and prefixes refused"},
    {"instances", kAssign, 1, 1, Scope::both, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_limit(s, m.spec().max_child); },
     "a number or UNLIMITED"},
    {"per_source", kAssign, 1, 1, Scope::both, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_limit(s, m.spec().max_child_per_ip); },
     "a number or UNLIMITED"},
    {"cps", kAssign, 2, 2, Scope::both, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_cps(s); },
     "connections per second and seconds to wait"},
    {"max_load", kAssign, 1, 1, Scope::both, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_max_load(s); }, "a load average"},
    {"env", kAssignAdd, 0, kAny, Scope::both, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_launch(s); }, "NAME=VALUE strings"},
    {"passenv", kAllOperators, 0, kAny, Scope::both, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_launch(s); }, "names of variables"},
    {"nice", kAssign, 1, 1, Scope::service, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_launch(s); }, "a nice value, -20 to 19"},
    {"umask", kAssign, 1, 1, Scope::both, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_launch(s); }, "an octal mask"},
    {"groups", kAssign, 1, 1, Scope::both, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_groups(s); }, "yes or no"},
    {"rlimit_as", kAssign, 1, 1, Scope::service, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_launch(s); }, "a size or UNLIMITED"},
    {"rlimit_cpu", kAssign, 1, 1, Scope::service, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_launch(s); }, "seconds or UNLIMITED"},
    {"rlimit_data", kAssign, 1, 1, Scope::service, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_launch(s); }, "a size or UNLIMITED"},
    {"rlimit_rss", kAssign, 1, 1, Scope::service, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_launch(s); }, "a size or UNLIMITED"},
    {"rlimit_stack", kAssign, 1, 1, Scope::service, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_launch(s); }, "a size or UNLIMITED"},
    {"rlimit_files", kAssign, 1, 1, Scope::service, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_launch(s); }, "a number or UNLIMITED"},
    {"banner", kAssign, 1, 1, Scope::both, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_banner(s, BannerKind::always); }, "a file"},
    {"banner_success", kAssign, 1, 1, Scope::both, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_banner(s, BannerKind::success); }, "a file"},
    {"banner_fail", kAssign, 1, 1, Scope::both, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_banner(s, BannerKind::fail); }, "a file"},
    {"redirect", kAssign, 2, 2, Scope::service, Support::mapped,
     [](Mapper& m, const Setting& s) { m.redirect = &s; }, "a host and a port"},
    {"log_type", kAssign, 1, 4, Scope::both, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_log_type(s); },
     "SYSLOG facility [level] or FILE path [soft_limit [hard_limit]]"},
    {"log_on_success", kAllOperators, 0, kAny, Scope::both, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_log_flags(s, true); },
     "PID, HOST, USERID, EXIT, DURATION, TRAFFIC"},
    {"log_on_failure", kAllOperators, 0, kAny, Scope::both, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_log_flags(s, false); }, "HOST, USERID, ATTEMPT"},
    {"access_times", kAssign, 1, kAny, Scope::both, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_access_times(s); }, "hour:min-hour:min ranges"},
    {"deny_time", kAssign, 1, 1, Scope::both, Support::mapped,
     [](Mapper& m, const Setting& s) { m.deny_time = &s; }, "minutes, FOREVER or NEVER"},
    {"libwrap", kAssign, 1, 1, Scope::service, Support::mapped,
     [](Mapper& m, const Setting& s) { m.set_libwrap(s); }, "a tcp_wrappers service name"},
    not_yet("mdns", kAssign, 1, 1, Scope::both, "yes or no"),
}};
// clang-format on

std::string_view scope_words(Scope scope) {
  return scope == Scope::service ? "belongs in a service block, not in defaults"
                                 : "belongs in the defaults block, not in a service";
}

std::string count_words(const AttributeRow& row) {
  if (row.min_values == row.max_values)
    return fmt::format("{} value{}", row.min_values, row.min_values == 1 ? "" : "s");
  if (row.max_values >= kAny) return fmt::format("at least {} value", row.min_values);
  return fmt::format("{} to {} values", row.min_values, row.max_values);
}

// One attribute against its row; false when it cannot be applied.
bool check_attribute(const Attribute& attribute, const AttributeRow& row, BlockKind kind,
                     const std::string& file, std::vector<Diagnostic>& diagnostics) {
  auto error = [&](const Word& word, std::string message) {
    diagnostics.push_back({file, word.line, word.column, Severity::error, std::move(message)});
    return false;
  };
  const Word& name = attribute.name;
  bool in_defaults = kind == BlockKind::defaults;
  if ((row.scope == Scope::service && in_defaults) ||
      (row.scope == Scope::defaults && !in_defaults))
    return error(name, fmt::format("{} {}", row.name, scope_words(row.scope)));
  if ((row.operators & (1U << static_cast<unsigned>(attribute.op))) == 0)
    return error(
        name, fmt::format("{} takes only {} (\"{}\" is for sets of values)", row.name,
                          row.operators == kAssignAdd ? "= and +=" : "=", to_string(attribute.op)));
  std::size_t n = attribute.values.size();
  std::size_t min = attribute.op == Operator::set ? row.min_values : 1;
  if (n < min || n > row.max_values)
    return error(
        name, fmt::format("{} takes {} ({}), got {}", row.name, count_words(row), row.values, n));
  if (row.support == Support::not_yet)
    diagnostics.push_back(
        {file, name.line, name.column, Severity::warning,
         fmt::format("{} is not supported by ninetd yet; it is ignored", row.name)});
  return true;
}

}  // namespace

std::span<const AttributeRow> attribute_table() {
  return kAttributes;
}

const AttributeRow* find_attribute(std::string_view name) {
  for (const AttributeRow& row : kAttributes)
    if (row.name == name) return &row;
  return nullptr;
}

std::vector<Attribute> check_block(const Block& block, const std::string& file,
                                   std::vector<Diagnostic>& diagnostics, bool& had_errors) {
  std::vector<Attribute> passed;
  had_errors = false;
  for (const Attribute& attribute : block.attributes) {
    const Word& name = attribute.name;
    const AttributeRow* row = find_attribute(name.text);
    const Attribute* earlier = nullptr;
    if (row != nullptr && row->operators == kAssign && attribute.op == Operator::set)
      for (const Attribute& candidate : passed)
        if (candidate.name.text == name.text) earlier = &candidate;
    bool ok = false;
    if (row == nullptr)
      diagnostics.push_back({file, name.line, name.column, Severity::error,
                             fmt::format("unknown attribute \"{}\"", name.text)});
    else if (earlier != nullptr)
      diagnostics.push_back(
          {file, name.line, name.column, Severity::error,
           fmt::format("{} is given twice (first at line {})", row->name, earlier->name.line)});
    else
      ok = check_attribute(attribute, *row, block.kind, file, diagnostics);
    if (ok)
      passed.push_back(attribute);
    else
      had_errors = true;
  }
  return passed;
}

}  // namespace ninetd::config::xinetd
