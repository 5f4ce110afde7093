#include "spawn/identity.h"

#include <algorithm>

namespace ninetd::spawn {
namespace {

// The groups a process is a member of when the kernel checks access: its
// supplementary groups and its gid (in_group_p). Order and duplicates change nothing.
std::vector<gid_t> membership(std::vector<gid_t> groups, gid_t gid) {
  groups.push_back(gid);
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
  // Against the target gid on both sides: the process has it once setgid is done.
  steps.set_groups = membership({credentials.groups.begin(), credentials.groups.end()}, gid) !=
                     membership(identity.groups, gid);
  return steps;
}

}  // namespace ninetd::spawn
