#include "daemon/access_policy.h"

namespace ninetd::daemon {

std::unique_ptr<limits::AccessList> effective_access(const services::Service& service,
                                                     const DefaultAccess& defaults) {
  bool allow_given = service.allow_given || defaults.allow_given;
  std::vector<limits::AccessRule> rules;
  for (const limits::AccessRule& rule : service.access_rules)
    if (rule.allow ? service.allow_given : service.deny_given) rules.push_back(rule);
  for (const limits::AccessRule& rule : defaults.rules)
    if (!(rule.allow ? service.allow_given : service.deny_given)) rules.push_back(rule);
  if (rules.empty() && !allow_given) return nullptr;
  return std::make_unique<limits::AccessList>(rules, allow_given);
}

const char* describe_list(limits::AccessList::Verdict verdict) {
  switch (verdict) {
    case limits::AccessList::Verdict::allowed:
      return "none";
    case limits::AccessList::Verdict::denied:
      return "deny";
    case limits::AccessList::Verdict::not_allowed:
      return "allow";
  }
  return "none";
}

}  // namespace ninetd::daemon
