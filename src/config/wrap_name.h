// The libwrap key (xinetd's libwrap attribute): the daemon name a service's
// clients are checked under in hosts.allow and hosts.deny, in place of the
// one ninetd derives (the server's basename, the builtin's or the service's
// name). Pure: the check both configuration forms share.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ninetd::config {

// tcp_wrappers keeps a daemon name in a buffer of 128 bytes (STRING_LENGTH),
// its NUL included: a longer name would be cut, and match another rule.
inline constexpr std::size_t kMaxWrapName = 127;

// What is wrong with `name` as a daemon name, empty when nothing is: not
// empty, within kMaxWrapName, printable bytes without blanks (the daemon
// field of a hosts.allow rule is a word).
std::string wrap_name_problem(std::string_view name);

}  // namespace ninetd::config
