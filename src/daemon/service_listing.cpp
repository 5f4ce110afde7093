#include "daemon/service_listing.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <utility>

#include "config/spec_writer.h"

namespace ninetd::daemon {
namespace {

using config::ServiceSpec;
using Where = std::pair<std::uint16_t, int>;  // file index, line

std::string field(std::string_view key, const std::vector<std::string>& values) {
  std::string out = fmt::format(" {}=", key);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += config::quote_value(values[i]);
  }
  return out;
}

std::vector<std::string> family_words(config::FamilyRule rule) {
  switch (rule) {
    case config::FamilyRule::both:
      return {"ipv4", "ipv6-only"};
    case config::FamilyRule::v4:
      return {"ipv4"};
    case config::FamilyRule::v6_only:
      return {"ipv6-only"};
    case config::FamilyRule::dual:
      return {"ipv6-and-mapped-ipv4"};
    case config::FamilyRule::local:
      return {"unix"};
  }
  return {};
}

std::string head(const ServiceSpec& spec, bool served) {
  std::string line = fmt::format("service={}", config::quote_value(spec.display_name()));
  line += field("from", {fmt::format("{}:{}", spec.file, spec.line)});
  line += field("status", {served ? "on" : "off"});
  return line;
}

// The family rule, the builtin, then the writer's rows but those `skip`
// names (said another way: a served entry's bind by its listen field, a
// builtin's exec and args by its builtin field).
std::string rows(const ServiceSpec& spec, bool served) {
  static const std::set<std::string_view> kSkip[2][2]{{{}, {"exec", "args"}},
                                                      {{"bind"}, {"bind", "exec", "args"}}};
  const auto& skip = kSkip[served ? 1 : 0][spec.builtin != config::Builtin::none ? 1 : 0];
  std::string out = field("family", family_words(spec.family));
  if (spec.builtin != config::Builtin::none)
    out += field("builtin", {std::string(config::to_string(spec.builtin))});
  // The sensor's one argument, which its builtin field does not say.
  if (spec.builtin == config::Builtin::sensor)
    out += field("deny_time", {spec.args.size() > 1 ? spec.args[1] : "NEVER"});
  for (const config::KeyWriter& row : config::key_writers()) {
    std::vector<std::string> values;
    if (skip.contains(row.key) || !row.values(spec, values)) continue;
    out += field(row.key, values);
  }
  return out;
}

std::map<Where, std::vector<const services::Service*>> sockets_by_entry(
    const services::LoadedConfig& loaded) {
  std::map<Where, std::vector<const services::Service*>> out;
  for (const services::Service& service : loaded.services)
    out[{service.file, service.line}].push_back(&service);
  return out;
}

std::string listen_fields(const std::vector<const services::Service*>& sockets) {
  std::vector<std::string> where;
  where.reserve(sockets.size());
  for (const services::Service* s : sockets)
    where.push_back(s->tcpmux ? std::string("tcpmux") : s->address.to_string());
  std::string out = field("listen", where);
  if (sockets.front()->is_rpc())
    out += field("rpc_program", {std::to_string(sockets.front()->rpc_program)});
  return out;
}

}  // namespace

std::vector<std::string> list_services(const config::TreeResult& tree,
                                       const services::LoadedConfig& loaded) {
  auto sockets = sockets_by_entry(loaded);
  std::vector<std::string> lines;
  std::set<Where> listed;
  std::size_t off = 0;
  for (std::size_t i = 0; i <= tree.services.size(); ++i) {
    for (; off < tree.switched_off.size() && tree.switched_off[off].position <= i; ++off)
      lines.push_back(head(tree.switched_off[off].spec, false) +
                      rows(tree.switched_off[off].spec, false));
    if (i == tree.services.size()) break;
    const ServiceSpec& spec = tree.services[i];
    Where where{spec.file_index, spec.line};
    auto found = sockets.find(where);
    if (found == sockets.end() || !listed.insert(where).second) continue;
    lines.push_back(head(spec, true) + listen_fields(found->second) + rows(spec, true));
  }
  return lines;
}

}  // namespace ninetd::daemon
