// ValueWords: a spec's settings as the words after a key's "=", the way the
// key=value reader (key_values.h) reads them back; each function appends its
// words to `out` and answers whether the key is written at all (false: it is
// left out, the reader's default). The writer column of the key table is made
// of these (config::written::limit, ...). Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/launch_spec.h"
#include "config/service_spec.h"

namespace ninetd::config::written {

using Words = std::vector<std::string>;

// A limit from 1 (0 is no limit, as the resolver reads it).
bool limit(const std::optional<unsigned>& value, Words& out);
bool size(const std::optional<int>& value, Words& out);
bool text(const std::optional<std::string>& value, Words& out);
// Empty: left out.
bool text(const std::string& value, Words& out);
// A yes-or-no key whose default is no: written only when yes.
bool yes(bool value, Words& out);
// A yes-or-no key whose default is yes: written only when no.
bool no(bool value, Words& out);
// allow (`allow` true) or deny: the prefixes, when the list was given.
bool access(const ServiceSpec& spec, bool allow, Words& out);
// A service with a bind address (not a unix path, not tcpmux/NAME).
bool has_address(const ServiceSpec& spec);
bool words(std::vector<std::string> values, Words& out);
bool banner(const ServiceSpec& spec, BannerKind kind, Words& out);
bool access_times(const ServiceSpec& spec, Words& out);

template <Rlimit kWhich>
bool rlimit(const ServiceSpec& spec, Words& out) {
  for (const RlimitSetting& setting : spec.launch.rlimits) {
    if (setting.which != kWhich) continue;
    out.push_back(setting.value == kUnlimited ? std::string("UNLIMITED")
                                              : std::to_string(setting.value));
    return true;
  }
  return false;
}

}  // namespace ninetd::config::written
