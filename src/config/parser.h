// Parser: inetd.conf text to ServiceSpecs, as FreeBSD and OpenBSD inetd read it
// (docs/compatibility.md lists where they differ and what ninetd takes).
// Pure: no lookups, no syscalls; every bad entry is reported and skipped, every
// good one kept.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.h"
#include "config/include.h"
#include "config/service_spec.h"

namespace ninetd::config {

// An entry that had errors, named as well as its words allow, so that a reload
// can keep the running definition of that service instead of dropping it.
struct FailedEntry {
  int line = 0;
  std::string service;   // field 1 without host prefix; empty if unknown
  std::string protocol;  // field 3 without options; empty if unknown
};

// An entry switched off ("off" in the key=value form, xinetd's disable =
// yes): read and checked, never served; kept for ninetd --convert and the
// checker's listing. `position`: how many served specs come before it.
struct SwitchedOff {
  std::size_t position = 0;
  ServiceSpec spec;
};

struct ParseResult {
  std::vector<ServiceSpec> services;
  std::vector<SwitchedOff> switched_off;
  std::vector<Diagnostic> diagnostics;
  std::vector<FailedEntry> failed;
  // The file's ".include" lines in order; config_tree reads them.
  std::vector<IncludeDirective> includes;
};

ParseResult parse_config(std::string_view text, const std::string& file);

}  // namespace ninetd::config
