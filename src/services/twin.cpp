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
         a.address.compare(b.address) == 0 && a.v6only == b.v6only && a.same_socket_options(b);
}

}  // namespace

bool family_twins(const Service& earlier, FamilyRule earlier_family, const Service& later,
                  FamilyRule later_family) {
  if (!earlier.has_socket() || !later.has_socket()) return false;
  if (!both_and_v6_only(earlier_family, later_family)) return false;
  if (earlier.address.family() != AF_INET6 || !earlier.v6only) return false;
  // The names differ by the protocol word only; anything else is another service.
  return same_socket(earlier, later) && earlier.same_server(later);
}

}  // namespace ninetd::services
