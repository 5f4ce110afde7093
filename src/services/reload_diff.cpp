#include "services/reload_diff.h"

#include <map>
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
  std::map<std::string, const Service*> old_by_key;
  for (const Service* s : running) old_by_key.emplace(s->key(), s);
  std::set<std::string> new_keys;
  for (const Service& s : loaded) {
    std::string key = s.key();
    new_keys.insert(key);
    auto old = old_by_key.find(key);
    if (old == old_by_key.end())
      diff.added.push_back(&s);
    else if (old->second->same_launch(s) && old->second->same_socket_options(s))
      diff.unchanged.push_back(&s);
    else
      diff.changed.push_back(&s);
  }
  std::set<std::string> broken = failed_names(failed);
  for (const auto& [key, service] : old_by_key) {
    if (new_keys.count(key) != 0) continue;
    if (broken.count(service->name) != 0)
      diff.kept_broken.push_back(key);
    else
      diff.removed.push_back(key);
  }
  return diff;
}

}  // namespace ninetd::services
