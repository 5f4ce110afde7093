// The converter (ninetd --convert): reads an xinetd.conf with the files it
// includes, checks it as the parser does (no user, port or host is looked
// up), and prints the ninetd configuration that does the same
// (config/conversion.h) on stdout, the diagnostics on stderr.
#pragma once

#include <string>

namespace ninetd::daemon {

// 0 when written; 1 when the configuration has errors (nothing is printed
// on stdout, the errors and a line saying so on stderr).
int run_convert(const std::string& path, bool xinetd);

}  // namespace ninetd::daemon
