// steps_needed: a child may skip setgroups, setgid or setuid only when that
// call would change nothing.
#include "spawn/identity.h"

#include <gtest/gtest.h>

namespace ninetd::spawn {
namespace {

services::Credentials user(uid_t uid, gid_t gid, services::GroupList groups) {
  services::Credentials c;
  c.switch_user = true;
  c.uid = uid;
  c.gid = gid;
  c.groups = std::move(groups);
  return c;
}

ProcessIdentity root_with(std::vector<gid_t> groups) {
  ProcessIdentity id;
  id.groups = std::move(groups);
  return id;
}

TEST(StepsNeeded, RootFromRootWithRootsGroupsNeedsNothing) {
  EXPECT_EQ(steps_needed(user(0, 0, {0}), root_with({0})), (CredentialSteps{false, false, false}));
  EXPECT_EQ(steps_needed(user(0, 0, {0, 27, 4}), root_with({4, 0, 27})),
            (CredentialSteps{false, false, false}));
  EXPECT_EQ(steps_needed(user(0, 0, {0, 0}), root_with({0})),  // a set
            (CredentialSteps{false, false, false}));
}

TEST(StepsNeeded, RootFromADaemonWithOtherGroupsSetsOnlyTheGroups) {
  EXPECT_EQ(steps_needed(user(0, 0, {0}), root_with({0, 27})),
            (CredentialSteps{true, false, false}));
  EXPECT_EQ(steps_needed(user(0, 0, {0, 27}), root_with({})),
            (CredentialSteps{true, false, false}));
  EXPECT_EQ(steps_needed(user(0, 0, {0, 27}), root_with({4})),
            (CredentialSteps{true, false, false}));
}

TEST(StepsNeeded, TheGidCountsAsAGroupOnBothSides) {
  // A daemon started by systemd has no supplementary groups; root's list holds
  // only gid 0, which the process has as its gid: the same membership.
  EXPECT_EQ(steps_needed(user(0, 0, {0}), root_with({})), (CredentialSteps{false, false, false}));
  EXPECT_EQ(steps_needed(user(0, 0, {}), root_with({0})), (CredentialSteps{false, false, false}));
  // nobody, whose only group is its own gid: setgid and setuid, no setgroups.
  EXPECT_EQ(steps_needed(user(65534, 65534, {65534}), root_with({})),
            (CredentialSteps{false, true, true}));
  // The daemon's gid does not count: the server's is the target's.
  EXPECT_EQ(steps_needed(user(65534, 65534, {65534}), root_with({0})),
            (CredentialSteps{true, true, true}));
}

TEST(StepsNeeded, AnyOtherUserNeedsEveryStep) {
  EXPECT_EQ(steps_needed(user(65534, 65534, {65534}), root_with({0})),
            (CredentialSteps{true, true, true}));
  // Same uid, other group: setgid, but not setuid.
  EXPECT_EQ(steps_needed(user(0, 65534, {0}), root_with({0})),
            (CredentialSteps{false, true, false}));
}

TEST(StepsNeeded, EveryRealEffectiveAndSavedIdCounts) {
  for (int field = 0; field < 6; ++field) {
    ProcessIdentity id = root_with({0});
    uid_t* uids[] = {&id.real_uid, &id.effective_uid, &id.saved_uid};
    gid_t* gids[] = {&id.real_gid, &id.effective_gid, &id.saved_gid};
    if (field < 3)
      *uids[field] = 1000;
    else
      *gids[field - 3] = 1000;
    CredentialSteps steps = steps_needed(user(0, 0, {0}), id);
    EXPECT_EQ(steps.set_uid, field < 3) << "field " << field;
    EXPECT_EQ(steps.set_gid, field >= 3) << "field " << field;
  }
}

}  // namespace
}  // namespace ninetd::spawn
