// FieldParser: reads the parts of one service definition (the service and its
// host, socket type, protocol, wait, user, program) into a ServiceSpec, the same
// way whichever form of entry they come from: a classic line (parser.cpp) or a
// key=value block (key_value_parser.cpp). Pure: every problem becomes a Diagnostic
// located at the word it is about.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.h"
#include "config/lexer.h"
#include "config/parser.h"
#include "config/service_spec.h"

namespace ninetd::config {

inline constexpr const char* kExpectedProtocols =
    "tcp, udp, tcp4, udp4, tcp6, udp6, tcp46, udp46, unix, rpc/tcp or rpc/udp";

// The bind addresses that the last "host:" line set for the entries after it.
struct DefaultHost {
  std::vector<std::string> hosts;  // empty: any address
  int bad_line = 0;                // the host line had errors: entries may not guess
};

// The largest limit a configuration may give (children, connections per minute).
inline constexpr unsigned long kMaxLimit = 1'000'000'000;

// A decimal number no greater than `limit`; nullopt for anything else.
std::optional<unsigned long> parse_number(std::string_view text, unsigned long limit);
// A buffer size as OpenBSD inetd writes it: a number with an optional k or m.
std::optional<int> parse_size(std::string_view text);

class FieldParser {
 public:
  FieldParser(const std::string& file, int line, std::vector<Diagnostic>& diagnostics)
      : file_(file), diagnostics_(diagnostics) {
    spec_.file = file;
    spec_.line = line;
  }

  ServiceSpec& spec() { return spec_; }
  bool ok() const { return ok_; }

  void error(const Word& word, std::size_t offset, std::string message);
  void warning(const Word& word, std::size_t offset, std::string message);

  // The protocol first: it decides how the service field is read.
  void parse_protocol(const Word& word);
  void parse_service(const Word& word, const DefaultHost& default_host,
                     std::vector<std::string>& hosts);
  // "stream", "dgram", ..., with NetBSD's ",accept-max" and ":accept-filter".
  void parse_socket_type(const Word& word);
  // The parts of the socket type that NetBSD's key=value form gives as keys.
  void set_accept_max(const Word& word) { parse_accept_max(word, 0, word.text); }
  void set_accept_filter(const Word& word) { parse_accept_filter(word, 0, word.text); }
  void parse_wait(const Word& word);
  void parse_user(const Word& word);
  // The program ("internal" or an absolute path) and its argv, argv0 first.
  void parse_program(const Word& program, std::span<const Word> args);
  void parse_sensor_args(std::span<const Word> args);
  // xinetd's redirect = HOST PORT (redirect_fields.cpp): the target checked
  // for its form; names are looked up by the loader.
  void set_redirect(const Word& host, const Word& port);
  // What cannot be judged field by field: run once every field is read.
  void check_combination(const Word& type_word, const Word& protocol_word, const Word& wait_word);
  // A line that is only "host:" (the default bind address of the entries after it).
  void parse_host_line(const Word& word, DefaultHost& host);

 private:
  bool parse_service_host(const Word& word, std::optional<std::string>& explicit_host,
                          std::size_t& offset, std::vector<std::string>& hosts);
  void parse_wait_limits(const Word& word, std::size_t offset);
  void parse_rpc_protocol(const Word& word, std::string_view base);
  void parse_accept_max(const Word& word, std::size_t offset, std::string_view text);
  void parse_accept_filter(const Word& word, std::size_t offset, std::string_view name);
  void parse_tcpmux_name(const Word& word, std::string_view name, std::size_t offset);
  void parse_service_name(const Word& word, std::string_view name, std::size_t offset);
  void parse_rpc_name(const Word& word, std::string_view name, std::size_t offset);
  // An internal service's socket type, transport and wait fit its builtin.
  void check_builtin(const Word& type_word, const Word& wait_word);
  // A redirecting service must be a nowait stream over TCP with no program.
  void check_redirect(const Word& type_word, const Word& protocol_word, const Word& wait_word);
  void split_hosts(std::string_view list, const Word& word, std::size_t offset,
                   std::vector<std::string>& hosts);

  const std::string& file_;
  std::vector<Diagnostic>& diagnostics_;
  ServiceSpec spec_;
  bool ok_ = true;
  bool rpc_ = false;             // the protocol is rpc/..., known or not
  bool accept_max_set_ = false;  // by the socket type's ",N"
};

// The specs of a parsed entry, one per bind host ("a,b:echo" gives two); none,
// and `failed` naming the entry, when it had errors.
std::vector<ServiceSpec> finish_specs(FieldParser& fields, const std::vector<std::string>& hosts,
                                      FailedEntry& failed);

}  // namespace ninetd::config
