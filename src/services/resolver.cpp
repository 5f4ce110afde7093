#include "services/resolver.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

#include "config/policy_fields.h"
#include "services/twin.h"

namespace ninetd::services {
namespace {

using config::Diagnostic;
using config::FamilyRule;
using config::Place;
using config::ServiceSpec;
using config::Severity;
using config::Transport;

class SpecResolver {
 public:
  SpecResolver(const ServiceSpec& spec, SystemDb& db, std::vector<Diagnostic>& diagnostics)
      : spec_(spec), db_(db), diagnostics_(diagnostics) {}

  // The spec's sockets as Services; empty after reporting an error.
  std::vector<Service> resolve();

 private:
  void error(Place place, std::string message) {
    diagnostics_.push_back(
        {spec_.file, place.line, place.column, Severity::error, std::move(message)});
    ok_ = false;
  }
  std::optional<std::uint16_t> port();
  std::vector<Service> rpc_sockets(Service base);
  std::vector<std::pair<net::SocketAddress, bool>> addresses(std::uint16_t port);
  Credentials credentials();
  std::optional<LaunchSettings> launch_settings();
  std::vector<std::string> environment();
  void warning(std::string message) {
    diagnostics_.push_back({spec_.file, spec_.line, 0, Severity::warning, std::move(message)});
  }
  std::optional<ConnectionPolicy> policy();
  ExtrasRef extras(std::optional<LaunchSettings> launch);
  // The redirect target, looked up once here (the loader), never per connection.
  std::optional<net::CompactAddress> redirect_target();

  const ServiceSpec& spec_;
  SystemDb& db_;
  std::vector<Diagnostic>& diagnostics_;
  bool ok_ = true;
};

std::optional<std::uint16_t> SpecResolver::port() {
  const std::string& name = spec_.service;
  // The parser has checked that an all-digit service is a port in 1-65535;
  // names may still start with a digit ("3com-tsmux").
  std::uint16_t number = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), number);
  if (ec == std::errc() && end == name.data() + name.size() && number != 0) return number;
  const char* protocol = spec_.transport == Transport::udp ? "udp" : "tcp";
  auto port = db_.service_port(name, protocol);
  if (port) return port;
  // A builtin without a registered port (metrics): show where the builtin's name goes.
  if (spec_.builtin != config::Builtin::none && name == config::to_string(spec_.builtin))
    error(spec_.service_place,
          fmt::format("builtin {} has no port in /etc/services for {}: give one, with the "
                      "builtin's name after \"internal\" (9262 stream {} nowait nobody internal "
                      "{})",
                      name, protocol, protocol, name));
  else
    error(spec_.service_place,
          fmt::format("unknown service \"{}\" for {} (not in /etc/services; give a port number "
                      "1-65535 instead)",
                      name, protocol));
  return port;
}

// An RPC service's sockets: on port 0 (the kernel chooses, rpcbind tells
// clients) of the wildcard address of each family its protocol opens.
std::vector<Service> SpecResolver::rpc_sockets(Service base) {
  std::vector<Service> out;
  if (spec_.builtin != config::Builtin::none) {
    error(spec_.program_place, "RPC services need a server program, not \"internal\"");
    return out;
  }
  const std::string& name = spec_.service;
  std::uint32_t number = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), number);
  if (ec == std::errc() && end == name.data() + name.size() && number != 0) {
    base.rpc_program = number;
  } else if (auto program = db_.rpc_program(name)) {
    base.rpc_program = *program;
  } else {
    error(
        spec_.service_place,
        fmt::format("unknown RPC program \"{}\" (not in /etc/rpc; give its number instead)", name));
    return out;
  }
  // As NetBSD's inetd: rpcbind hands out one address per transport, and
  // the wildcard one reaches every interface.
  if (spec_.host)
    diagnostics_.push_back(
        {spec_.file, spec_.service_place.line, spec_.service_place.column, Severity::warning,
         fmt::format("RPC service {} listens on every address; host \"{}\" ignored",
                     spec_.display_name(), *spec_.host)});
  base.rpc_low_version = spec_.rpc_low_version;
  base.rpc_high_version = spec_.rpc_high_version;
  if (spec_.family != FamilyRule::v6_only) {
    out.push_back(base);
    out.back().address = net::SocketAddress::any_ipv4(0);
  }
  if (spec_.family != FamilyRule::v4) {
    out.push_back(base);
    out.back().address = net::SocketAddress::any_ipv6(0);
    out.back().v6only = true;
  }
  return out;
}

// Each socket to open with its IPV6_V6ONLY setting, by the protocol's family rule.
std::vector<std::pair<net::SocketAddress, bool>> SpecResolver::addresses(std::uint16_t port) {
  std::vector<std::pair<net::SocketAddress, bool>> out;
  FamilyRule rule = spec_.family;
  bool want_v4 = rule == FamilyRule::both || rule == FamilyRule::v4;
  bool want_v6 = rule != FamilyRule::v4;
  bool v6only = rule != FamilyRule::dual;
  if (!spec_.host) {
    if (want_v4) out.emplace_back(net::SocketAddress::any_ipv4(port), false);
    if (want_v6) out.emplace_back(net::SocketAddress::any_ipv6(port), v6only);
    return out;
  }
  auto found = db_.host_addresses(*spec_.host);
  auto first_of = [&](int family) -> std::optional<net::SocketAddress> {
    for (const auto& a : found)
      if (a.family() == family) return a;
    return std::nullopt;
  };
  auto v4 = first_of(AF_INET);
  auto v6 = first_of(AF_INET6);
  if (rule == FamilyRule::dual && !v6 && v4) want_v4 = true;
  if (want_v4 && v4) out.emplace_back(*v4, false);
  if (want_v6 && v6) out.emplace_back(*v6, v6only);
  for (auto& [address, only] : out) address.set_port(port);
  if (out.empty()) {
    const char* which = rule == FamilyRule::v4        ? "IPv4 "
                        : rule == FamilyRule::v6_only ? "IPv6 "
                                                      : "";
    error(spec_.service_place,
          found.empty() ? fmt::format("unknown host \"{}\" (not an address, and the name does "
                                      "not resolve)",
                                      *spec_.host)
                        : fmt::format("host \"{}\" has no {}address for protocol {}", *spec_.host,
                                      which, spec_.protocol));
  }
  return out;
}

Credentials SpecResolver::credentials() {
  Credentials c;
  auto user = db_.user(spec_.user);
  if (!user) {
    error(spec_.user_place, fmt::format("unknown user \"{}\"", spec_.user));
    return c;
  }
  c.uid = user->uid;
  c.gid = user->gid;
  if (spec_.group) {
    auto gid = db_.group(*spec_.group);
    if (!gid) {
      Place place = spec_.user_place;
      place.column += static_cast<int>(spec_.user.size()) + 1;
      error(place, fmt::format("unknown group \"{}\"", *spec_.group));
      return c;
    }
    c.gid = *gid;
  }
  c.switch_user = db_.is_root();
  // groups = no: setgroups with the gid alone, so the server keeps none of the
  // user's other groups (xinetd's meaning).
  if (c.switch_user)
    c.groups = spec_.supplementary_groups ? db_.group_list(spec_.user, c.gid) : GroupList{c.gid};
  return c;
}

// passenv's variables from the loader's environment, then env's; a name
// given again replaces the earlier value (env wins, as in xinetd).
std::vector<std::string> SpecResolver::environment() {
  std::vector<std::string> out;
  auto name_of = [](std::string_view entry) { return entry.substr(0, entry.find('=')); };
  auto set = [&](std::string entry) {
    auto same = [&](const std::string& known) { return name_of(known) == name_of(entry); };
    if (auto it = std::find_if(out.begin(), out.end(), same); it != out.end())
      *it = std::move(entry);
    else
      out.push_back(std::move(entry));
  };
  for (const std::string& name : spec_.launch.passenv) {
    auto value = db_.environment_variable(name);
    if (!value) {
      warning(fmt::format("{}: passenv: {} is not in ninetd's environment; not passed",
                          spec_.display_name(), name));
      continue;
    }
    std::string entry = name + "=" + *value;
    if (entry.size() > config::kMaxVariableBytes) {
      warning(fmt::format("{}: passenv: {} is {} bytes, more than the limit of {}; not passed",
                          spec_.display_name(), name, entry.size(), config::kMaxVariableBytes));
      continue;
    }
    set(std::move(entry));
  }
  for (const std::string& entry : spec_.launch.env) set(entry);
  return out;
}

std::optional<LaunchSettings> SpecResolver::launch_settings() {
  const config::LaunchSpec& launch = spec_.launch;
  if (!spec_.login_class && launch.empty()) return std::nullopt;
  LaunchSettings settings;
  if (spec_.login_class) settings.login_class = LoginClass{*spec_.login_class, {}};
  settings.environment = environment();
  settings.nice = launch.nice;
  settings.umask = launch.umask;
  for (const config::RlimitSetting& limit : launch.rlimits)
    settings.limits.push_back(
        ResourceLimit{config::rlimit_kind(limit.which).resource, limit.value, limit.value});
  return settings;
}

// The banner files are read here, in the loader, once per load: a reload
// reads them again (xinetd opens them at every connection).
std::optional<ConnectionPolicy> SpecResolver::policy() {
  const config::PolicySpec& given = spec_.policy;
  ConnectionPolicy policy;
  for (std::size_t i = 0; i < config::kBannerKinds; ++i) {
    const config::BannerSpec& banner = given.banners[i];
    if (banner.path.empty()) continue;
    FileRead read = db_.read_file(banner.path, config::kMaxBannerBytes);
    if (read.problem.empty()) {
      policy.banners[i] = std::move(read.bytes);
      continue;
    }
    diagnostics_.push_back({banner.file.empty() ? spec_.file : banner.file, banner.place.line,
                            banner.place.column, Severity::error,
                            fmt::format("{} {}: {}; entry skipped",
                                        config::banner_key(static_cast<config::BannerKind>(i)),
                                        banner.path, read.problem)});
    ok_ = false;
  }
  policy.access_times = given.access_times;
  policy.max_load = given.max_load;
  return policy;
}

// As xinetd: a name's first address is the target. A port name is looked up
// for tcp in /etc/services.
std::optional<net::CompactAddress> SpecResolver::redirect_target() {
  const ServiceSpec::Redirect& r = *spec_.redirect;
  std::uint16_t port = 0;
  auto [end, ec] = std::from_chars(r.port.data(), r.port.data() + r.port.size(), port);
  if (ec != std::errc() || end != r.port.data() + r.port.size() || port == 0) {
    auto named = db_.service_port(r.port, "tcp");
    if (!named) {
      error(r.place, fmt::format("redirect: unknown service \"{}\" for tcp (not in "
                                 "/etc/services; give a port number 1-65535 instead)",
                                 r.port));
      return std::nullopt;
    }
    port = *named;
  }
  std::optional<net::SocketAddress> address = net::SocketAddress::from_numeric(r.host, port);
  if (!address) {
    auto found = db_.host_addresses(r.host);
    auto ip = std::find_if(found.begin(), found.end(), [](const net::SocketAddress& a) {
      return a.family() == AF_INET || a.family() == AF_INET6;
    });
    if (ip == found.end()) {
      error(r.place,
            fmt::format("redirect: unknown host \"{}\" (not an address, and the name does not "
                        "resolve)",
                        r.host));
      return std::nullopt;
    }
    address = *ip;
    address->set_port(port);
  }
  return net::CompactAddress(*address);
}

// One block for the sockets of the entry, null when it has none of the parts.
ExtrasRef SpecResolver::extras(std::optional<LaunchSettings> launch) {
  ServiceExtras extras;
  extras.launch = std::move(launch);
  extras.policy = policy();
  if (spec_.redirect) extras.redirect = redirect_target();
  extras.libwrap = spec_.libwrap;
  return ExtrasRef::make(std::move(extras));
}

std::vector<Service> SpecResolver::resolve() {
  Service base;
  base.name = spec_.display_name();
  base.line = spec_.line;
  base.file = spec_.file_index;
  base.socket_type = spec_.socket_type;
  base.transport = spec_.transport;
  base.sndbuf = spec_.sndbuf;
  base.rcvbuf = spec_.rcvbuf;
  base.listen_fds = spec_.listen_fds;
  base.defer_accept = spec_.defer_accept;
  base.nodelay = spec_.nodelay;
  base.keepalive = spec_.keepalive;
  base.allow_given = spec_.allow_given;
  base.deny_given = spec_.deny_given;
  base.access_rules = spec_.access_rules;
  base.wait_mode = spec_.wait_mode;
  base.log_on_success = spec_.log_on_success;
  base.log_on_failure = spec_.log_on_failure;
  base.limits =
      Limits{spec_.max_child.value_or(0), spec_.max_per_minute.value_or(0),
             spec_.max_conn_per_ip_per_minute.value_or(0), spec_.max_child_per_ip.value_or(0)};
  base.builtin = spec_.builtin;
  base.tcpmux = spec_.tcpmux;
  base.tcpmux_plus = spec_.tcpmux_plus;
  base.program = spec_.program;
  base.argv = spec_.args;
  std::optional<LaunchSettings> launch = launch_settings();  // its warnings first, as before
  base.credentials = credentials();
  base.extras = extras(std::move(launch));

  std::vector<Service> out;
  if (spec_.tcpmux && spec_.rpc) {
    error(spec_.protocol_place,
          "a tcpmux/ service has no socket of its own to register with rpcbind (use protocol tcp)");
  } else if (spec_.tcpmux) {
    base.tcpmux_name = config::tcpmux_key(spec_.service);
    out.push_back(base);
  } else if (spec_.transport == Transport::local) {
    auto address = net::SocketAddress::from_path(spec_.service);
    if (!address)
      error(spec_.service_place,
            fmt::format("unix socket path is {} bytes long, longer than the limit of {} bytes",
                        spec_.service.size(), sizeof(sockaddr_un::sun_path) - 1));
    else
      base.address = *address;
    out.push_back(base);
  } else if (spec_.rpc) {
    out = rpc_sockets(base);
  } else if (auto number = port()) {
    for (auto& [address, v6only] : addresses(*number)) {
      out.push_back(base);
      out.back().address = address;
      out.back().v6only = v6only;
    }
  }
  if (!ok_) out.clear();
  return out;
}

// What a socket occupies in the kernel's tables, so two entries that could
// not both bind are caught here with both lines named, not at bind time.
// IPV6_V6ONLY does not make [::]:7 a different socket from [::]:7, and a
// dual-stack wildcard socket also takes the IPv4 wildcard address.
std::vector<std::string> occupied(const Service& service) {
  if (service.tcpmux) return {fmt::format("tcpmux {}", service.tcpmux_name)};
  std::string address = service.address.to_string();
  if (service.transport == Transport::local) return {"unix " + address};
  const char* transport = service.transport == Transport::udp ? "udp" : "tcp";
  // Port 0 is no socket of its own: an RPC program has one entry per transport and family.
  if (service.is_rpc())
    return {fmt::format("rpc {} {} {}", transport, service.rpc_program, service.address.family())};
  std::vector<std::string> keys{fmt::format("{} {}", transport, address)};
  if (service.address.family() == AF_INET6 && service.address.is_any() && !service.v6only)
    keys.push_back(fmt::format("{} {}", transport,
                               net::SocketAddress::any_ipv4(service.address.port()).to_string()));
  return keys;
}

// The service already on a socket: its entry, and its place in the result.
struct Holder {
  const ServiceSpec* spec = nullptr;
  std::size_t index = 0;
};

// Adds one entry's services to the result, or reports why it cannot be added.
class EntryAdder {
 public:
  EntryAdder(const ServiceSpec& spec, std::map<std::string, Holder>& defined, ResolveResult& result,
             std::vector<Diagnostic>& diagnostics)
      : spec_(spec), defined_(defined), result_(result), diagnostics_(diagnostics) {}

  void add(std::vector<Service> services);

 private:
  // The holder of a socket that `service` would take too, if any.
  const Holder* taken(const std::vector<std::string>& keys) const {
    for (const auto& key : keys)
      if (auto it = defined_.find(key); it != defined_.end()) return &it->second;
    return nullptr;
  }
  void report_clash(const Service& service, const ServiceSpec& first);
  void warn_twin(const Service& twin, const Holder& holder, const std::vector<Service>& services,
                 const std::vector<bool>& is_twin);

  const ServiceSpec& spec_;
  std::map<std::string, Holder>& defined_;
  ResolveResult& result_;
  std::vector<Diagnostic>& diagnostics_;
};

void EntryAdder::report_clash(const Service& service, const ServiceSpec& first) {
  std::string where = service.tcpmux ? fmt::format("tcpmux name \"{}\"", service.tcpmux_name)
                                     : service.address.to_string();
  diagnostics_.push_back(
      {spec_.file, spec_.line, spec_.service_place.column, Severity::error,
       fmt::format("{} on {} is already defined at {}:{} by {}; entry skipped", service.name, where,
                   first.file, first.line, first.display_name())});
}

void EntryAdder::warn_twin(const Service& twin, const Holder& holder,
                           const std::vector<Service>& services, const std::vector<bool>& is_twin) {
  std::string added;
  for (std::size_t i = 0; i < services.size(); ++i) {
    if (is_twin[i]) continue;
    if (!added.empty()) added += ", ";
    added += services[i].address.to_string();
  }
  const ServiceSpec& first = *holder.spec;
  diagnostics_.push_back(
      {spec_.file, spec_.line, spec_.service_place.column, Severity::warning,
       fmt::format("{} on {} is the same service as {} at {}:{}, which already opens that socket "
                   "(ninetd's \"{}\" is IPv4 and IPv6); {}",
                   twin.name, twin.address.to_string(), first.display_name(), first.file,
                   first.line, twin.transport == Transport::udp ? "udp" : "tcp",
                   added.empty() ? std::string("served once")
                                 : fmt::format("served once, this line adding only {}", added))});
}

void EntryAdder::add(std::vector<Service> services) {
  std::vector<std::vector<std::string>> keys_of;  // one list per service, made once
  std::vector<bool> is_twin(services.size(), false);
  const Holder* twin_holder = nullptr;
  std::size_t twin_index = 0;
  for (std::size_t i = 0; i < services.size(); ++i) {
    const Holder* holder = taken(keys_of.emplace_back(occupied(services[i])));
    if (holder == nullptr) continue;
    if (family_twins(result_.services[holder->index], holder->spec->family, services[i],
                     spec_.family)) {
      is_twin[i] = true;
      twin_holder = holder;
      twin_index = i;
      continue;
    }
    report_clash(services[i], *holder->spec);
    services.clear();
    break;
  }
  if (services.empty()) {
    result_.failed.push_back({spec_.line, spec_.service, spec_.protocol});
    return;
  }
  if (twin_holder != nullptr) warn_twin(services[twin_index], *twin_holder, services, is_twin);
  for (std::size_t i = 0; i < services.size(); ++i) {
    if (is_twin[i]) continue;
    for (auto& key : keys_of[i])
      defined_.emplace(std::move(key), Holder{&spec_, result_.services.size()});
    result_.services.push_back(std::move(services[i]));
  }
}

}  // namespace

// The spec's log_type as 1 + its index in the load's targets: one target per
// syslog priority or per file (services naming one file share it, with the
// smallest limits any of them gives); 0 for the daemon's own log.
std::uint8_t log_target_of(const ServiceSpec& spec, std::vector<config::LogTarget>& targets,
                           std::vector<Diagnostic>& diagnostics) {
  if (!spec.log_type) return 0;
  const config::LogTarget& wanted = *spec.log_type;
  auto smaller = [](std::uint64_t a, std::uint64_t b) {
    return a == 0 ? b : b == 0 ? a : std::min(a, b);
  };
  for (std::size_t i = 0; i < targets.size(); ++i) {
    config::LogTarget& target = targets[i];
    if (target.kind != wanted.kind) continue;
    if (wanted.kind == config::LogTarget::Kind::syslog ? target.priority != wanted.priority
                                                       : target.path != wanted.path)
      continue;
    target.soft_limit = smaller(target.soft_limit, wanted.soft_limit);
    target.hard_limit = smaller(target.hard_limit, wanted.hard_limit);
    return static_cast<std::uint8_t>(i + 1);
  }
  if (targets.size() >= kMaxLogTargets) {
    diagnostics.push_back({spec.file, spec.line, 0, Severity::warning,
                           fmt::format("more than {} log_type targets: {} logs to the daemon's "
                                       "own log",
                                       kMaxLogTargets, spec.display_name())});
    return 0;
  }
  targets.push_back(wanted);
  return static_cast<std::uint8_t>(targets.size());
}

ResolveResult resolve(const std::vector<ServiceSpec>& specs, SystemDb& db,
                      std::vector<Diagnostic>& diagnostics) {
  ResolveResult result;
  std::map<std::string, Holder> defined;
  for (const ServiceSpec& spec : specs) {
    std::vector<Service> services = SpecResolver(spec, db, diagnostics).resolve();
    if (!services.empty()) {
      std::uint8_t target = log_target_of(spec, result.log_targets, diagnostics);
      for (Service& service : services) service.log_target = target;
    }
    EntryAdder(spec, defined, result, diagnostics).add(std::move(services));
  }
  return result;
}

}  // namespace ninetd::services
