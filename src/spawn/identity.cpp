#include "spawn/identity.h"

#include <algorithm>

namespace ninetd::spawn {
namespace {

// The kernel keeps supplementary groups as a sorted list; duplicates change nothing.
std::vector<gid_t> as_set(std::vector<gid_t> groups) {
  std::sort(groups.begin(), groups.end());
  groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
  return groups;
}

}  // namespace

CredentialSteps steps_needed(const services::Credentials& credentials,
                             const ProcessIdentity& identity) {
  uid_t uid = credentials.uid;
  gid_t gid = credentials.gid;
  CredentialSteps steps;
  steps.set_uid =
      identity.real_uid != uid || identity.effective_uid != uid || identity.saved_uid != uid;
  steps.set_gid =
      identity.real_gid != gid || identity.effective_gid != gid || identity.saved_gid != gid;
  steps.set_groups =
      as_set({credentials.groups.begin(), credentials.groups.end()}) != as_set(identity.groups);
  return steps;
}

}  // namespace ninetd::spawn
