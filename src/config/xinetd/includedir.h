// xinetd's "includedir DIR": which names of the directory are read, and in
// what order. Pure: names in, names out; the loader lists the directory.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ninetd::config::xinetd {

// xinetd reads every name but those holding a '.' (so "." and "..", hidden
// files and "echo.dpkg-old" too) or ending in '~'.
bool read_in_dir(std::string_view name);
// The names read, in byte order (as "LC_ALL=C ls").
std::vector<std::string> names_read_in_dir(std::vector<std::string> names);

}  // namespace ninetd::config::xinetd
