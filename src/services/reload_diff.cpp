#include "services/reload_diff.h"

#include <set>

namespace ninetd::services {
namespace {

// The name an entry gets in logs ("echo/tcp", "tcpmux/+ftp/tcp"), from its
// failed words: the parser names a broken tcpmux line by its whole first word.
std::set<std::string> failed_names(const std::vector<config::FailedEntry>& failed) {
  std::set<std::string> names;
  for (const auto& f : failed) {
    if (f.service.empty()) continue;
    names.insert(f.service + "/" + f.protocol);
  }
  return names;
}

}  // namespace

ReloadDiff diff_services(const std::vector<const Service*>& running,
                         const std::vector<Service>& loaded,
                         const std::vector<config::FailedEntry>& failed) {
  ReloadDiff diff;
  auto by_key = [](const Service* a, const Service* b) { return Service::key_less(*a, *b); };
  std::set<const Service*, decltype(by_key)> old_services(running.begin(), running.end());
  std::set<const Service*, decltype(by_key)> new_services;
  for (const Service& s : loaded) {
    new_services.insert(&s);
    auto old = old_services.find(&s);
    if (old == old_services.end())
      diff.added.push_back(&s);
    else if ((*old)->same_launch(s) && (*old)->same_socket_options(s))
      diff.unchanged.push_back(&s);
    else
      diff.changed.push_back(&s);
  }
  std::set<std::string> broken = failed_names(failed);
  for (const Service* service : old_services) {
    if (new_services.count(service) != 0) continue;
    if (broken.count(service->name) != 0)
      diff.kept_broken.push_back(service);
    else
      diff.removed.push_back(service);
  }
  return diff;
}

}  // namespace ninetd::services
