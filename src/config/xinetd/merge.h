// Defaults merging: a service's attributes after xinetd's defaults block has
// supplied what the service leaves out. "=" replaces the value (a service's
// "=" replaces the defaults' too), "+=" adds to it (to the defaults' set when
// the service has not set its own), "-=" takes values out. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.h"
#include "config/xinetd/attributes.h"
#include "config/xinetd/syntax.h"

namespace ninetd::config::xinetd {

// One attribute's value after every operator that touched it.
struct Setting {
  const AttributeRow* row = nullptr;
  Word name;                   // where it was last written
  std::string file;            // the file that line is in: defaults may be in another
  bool from_defaults = false;  // last written in the defaults block
  std::vector<Word> values;
};

struct Defaults {
  std::vector<Setting> settings;
};

const Setting* find_setting(const std::vector<Setting>& settings, std::string_view name);

// Applies checked attributes (check_block) in order onto `settings`. A set
// that would grow beyond kMaxValues is an error and stays as it was.
// `defaults`: the attributes are the defaults block's.
void apply_attributes(std::vector<Setting>& settings, const std::vector<Attribute>& attributes,
                      const std::string& file, bool defaults, std::vector<Diagnostic>& diagnostics);

}  // namespace ninetd::config::xinetd
