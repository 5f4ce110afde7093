// The forms only_from and no_access take, as xinetd.conf(5) gives them, read
// into the address prefixes of limits/access_list.h. Pure: no name is looked up.
//
//   192.0.2.7         one address
//   192.0.2.0         trailing zero parts are wildcards: 192.0.2.0/24
//                     (10.0.0.0 is 10/8, 0.0.0.0 every IPv4 address)
//   192.0.2.0/25      a prefix
//   10.0.{1,2,7}      factorized: the listed values in the last part given,
//                     the parts left out wildcards (10.0.1.0/24, ...)
//   2001:db8::1       IPv6, with or without /length (no wildcard rule)
//   host.example, .example, a network name
//                     a name: ninetd does not look names up (a warning)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "limits/access_list.h"

namespace ninetd::config::xinetd {

struct AddressForm {
  enum class Kind { prefixes, name, bad };
  Kind kind = Kind::bad;
  std::vector<limits::AddressPrefix> prefixes;
  std::string problem;  // for bad
};

AddressForm parse_address_form(std::string_view text);

}  // namespace ninetd::config::xinetd
