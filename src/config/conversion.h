// Conversion: a configuration as read (config_tree.h), its served and
// switched-off entries in reading order, written as one ninetd configuration
// (spec_writer.h): what ninetd --convert prints. Each entry comes under a
// comment naming the file and line it was read from, then one comment per
// note (service_spec.h): what the source said that ninetd does not carry.
// Pure.
#pragma once

#include <string>
#include <vector>

#include "config/config_tree.h"
#include "config/diagnostic.h"

namespace ninetd::config {

struct Conversion {
  std::string text;
  // An entry that no ninetd form can carry (an error: the text says so
  // where the entry would be).
  std::vector<Diagnostic> problems;
};

Conversion write_conversion(const TreeResult& tree);

}  // namespace ninetd::config
