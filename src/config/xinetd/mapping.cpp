#include "config/xinetd/mapping.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "builtins/table.h"
#include "config/deny_time.h"
#include "config/policy_fields.h"
#include "config/wrap_name.h"
#include "config/xinetd/address.h"

namespace ninetd::config::xinetd {
namespace {

enum class FlagEffect { v4, v6, name_in_args, nodelay, keepalive, sensor, silent, not_supported };

struct FlagRow {
  std::string_view name;
  FlagEffect effect;
};

// xinetd's flags. REUSE: ninetd always sets SO_REUSEADDR; NORETRY: ninetd
// never retries a launch that failed. The others that change nothing in
// ninetd are warned about, each by name.
constexpr std::array<FlagRow, 12> kFlags{{
    {"IPv4", FlagEffect::v4},
    {"IPv6", FlagEffect::v6},
    {"NAMEINARGS", FlagEffect::name_in_args},
    {"REUSE", FlagEffect::silent},
    {"NORETRY", FlagEffect::silent},
    {"NODELAY", FlagEffect::nodelay},
    {"KEEPALIVE", FlagEffect::keepalive},
    {"INTERCEPT", FlagEffect::not_supported},
    {"IDONLY", FlagEffect::not_supported},
    {"NOLIBWRAP", FlagEffect::not_supported},
    {"SENSOR", FlagEffect::sensor},
    {"LABELED", FlagEffect::not_supported},
}};

std::string basename_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool listed(const Setting* setting, std::string_view id) {
  return setting != nullptr && std::any_of(setting->values.begin(), setting->values.end(),
                                           [&](const Word& word) { return word.text == id; });
}

}  // namespace

Mapper::Mapper(const std::string& file, const Block& block, std::vector<Diagnostic>& diagnostics)
    : file_(file),
      block_(block),
      diagnostics_(diagnostics),
      fields_(file, block.keyword.line, diagnostics) {}

void Mapper::error(const Setting& setting, const Word& word, std::string message) {
  if (setting.file == file_) {
    fields_.error(word, 0, std::move(message));
    return;
  }
  diagnostics_.push_back(
      {setting.file, word.line, word.column, Severity::error, std::move(message)});
  ok_ = false;
}

// Every warning about a service is also a note on its spec: what the
// service's own lines or the defaults said that ninetd does not carry.
void Mapper::warning(const Setting& setting, const Word& word, std::string message) {
  spec().notes.push_back(fmt::format("{}:{}: {}", setting.file, word.line, message));
  diagnostics_.push_back(
      {setting.file, word.line, word.column, Severity::warning, std::move(message)});
}

// The attribute as written (after the defaults), for the note that says it
// is not applied; check_block has warned about it already.
void Mapper::note_not_applied(const Setting& setting) {
  std::string written(setting.row->name);
  written += " =";
  for (const Word& value : setting.values) written += " " + value.text;
  spec().notes.push_back(fmt::format("{}:{}: {}{} is not supported by ninetd yet; not applied",
                                     setting.file, setting.name.line, written,
                                     setting.from_defaults ? " (from defaults)" : ""));
}

void Mapper::set_bind(const Setting& setting) {
  if (bind != nullptr) {
    error(setting, setting.name,
          fmt::format("bind and interface are one setting; {} is given already (line {})",
                      bind->row->name, bind->name.line));
    return;
  }
  bind = &setting;
}

void Mapper::set_limit(const Setting& setting, std::optional<unsigned>& target) {
  const Word& word = setting.values[0];
  if (word.text == "UNLIMITED") {
    target.reset();
    return;
  }
  auto value = parse_number(word.text, kMaxLimit);
  if (!value || *value == 0) {
    error(setting, word,
          fmt::format("{} must be a number from 1 to {} or UNLIMITED, got \"{}\"",
                      setting.row->name, kMaxLimit, word.text));
    return;
  }
  target = static_cast<unsigned>(*value);
}

// xinetd's cps = N SECONDS: past N connections in one second it closes the
// service and reopens it SECONDS later, refusing every client meanwhile.
// ninetd's launch rate pauses the listener instead: the connections wait in
// the kernel's backlog and are served once the minute's window lets them
// through, none refused. The rate kept is N * 60 per minute, so the long-run
// rate xinetd allows is the same; SECONDS has no counterpart and is only
// checked. A bursty client sees ninetd serve what xinetd would refuse.
void Mapper::set_cps(const Setting& setting) {
  const Word& rate = setting.values[0];
  auto per_second = parse_number(rate.text, kMaxLimit / 60);
  if (!per_second || *per_second == 0) {
    error(setting, rate,
          fmt::format("cps needs connections per second from 1 to {}, got \"{}\"", kMaxLimit / 60,
                      rate.text));
    return;
  }
  const Word& pause = setting.values[1];
  if (!parse_number(pause.text, kMaxLimit)) {
    error(setting, pause,
          fmt::format("cps needs the seconds to wait as a number, got \"{}\"", pause.text));
    return;
  }
  spec().max_per_minute = static_cast<unsigned>(*per_second * 60);
  spec().notes.push_back(fmt::format(
      "{}:{}: cps = {} {} became rate = {} (launches a minute); ninetd holds the clients over "
      "it in the backlog instead of refusing them for {} s",
      setting.file, setting.name.line, rate.text, pause.text, *spec().max_per_minute, pause.text));
}

void Mapper::set_launch(const Setting& setting) {
  for (LaunchProblem& problem : read_launch_setting(setting.name, setting.values, spec().launch)) {
    if (problem.warning)
      warning(setting, problem.where, std::move(problem.message));
    else
      error(setting, problem.where, std::move(problem.message));
  }
}

void Mapper::set_access(const Setting& setting, bool allow) {
  (allow ? only_from : no_access) = &setting;
  (allow ? spec().allow_given : spec().deny_given) = true;
  for (const Word& value : setting.values) {
    AddressForm form = parse_address_form(value.text);
    switch (form.kind) {
      case AddressForm::Kind::prefixes:
        for (const auto& prefix : form.prefixes) spec().access_rules.push_back({prefix, allow});
        break;
      case AddressForm::Kind::name:
        warning(setting, value,
                fmt::format("{}: \"{}\" is a name, which ninetd does not look up: {}",
                            setting.row->name, value.text,
                            allow ? "no client is served by it" : "its clients are NOT refused"));
        break;
      case AddressForm::Kind::bad:
        error(setting, value,
              fmt::format("{}: \"{}\": {}", setting.row->name, value.text, form.problem));
        break;
    }
  }
}

LogReport Mapper::reporter(const Setting& setting) {
  return [this, &setting](const Word& word, Severity severity, std::string message) {
    if (severity == Severity::error)
      error(setting, word, std::move(message));
    else
      warning(setting, word, std::move(message));
  };
}

void Mapper::set_log_flags(const Setting& setting, bool success) {
  auto parsed = parse_log_flags(setting.values, success, setting.row->name, reporter(setting));
  if (parsed) (success ? spec().log_on_success : spec().log_on_failure) = *parsed;
}

void Mapper::set_log_type(const Setting& setting) {
  spec().log_type = parse_log_type(setting.values, setting.name, reporter(setting));
}

void Mapper::set_banner(const Setting& setting, BannerKind kind) {
  const Word& value = setting.values[0];
  if (auto problem = banner_path_problem(value.text); !problem.empty()) {
    error(setting, value, fmt::format("{} {}", setting.row->name, problem));
    return;
  }
  auto index = static_cast<std::size_t>(kind);
  banners[index] = &setting;
  spec().policy.banners[index] = {value.text, setting.file, {value.line, value.column}};
}

void Mapper::set_access_times(const Setting& setting) {
  access_times = &setting;
  const Word* bad = nullptr;
  if (auto problem = read_access_times(setting.values, spec().policy, bad); !problem.empty())
    error(setting, *bad, fmt::format("access_times: {}", problem));
}

void Mapper::set_max_load(const Setting& setting) {
  max_load = &setting;
  if (auto problem = read_max_load(setting.values[0], spec().policy); !problem.empty())
    error(setting, setting.values[0], problem);
  else if (auto caution = max_load_warning(spec().policy); !caution.empty())
    warning(setting, setting.name, caution);
}

void Mapper::set_groups(const Setting& setting) {
  if (auto value = yes_no(&setting)) spec().supplementary_groups = *value;
}

void Mapper::set_libwrap(const Setting& setting) {
  const Word& name = setting.values[0];
  if (auto problem = wrap_name_problem(name.text); !problem.empty())
    return error(setting, name, std::move(problem));
  spec().libwrap = name.text;
}

std::optional<bool> Mapper::yes_no(const Setting* setting) {
  if (setting == nullptr) return std::nullopt;
  const Word& word = setting->values[0];
  if (word.text == "yes" || word.text == "no") return word.text == "yes";
  error(*setting, word,
        fmt::format("{} takes yes or no, got \"{}\"", setting->row->name, word.text));
  return std::nullopt;
}

Mapper::Types Mapper::read_types() {
  Types types;
  if (type == nullptr) return types;
  for (const Word& word : type->values) {
    const std::string& t = word.text;
    if (t == "INTERNAL")
      types.internal = true;
    else if (t == "UNLISTED")
      types.unlisted = true;
    else if (t == "TCPMUX" || t == "TCPMUXPLUS")
      (t == "TCPMUX" ? types.tcpmux : types.tcpmux_plus) = true;
    else if (t == "RPC")
      error(*type, word, "RPC services are not supported by ninetd");
    else
      error(
          *type, word,
          fmt::format("unknown type \"{}\" (expected INTERNAL, UNLISTED, TCPMUX, TCPMUXPLUS)", t));
  }
  return types;
}

Mapper::Flags Mapper::read_flags() {
  Flags out;
  if (flags == nullptr) return out;
  for (const Word& word : flags->values) {
    const FlagRow* row = nullptr;
    for (const FlagRow& candidate : kFlags)
      if (candidate.name == word.text) row = &candidate;
    if (row == nullptr) {
      error(*flags, word, fmt::format("unknown flag \"{}\"", word.text));
      continue;
    }
    switch (row->effect) {
      case FlagEffect::v4:
        out.v4 = true;
        break;
      case FlagEffect::v6:
        out.v6 = true;
        break;
      case FlagEffect::name_in_args:
        out.name_in_args = true;
        break;
      case FlagEffect::nodelay:
        spec().nodelay = true;
        break;
      case FlagEffect::keepalive:
        spec().keepalive = true;
        break;
      case FlagEffect::sensor:
        out.sensor = true;
        break;
      case FlagEffect::silent:
        break;
      case FlagEffect::not_supported:
        warning(*flags, word,
                fmt::format("flag {} is not supported by ninetd; it is ignored", word.text));
        break;
    }
  }
  return out;
}

// tcp or udp (from socket_type when left out) with the family the flags ask
// for: IPv4 alone tcp4; IPv6 alone tcp46, as xinetd's IPv6 socket takes IPv4
// clients too unless v6only = yes (tcp6); neither or both, ninetd's tcp.
Word Mapper::protocol_word(const Flags& given) {
  Word word = where();
  std::string base;
  if (protocol != nullptr) {
    word = protocol->values[0];
    base = word.text;
    if (base != "tcp" && base != "udp") {
      error(*protocol, word,
            fmt::format("protocol \"{}\" is not supported by ninetd (expected tcp or udp)", base));
      base.clear();
    }
  }
  if (base.empty()) {
    if (socket_type != nullptr && protocol == nullptr) word = socket_type->values[0];
    base = socket_type != nullptr && socket_type->values[0].text == "dgram" ? "udp" : "tcp";
  }
  bool only6 = yes_no(v6only).value_or(false);
  if (given.v4 && !given.v6)
    base += "4";
  else if (given.v6 && !given.v4)
    base += only6 ? "6" : "46";
  else if (v6only != nullptr)
    warning(*v6only, v6only->name,
            "v6only applies to a service with flags IPv6 only; it is ignored");
  word.text = base;
  return word;
}

// The service word the inetd.conf reader takes: tcpmux/[+]NAME, the port
// when one is given (UNLISTED needs one; a listed service's port, which
// xinetd checks against /etc/services, is used as it is), or the name.
void Mapper::map_service_name(const Types& types, std::vector<std::string>& hosts) {
  const Word& name = block_.name;
  Word word = name;
  if (types.tcpmux || types.tcpmux_plus) {
    if (port != nullptr)
      warning(*port, port->name, "port is ignored: a TCPMUX service is reached through tcpmux");
    word.text = fmt::format("tcpmux/{}{}", types.tcpmux_plus ? "+" : "", name.text);
  } else if (name.text.find_first_of(":/[") != std::string::npos) {
    fields_.error(name, 0,
                  fmt::format("service name \"{}\" may not hold ':', '/' or '['", name.text));
    return;
  } else if (port != nullptr) {
    word = port->values[0];
    auto number = parse_number(word.text, 65535);
    if (!number || *number == 0) {
      error(*port, word,
            fmt::format("port must be a number from 1 to 65535, got \"{}\"", word.text));
      return;
    }
  } else if (types.unlisted) {
    require(name, fmt::format("UNLISTED service {} needs a port", name.text));
    return;
  }
  fields_.parse_service(word, DefaultHost{}, hosts);
  // Logs and the table name it as xinetd does, not by its port.
  // An id is any word in xinetd; one that would read as a host or a path in
  // field 1 leaves the block's name (which is checked above) in its place.
  if (port != nullptr && !types.tcpmux && !types.tcpmux_plus) {
    bool id_fits = id != nullptr && id->values[0].text.find_first_of(":/[") == std::string::npos;
    spec().label = id_fits ? id->values[0].text : name.text;
  }
}

void Mapper::map_socket_type() {
  if (socket_type == nullptr) {
    require(where(), "socket_type is required (stream, dgram, raw or seqpacket)");
    return;
  }
  const Word& word = socket_type->values[0];
  if (word.text.find_first_of(",:") != std::string::npos)
    fields_.error(word, 0,
                  fmt::format("unknown socket type \"{}\" (expected stream, dgram, raw or "
                              "seqpacket)",
                              word.text));
  else
    fields_.parse_socket_type(word);
}

// ninetd decides wait for its builtins, as for NetBSD's internal services.
void Mapper::map_wait(const Types& types) {
  std::optional<bool> given = yes_no(wait);
  if (types.internal) {
    bool nowait = spec().socket_type != SocketType::dgram;
    if (given && *given == nowait)
      warning(*wait, wait->values[0],
              fmt::format("wait for an INTERNAL service over {} is \"{}\" whatever is given",
                          nowait ? "stream" : "dgram", nowait ? "no" : "yes"));
    spec().wait_mode = nowait ? WaitMode::nowait : WaitMode::wait;
    return;
  }
  // A redirecting service can only be wait = no, which may go unsaid.
  if (wait == nullptr && redirect == nullptr) require(where(), "wait is required (yes or no)");
  if (given) spec().wait_mode = *given ? WaitMode::wait : WaitMode::nowait;
}

void Mapper::map_user(const Types& types) {
  if (user != nullptr) {
    spec().user = user->values[0].text;
    spec().user_place = {user->values[0].line, user->values[0].column};
  } else if (types.internal || redirect != nullptr) {
    // A builtin or a forwarder runs in the daemon: the user changes nothing.
    spec().user = "root";
  } else {
    require(where(), "user is required (the user the server runs as)");
  }
  if (group != nullptr) spec().group = group->values[0].text;
}

// xinetd: SENSOR makes the service INTERNAL "no matter what is typed"; its
// clients are refused by every service for deny_time (default 0: only logged).
void Mapper::map_sensor() {
  if (server != nullptr)
    warning(*server, server->name, "server is ignored: the service is a SENSOR");
  if (server_args != nullptr && !server_args->values.empty())
    warning(*server_args, server_args->name, "server_args is ignored: the service is a SENSOR");
  const Word& name = block_.name;
  if (builtin_from_name(spec().service)) {
    fields_.error(flags_word(), 0,
                  fmt::format("flags = SENSOR on service {}: ninetd would read it as its builtin "
                              "{} (give the service a port)",
                              name.text, spec().service));
    return;
  }
  std::vector<Word> argv{Word{"sensor", name.line, name.column}};
  if (deny_time != nullptr) argv.push_back(deny_time->values[0]);
  fields_.parse_program(Word{"internal", name.line, name.column}, argv);
}

void Mapper::map_internal(const Setting* args) {
  if (server != nullptr)
    warning(*server, server->name, "server is ignored: the service is INTERNAL");
  if (args != nullptr && !args->values.empty())
    warning(*args, args->name, "server_args is ignored: the service is INTERNAL");
  const Word& name = block_.name;
  if (!builtin_from_name(name.text)) {
    fields_.error(type != nullptr ? type->name : name, 0,
                  fmt::format("INTERNAL service \"{}\" is not a ninetd builtin (expected {})",
                              name.text, builtins::names_for_humans()));
    return;
  }
  // The builtin is the service's name, whatever port it listens on.
  std::vector<Word> argv{name};
  fields_.parse_program(Word{"internal", name.line, name.column}, argv);
}

// xinetd: "The server attribute is not required when this option is
// specified"; given, the redirect wins and the server is never run.
void Mapper::map_redirect(const Types& types) {
  if (types.internal) {
    error(*redirect, redirect->name, "redirect and type = INTERNAL exclude each other");
    return;
  }
  if (server != nullptr) warning(*server, server->name, "server is ignored: the service redirects");
  if (server_args != nullptr && !server_args->values.empty())
    warning(*server_args, server_args->name, "server_args is ignored: the service redirects");
  fields_.set_redirect(redirect->values[0], redirect->values[1]);
}

// argv0 is the server's basename, or with NAMEINARGS server_args' first word.
void Mapper::map_program(const Types& types, const Flags& given) {
  if (redirect != nullptr) return map_redirect(types);
  if (types.sensor) return map_sensor();
  if (types.internal) {
    map_internal(server_args);
    return;
  }
  if (server == nullptr) {
    require(where(), "server is required (the program to run), or type = INTERNAL");
    return;
  }
  const Word& program = server->values[0];
  std::vector<Word> argv;
  if (!given.name_in_args)
    argv.push_back(Word{basename_of(program.text), program.line, program.column});
  if (server_args != nullptr)
    argv.insert(argv.end(), server_args->values.begin(), server_args->values.end());
  if (argv.empty()) {
    require(flags_word(), "NAMEINARGS needs server_args, argv0 first");
    return;
  }
  fields_.parse_program(program, argv);
}

void Mapper::require(const Word& word, std::string message) {
  if (off_)
    incomplete_ = true;
  else
    fields_.error(word, 0, std::move(message));
}

bool Mapper::switched_off() {
  const std::string& service_id = id != nullptr ? id->values[0].text : block_.name.text;
  bool off = yes_no(disable).value_or(false);
  if (listed(disabled, service_id)) off = true;
  if (enabled != nullptr && !listed(enabled, service_id)) off = true;
  return off;
}

void Mapper::map_bind(std::vector<std::string>& hosts) {
  if (bind == nullptr) return;
  if (spec().tcpmux) {
    warning(*bind, bind->name, "bind is ignored: a TCPMUX service has no socket of its own");
    return;
  }
  hosts.assign(1, bind->values[0].text);
}

// deny_time is the sensor's argument (config/deny_time.h); without SENSOR it
// means nothing, as in xinetd, and only a service's own is warned about.
void Mapper::check_deny_time(bool sensor) {
  if (deny_time == nullptr) return;
  const Word& value = deny_time->values[0];
  if (!parse_deny_time(value.text)) {
    error(*deny_time, value,
          fmt::format("deny_time must be minutes from 0 to {}, FOREVER or NEVER, got \"{}\"",
                      kMaxDenyMinutes, value.text));
    deny_time = nullptr;
    return;
  }
  if (!sensor && !deny_time->from_defaults)
    warning(*deny_time, deny_time->name,
            "deny_time applies to a service with flags = SENSOR only; it is ignored");
  if (!sensor) deny_time = nullptr;
}

// The daemon checks a client's address where it sees the client: a stream
// service with wait = yes accepts its connections in the server.
void Mapper::check_access() {
  if (!spec().allow_given && !spec().deny_given) return;
  if (spec().wait_mode != WaitMode::wait || spec().socket_type != SocketType::stream) return;
  for (const Setting* setting : {only_from, no_access}) {
    if (setting == nullptr) continue;
    if (!setting->from_defaults) {
      error(*setting, setting->name,
            fmt::format("{} cannot apply to a stream service with wait = yes: its server "
                        "accepts the connections itself",
                        setting->row->name));
    } else {
      warning(*setting, setting->name,
              fmt::format("{} from defaults is not applied to service {} (stream, wait = yes: "
                          "its server accepts the connections itself)",
                          setting->row->name, block_.name.text));
    }
  }
  spec().access_rules.clear();
  spec().allow_given = spec().deny_given = false;
}

// As check_access: banners need a connection the daemon accepts, and
// access_times and max_load a client it sees. What the service gives itself
// and cannot apply is an error (a banner only a warning: the service works
// without it); what defaults give is a warning and left out.
void Mapper::check_policy() {
  PolicySpec& policy = spec().policy;
  if (std::string_view why = banner_misfit(spec()); !why.empty()) {
    for (std::size_t i = 0; i < kBannerKinds; ++i) {
      if (banners[i] == nullptr) continue;
      warning(*banners[i], banners[i]->name,
              fmt::format("{} is ignored for service {}: {}", banners[i]->row->name,
                          block_.name.text, why));
      policy.banners[i] = {};
    }
  }
  std::string_view why = admission_misfit(spec());
  if (why.empty()) return;
  for (const Setting* setting : {access_times, max_load}) {
    if (setting == nullptr) continue;
    if (setting->from_defaults)
      warning(*setting, setting->name,
              fmt::format("{} from defaults is not applied to service {}: {}", setting->row->name,
                          block_.name.text, why));
    else
      error(*setting, setting->name,
            fmt::format("{} cannot apply to this service: {}", setting->row->name, why));
  }
  policy.access_times.clear();
  policy.access_times_given = false;
  policy.max_load.reset();
}

MapResult Mapper::run(const std::vector<Setting>& settings) {
  for (const AttributeRow& row : attribute_table())
    if (const Setting* setting = find_setting(settings, row.name)) {
      if (row.apply != nullptr) row.apply(*this, *setting);
      if (row.support == Support::not_yet) note_not_applied(*setting);
    }
  off_ = switched_off();
  Types types = read_types();
  Flags read = read_flags();
  check_deny_time(read.sensor);
  types.sensor = read.sensor;
  types.internal = types.internal || read.sensor;
  std::vector<std::string> hosts;
  fields_.parse_protocol(protocol_word(read));
  map_service_name(types, hosts);
  map_socket_type();
  map_wait(types);
  map_user(types);
  // xinetd's default: a server gets no supplementary groups unless `groups = yes` (in the
  // service or its defaults) says so; the inetd.conf forms keep initgroups' default. A
  // builtin or a forwarder runs in the daemon, where groups mean nothing.
  if (!types.internal && redirect == nullptr && find_setting(settings, "groups") == nullptr)
    spec().supplementary_groups = false;
  map_program(types, read);
  map_bind(hosts);
  check_access();
  check_policy();
  if (fields_.ok() && ok_ && !incomplete_) {
    Word protocol_at = protocol != nullptr ? protocol->values[0] : where();
    fields_.check_combination(socket_type != nullptr ? socket_type->values[0] : where(),
                              protocol_at, wait != nullptr ? wait->values[0] : where());
  }
  MapResult result;
  result.switched_off = off_;
  if (incomplete_) return result;
  if (!ok_) {
    result.failed = true;
    result.failed_entry = {spec().line, spec().service, spec().protocol};
    return result;
  }
  result.specs = finish_specs(fields_, hosts, result.failed_entry);
  result.failed = result.specs.empty();
  return result;
}

MapResult map_service(const std::string& file, const Block& block,
                      const std::vector<Setting>& settings, std::vector<Diagnostic>& diagnostics) {
  return Mapper(file, block, diagnostics).run(settings);
}

}  // namespace ninetd::config::xinetd
