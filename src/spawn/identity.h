// ProcessIdentity: the user and groups a process runs as (real, effective and
// saved ids; supplementary groups), and which of setgroups, setgid and setuid
// would change anything for it. A server launched as root by a daemon running
// as root needs no setgid or setuid: each is a credential commit in the kernel
// for nothing (docs/performance.md, findings 19 and 20). Pure: the caller
// reads the daemon's identity (spawner.h).
#pragma once

#include <sys/types.h>

#include <vector>

#include "services/service.h"

namespace ninetd::spawn {

struct ProcessIdentity {
  uid_t real_uid = 0, effective_uid = 0, saved_uid = 0;
  gid_t real_gid = 0, effective_gid = 0, saved_gid = 0;
  std::vector<gid_t> groups;  // in any order
};

// Which credential calls a child must make; all of them unless known otherwise.
struct CredentialSteps {
  bool set_groups = true;
  bool set_gid = true;
  bool set_uid = true;
  bool operator==(const CredentialSteps&) const = default;
};

// The calls that would change something for a process with `identity`: setgid
// only when a real, effective or saved gid differs from the target, setuid
// likewise, setgroups only when the groups the server would be a member of
// differ: its supplementary groups together with its gid, as the kernel checks
// access. A list that differs only by the primary group (initgroups puts it in;
// a daemon started by systemd has no supplementary groups at all) grants the
// same access, so it is left as it is; only getgroups(2) shows the difference.
CredentialSteps steps_needed(const services::Credentials& credentials,
                             const ProcessIdentity& identity);

}  // namespace ninetd::spawn
