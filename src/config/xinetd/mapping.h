// Mapping: one xinetd service, its defaults applied (merge.h), to the
// ServiceSpec ninetd runs. The attribute table's handlers (attributes.cpp)
// fill the mapper's slots or the spec's limits; run() then reads the slots in
// the order their meanings depend on one another and checks the whole as the
// inetd.conf parser does (config/fields.h). Pure.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "config/diagnostic.h"
#include "config/fields.h"
#include "config/parser.h"
#include "config/service_spec.h"
#include "config/xinetd/merge.h"
#include "config/xinetd/syntax.h"

namespace ninetd::config::xinetd {

struct MapResult {
  std::vector<ServiceSpec> specs;  // none when failed
  bool switched_off = false;       // disable = yes, or defaults' enabled/disabled: not served
  bool failed = false;
  FailedEntry failed_entry;
};

class Mapper {
 public:
  Mapper(const std::string& file, const Block& block, std::vector<Diagnostic>& diagnostics);

  MapResult run(const std::vector<Setting>& settings);

  ServiceSpec& spec() { return fields_.spec(); }

  // What the handlers leave for run().
  const Setting* id = nullptr;
  const Setting* type = nullptr;
  const Setting* flags = nullptr;
  const Setting* socket_type = nullptr;
  const Setting* protocol = nullptr;
  const Setting* wait = nullptr;
  const Setting* user = nullptr;
  const Setting* group = nullptr;
  const Setting* server = nullptr;
  const Setting* server_args = nullptr;
  const Setting* port = nullptr;
  const Setting* bind = nullptr;
  const Setting* disable = nullptr;
  const Setting* v6only = nullptr;
  const Setting* enabled = nullptr;
  const Setting* disabled = nullptr;
  const Setting* only_from = nullptr;
  const Setting* no_access = nullptr;
  std::array<const Setting*, kBannerKinds> banners{};
  const Setting* access_times = nullptr;
  const Setting* max_load = nullptr;
  const Setting* redirect = nullptr;
  const Setting* deny_time = nullptr;

  // The handlers that set the spec at once.
  void set_bind(const Setting& setting);
  // instances, per_source: a number from 1, or UNLIMITED (no limit).
  void set_limit(const Setting& setting, std::optional<unsigned>& target);
  void set_cps(const Setting& setting);
  // env, passenv, nice, umask, rlimit_* (config/launch_spec.h).
  void set_launch(const Setting& setting);
  void set_access(const Setting& setting, bool allow);
  // log_on_success (success true), log_on_failure; log_type.
  void set_log_flags(const Setting& setting, bool success);
  void set_log_type(const Setting& setting);
  void set_banner(const Setting& setting, BannerKind kind);
  void set_access_times(const Setting& setting);
  void set_max_load(const Setting& setting);
  // groups = yes|no; libwrap = NAME (config/wrap_name.h).
  void set_groups(const Setting& setting);
  void set_libwrap(const Setting& setting);

  void error(const Setting& setting, const Word& word, std::string message);
  void warning(const Setting& setting, const Word& word, std::string message);
  void note_not_applied(const Setting& setting);

 private:
  struct Types {
    bool internal = false;
    bool unlisted = false;
    bool tcpmux = false;
    bool tcpmux_plus = false;
    bool sensor = false;  // flags = SENSOR: internal, the builtin sensor
  };
  struct Flags {
    bool v4 = false;
    bool v6 = false;
    bool name_in_args = false;
    bool sensor = false;
  };

  // Reports a problem of log_settings.h's parsers at the setting's file.
  LogReport reporter(const Setting& setting);
  bool switched_off();
  // An attribute the service cannot do without is missing: an error, unless
  // the service is switched off (xinetd checks only the services it keeps).
  void require(const Word& word, std::string message);
  Types read_types();
  Flags read_flags();
  std::optional<bool> yes_no(const Setting* setting);
  Word protocol_word(const Flags& given);
  void map_service_name(const Types& types, std::vector<std::string>& hosts);
  void map_socket_type();
  void map_wait(const Types& types);
  void map_user(const Types& types);
  void map_internal(const Setting* args);
  void map_sensor();
  void map_redirect(const Types& types);
  void map_program(const Types& types, const Flags& given);
  void map_bind(std::vector<std::string>& hosts);
  void check_deny_time(bool sensor);
  void check_access();
  void check_policy();
  Word where() const { return block_.name; }
  Word flags_word() const { return flags != nullptr ? flags->name : where(); }

  const std::string& file_;
  const Block& block_;
  std::vector<Diagnostic>& diagnostics_;
  FieldParser fields_;
  bool ok_ = true;           // false: an error in a setting from another file (defaults)
  bool off_ = false;         // switched off: missing attributes are no error
  bool incomplete_ = false;  // switched off and missing one: nothing to carry
};

MapResult map_service(const std::string& file, const Block& block,
                      const std::vector<Setting>& settings, std::vector<Diagnostic>& diagnostics);

}  // namespace ninetd::config::xinetd
