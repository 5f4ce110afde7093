#include "services/twin.h"

#include <sys/socket.h>

namespace ninetd::services {
namespace {

using config::FamilyRule;

bool both_and_v6_only(FamilyRule a, FamilyRule b) {
  return (a == FamilyRule::both && b == FamilyRule::v6_only) ||
         (a == FamilyRule::v6_only && b == FamilyRule::both);
}

bool same_socket(const Service& a, const Service& b) {
  return a.socket_type == b.socket_type && a.transport == b.transport &&
         a.address.compare(b.address) == 0 && a.v6only == b.v6only && a.same_socket_options(b) &&
         a.listen_fds == b.listen_fds;
}

// Service::same_launch without the name, which holds the protocol word.
bool same_launch_but_name(const Service& a, const Service& b) {
  return a.wait_mode == b.wait_mode && a.limits == b.limits && a.builtin == b.builtin &&
         a.tcpmux_plus == b.tcpmux_plus && a.program == b.program && a.argv == b.argv &&
         a.credentials == b.credentials && a.same_login_class(b);
}

}  // namespace

bool family_twins(const Service& earlier, FamilyRule earlier_family, const Service& later,
                  FamilyRule later_family) {
  if (!earlier.has_socket() || !later.has_socket()) return false;
  if (!both_and_v6_only(earlier_family, later_family)) return false;
  if (earlier.address.family() != AF_INET6 || !earlier.v6only) return false;
  return same_socket(earlier, later) && same_launch_but_name(earlier, later);
}

}  // namespace ninetd::services
