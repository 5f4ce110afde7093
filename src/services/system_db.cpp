#include "services/system_db.h"

#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

namespace ninetd::services {

namespace {

// Looks `key` up in `cache`, computing and remembering it on a miss.
template <typename Map, typename Key, typename Compute>
const typename Map::mapped_type& remembered(Map& cache, const Key& key, Compute compute) {
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, compute()).first;
  return it->second;
}

}  // namespace

std::optional<std::uint16_t> LibcSystemDb::service_port(const std::string& name,
                                                        const char* protocol) {
  return remembered(ports_, std::make_pair(name, std::string(protocol)),
                    [&]() -> std::optional<std::uint16_t> {
                      servent* entry = getservbyname(name.c_str(), protocol);
                      if (entry == nullptr) return std::nullopt;
                      return ntohs(static_cast<std::uint16_t>(entry->s_port));
                    });
}

std::optional<std::uint32_t> LibcSystemDb::rpc_program(const std::string& name) {
  return remembered(rpc_programs_, name, [&]() -> std::optional<std::uint32_t> {
    rpcent entry{};
    rpcent* found = nullptr;
    std::vector<char> buffer(1024);
    // ERANGE: the entry's aliases need a larger buffer.
    while (getrpcbyname_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) == ERANGE &&
           buffer.size() < 65536)
      buffer.resize(buffer.size() * 2);
    if (found == nullptr) return std::nullopt;
    return static_cast<std::uint32_t>(found->r_number);
  });
}

std::optional<UserEntry> LibcSystemDb::user(const std::string& name) {
  return remembered(users_, name, [&]() -> std::optional<UserEntry> {
    passwd* entry = getpwnam(name.c_str());
    if (entry == nullptr) return std::nullopt;
    return UserEntry{entry->pw_uid, entry->pw_gid};
  });
}

std::optional<gid_t> LibcSystemDb::group(const std::string& name) {
  return remembered(groups_, name, [&]() -> std::optional<gid_t> {
    struct group* entry = getgrnam(name.c_str());
    if (entry == nullptr) return std::nullopt;
    return entry->gr_gid;
  });
}

std::vector<gid_t> LibcSystemDb::group_list(const std::string& user, gid_t gid) {
  return remembered(group_lists_, std::make_pair(user, gid), [&] {
    int count = 32;
    std::vector<gid_t> groups(static_cast<std::size_t>(count));
    while (getgrouplist(user.c_str(), gid, groups.data(), &count) < 0) {
      groups.resize(static_cast<std::size_t>(count) * 2);
      count = static_cast<int>(groups.size());
    }
    groups.resize(static_cast<std::size_t>(count));
    return groups;
  });
}

std::vector<net::SocketAddress> LibcSystemDb::host_addresses(const std::string& host) {
  return remembered(hosts_, host, [&] {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    std::vector<net::SocketAddress> addresses;
    if (getaddrinfo(host.c_str(), nullptr, &hints, &list) != 0) return addresses;
    for (addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
      auto address = net::SocketAddress::from_raw(ai->ai_addr, ai->ai_addrlen);
      bool seen = false;
      for (const auto& a : addresses) seen = seen || a == address;
      if (!seen) addresses.push_back(address);
    }
    freeaddrinfo(list);
    return addresses;
  });
}

bool LibcSystemDb::is_root() {
  return geteuid() == 0;
}

// The loader runs in a child forked from the daemon (or in ninetd -t itself):
// its environment is the one the daemon was started with.
std::optional<std::string> LibcSystemDb::environment_variable(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

}  // namespace ninetd::services
