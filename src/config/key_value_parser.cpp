// KeyValueParser (key_value_parser.h): one key=value entry to its specs. The
// table's rows read the keys; what is left here needs the whole entry: the
// unknown and repeated keys, the value counts, bind, and the checks that hold
// only once every key is read.
#include "config/key_value_parser.h"

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/key_suggestion.h"
#include "config/key_values.h"
#include "config/policy_fields.h"

namespace ninetd::config::key_values_detail {

void KeyValueParser::apply_port(const Word& value) {
  ServiceSpec& s = spec();
  if (s.tcpmux || s.rpc || s.transport == Transport::local) {
    fields_.error(value, 0, "port applies to tcp and udp services only");
    return;
  }
  auto number = parse_number(value.text, 65535);
  if (!number || *number == 0) {
    fields_.error(value, 0,
                  fmt::format("port must be a number from 1 to 65535, got \"{}\"", value.text));
    return;
  }
  if (s.service.empty()) return;  // the service word had errors, reported already
  s.label = std::move(s.service);
  s.service = value.text;
}

// Unknown and repeated keys are reported once, before any is applied.
void KeyValueParser::check_keys() {
  for (const Option& option : entry_.options) {
    const KeyRow* row = nullptr;
    for (const KeyRow& candidate : key_rows())
      if (candidate.description.name == option.key.text) row = &candidate;
    if (row == nullptr) {
      // The rows' names, read in place: a list of them (key_descriptions())
      // would be one more relocated table in every daemon's memory.
      ClosestName closest(option.key.text);
      for (const KeyRow& known : key_rows()) closest.offer(known.description.name);
      fields_.error(option.key, 0, unknown_key_message(option.key.text, closest.best()));
      continue;
    }
    for (const Option* earlier : seen_) {
      if (earlier->key.text == option.key.text)
        fields_.error(option.key, 0,
                      fmt::format("{} is given twice (first at line {}, column {})",
                                  option.key.text, earlier->key.line, earlier->key.column));
    }
    seen_.push_back(&option);
  }
}

const Option* KeyValueParser::find_checked(const KeyRow& row) {
  const Option* option = nullptr;
  for (const Option* candidate : seen_)
    if (candidate->key.text == row.description.name) option = candidate;
  if (option == nullptr) return nullptr;
  std::size_t n = option->values.size();
  if (n < row.min_values || n > row.max_values) {
    std::string wanted =
        row.max_values == SIZE_MAX ? fmt::format("at least {} value", row.min_values)
        : row.min_values == row.max_values
            ? fmt::format("{} value{}", row.min_values, row.max_values == 1 ? "" : "s")
            : fmt::format("{} to {} values", row.min_values, row.max_values);
    fields_.error(option->key, 0,
                  fmt::format("{} takes {} ({}), got {}", row.description.name, wanted,
                              row.description.values, n));
    return nullptr;
  }
  return option;
}

void KeyValueParser::apply_bind(std::vector<std::string>& hosts) {
  if (!bind_word) return;
  const std::string& service = entry_.words[0].text;
  if (spec().transport == Transport::local || spec().tcpmux) {
    fields_.warning(*bind_word, 0, "bind is ignored: this service has no address of its own");
    hosts.clear();
    return;
  }
  if (service.find(':') != std::string::npos) {
    fields_.error(*bind_word, 0,
                  "the address is given twice: in bind and before the service's \":\"");
    return;
  }
  hosts.clear();
  if (bind_word->text != "*") hosts.push_back(bind_word->text);
}

// The daemon checks a client's address where it sees the client: at accept,
// or at the datagram that wakes a dgram service.
void KeyValueParser::check_access_applies() {
  if (spec().transport == Transport::local)
    fields_.error(entry_.words[0], 0,
                  "allow and deny need an IP protocol: a unix socket's clients have no address");
  else if (wait && *wait && spec().socket_type == SocketType::stream)
    fields_.error(*wait_word, 0,
                  "allow and deny cannot apply to a stream service with wait = yes: its server "
                  "accepts the connections itself");
}

// Banners need a connection the daemon accepts; access_times and max_load a
// client it sees. Known once the socket type and wait are.
void KeyValueParser::check_policy_applies() {
  PolicySpec& policy = spec().policy;
  if (std::string_view why = banner_misfit(spec()); !why.empty()) {
    for (std::size_t i = 0; i < kBannerKinds; ++i) {
      if (!banner_keys[i]) continue;
      fields_.warning(*banner_keys[i], 0,
                      fmt::format("{} is ignored: {}", banner_keys[i]->text, why));
      policy.banners[i] = {};
    }
  }
  std::string_view why = admission_misfit(spec());
  for (const auto& key : {access_times_key, max_load_key})
    if (key && !why.empty())
      fields_.error(*key, 0, fmt::format("{} cannot apply to this service: {}", key->text, why));
  if (std::string caution = max_load_warning(policy); !caution.empty() && max_load_key)
    fields_.warning(*max_load_key, 0, caution);
}

// NetBSD: socktype may be left out when the protocol says it.
void KeyValueParser::infer_socket_type() {
  if (type_word) return;
  if (!protocol_word) return;
  if (spec().transport == Transport::local) {
    fields_.error(entry_.words[0], 0,
                  "socktype is required for protocol unix (stream, dgram or seqpacket)");
    return;
  }
  spec().socket_type = spec().transport == Transport::udp ? SocketType::dgram : SocketType::stream;
}

void KeyValueParser::settle_program() {
  if (redirect_word) return settle_redirect();
  Word program = exec_word.value_or(Word{"internal", entry_.words[0].line, entry_.words[0].column});
  bool internal = program.text == "internal";
  if (!internal && !args_given && program.text.starts_with("/"))
    args.push_back(
        Word{program.text.substr(program.text.rfind('/') + 1), program.line, program.column});
  fields_.parse_program(program, args);
  bool nowait_builtin = spec().socket_type != SocketType::dgram;
  if (spec().builtin != Builtin::none) {
    // NetBSD decides wait for its builtins; so does ninetd.
    if (wait && *wait == nowait_builtin && wait_word)
      fields_.warning(*wait_word, 0,
                      fmt::format("wait for internal service {} is \"{}\" whatever is given",
                                  to_string(spec().builtin), nowait_builtin ? "no" : "yes"));
    spec().wait_mode = nowait_builtin ? WaitMode::nowait : WaitMode::wait;
  } else if (!wait) {
    if (!wait_word)
      fields_.error(entry_.words[0], 0, "wait = yes or wait = no is required for a server program");
  } else {
    spec().wait_mode = *wait ? WaitMode::wait : WaitMode::nowait;
  }
}

// A redirecting service runs no program, so it needs neither exec nor user,
// and wait may be left out (it can only be "no").
void KeyValueParser::settle_redirect() {
  if (exec_word) fields_.error(*exec_word, 0, "exec and redirect exclude each other: give one");
  if (args_given && !args.empty())
    fields_.warning(args.front(), 0, "args is ignored: the service redirects");
  if (wait) spec().wait_mode = *wait ? WaitMode::wait : WaitMode::nowait;
}

std::vector<ServiceSpec> KeyValueParser::parse(const DefaultHost& default_host, FailedEntry& failed,
                                               bool& switched_off) {
  check_keys();
  // Known even when its values are wrong: the entry is then no builtin.
  for (const Option* option : seen_)
    if (option->key.text == "redirect") redirect_word = option->key;
  std::vector<std::string> hosts;
  for (const KeyRow& row : key_rows()) {
    if (const Option* option = find_checked(row)) row.apply(*this, *option);
    // The protocol decides how the service word is read (a path for unix).
    if (row.description.name == "protocol") {
      if (!protocol_word)
        fields_.error(entry_.words[0], 0,
                      "protocol is required (tcp, udp, tcp4, udp4, tcp6, udp6, tcp46, udp46 or "
                      "unix)");
      fields_.parse_service(entry_.words[0], default_host, hosts);
    }
  }
  apply_bind(hosts);
  infer_socket_type();
  if (spec().allow_given || spec().deny_given) check_access_applies();
  if (spec().user.empty() && redirect_word)
    spec().user = "root";  // no server runs: the user changes nothing
  if (spec().user.empty() && fields_.ok())
    fields_.error(entry_.words[0], 0, "user is required (the user the server runs as)");
  settle_program();
  check_policy_applies();
  const Word& where = entry_.words[0];
  if (fields_.ok())
    fields_.check_combination(type_word.value_or(protocol_word.value_or(where)),
                              protocol_word.value_or(where), wait_word.value_or(where));
  bool off = entry_.words[1].text == "off";
  if (fields_.ok() && admits_nothing && !off) {
    fields_.warning(*admits_nothing, 0,
                    fmt::format("{} = 0 lets no connection through (as in NetBSD's inetd): the "
                                "service is not opened",
                                admits_nothing->text));
    off = true;
  }
  switched_off = off;
  return finish_specs(fields_, hosts, failed);
}

}  // namespace ninetd::config::key_values_detail
