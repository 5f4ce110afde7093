// Spawner: starts a server with a socket on descriptors 0, 1 and 2, as the
// configured user. The child shares the daemon's memory (CLONE_VM), so nothing
// is copied, and it runs only raw system calls on a LaunchPlan prepared here:
// nothing in it allocates, locks, touches NSS or writes errno.
//
// Usually the daemon does not wait for the child's execve: the plan and the
// child's stack live in a launch slot (launch_slots.h), and a failure between
// clone and execve is learned when the child is reaped (collect_failure).
// When no slot is free or the plan does not fit one, the launch is vfork-style
// (CLONE_VFORK): the daemon waits for the execve and a failure is returned at
// once. Either way the failure names the step ("execve", "setuid", ...).
// When the daemon holds many descriptors, the launch is vfork-style on the
// daemon's own descriptor table (CLONE_FILES), and the child keeps only 0-2.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <optional>

#include "spawn/identity.h"
#include "spawn/launch_plan.h"
#include "spawn/launch_slots.h"
#include "spawn/launch_template.h"
#include "sys/result.h"

namespace ninetd::spawn {

// The daemon's own user and groups, read once (they never change).
const ProcessIdentity& current_identity();

// The descriptor limit servers start with: the one the daemon was started
// with, which it raises for itself (run.cpp). A server written for the usual
// 1024 (select(), a table sized by the limit) must not inherit the raise.
// Called once, before the raise and the first launch.
void set_server_open_files_limit(const rlimit& original);

// The new child's pid, from a service's template; on an immediate failure the
// child has already been reaped. The non-waiting launch copies the template
// into its slot, the vfork-style one writes the connection's values into it.
sys::Result<pid_t> launch(LaunchTemplate& launch_template, const PerLaunch& per_launch);

// For every reaped pid: the step that failed in that child before its execve,
// when launch() returned before it could know.
std::optional<LateFailure> collect_failure(pid_t pid);

}  // namespace ninetd::spawn
