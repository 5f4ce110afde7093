// The access list a service runs with: its own allow and deny keys, each
// list falling back to the daemon-wide --allow or --deny when the service
// gives none (as a service's only_from or no_access replaces xinetd's
// defaults). Built when a definition is set, checked per client.
#pragma once

#include <memory>
#include <vector>

#include "limits/access_list.h"
#include "net/peer_access.h"
#include "services/service.h"

namespace ninetd::daemon {

struct DefaultAccess {
  std::vector<limits::AccessRule> rules;
  bool allow_given = false;
  bool deny_given = false;
};

// Null when nothing is restricted (most services: no cost per client).
std::unique_ptr<limits::AccessList> effective_access(const services::Service& service,
                                                     const DefaultAccess& defaults);

// The list that refused, as refusal lines name it (list=deny: in the deny
// list; list=allow: not in the allow list).
const char* describe_list(limits::AccessList::Verdict verdict);

}  // namespace ninetd::daemon
