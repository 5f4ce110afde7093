#include "services/system_db.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "sys/fd.h"

namespace ninetd::services {

namespace {

// Looks `key` up in `cache`, computing and remembering it on a miss.
template <typename Map, typename Key, typename Compute>
const typename Map::mapped_type& remembered(Map& cache, const Key& key, Compute compute) {
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, compute()).first;
  return it->second;
}

// O_NONBLOCK: a FIFO put where a banner was expected must not hang the load.
FileRead read_small_file(const std::string& path, std::size_t max_bytes) {
  FileRead out;
  sys::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  struct stat info {};
  if (!fd || fstat(fd.get(), &info) < 0) {
    out.problem = std::strerror(errno);
    return out;
  }
  if (!S_ISREG(info.st_mode)) {
    out.problem = "not a regular file";
    return out;
  }
  // One byte past the bound tells a file that grew since fstat.
  out.bytes.resize(max_bytes + 1);
  std::size_t got = 0;
  while (got < out.bytes.size()) {
    ssize_t n = ::read(fd.get(), out.bytes.data() + got, out.bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      out.problem = std::strerror(errno);
      return out;
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  out.bytes.resize(got);
  if (got > max_bytes || static_cast<std::size_t>(info.st_size) > max_bytes) {
    out.problem =
        fmt::format("{} bytes, more than the {} a banner may hold",
                    std::max<std::size_t>(got, static_cast<std::size_t>(info.st_size)), max_bytes);
    out.bytes.clear();
  }
  return out;
}

}  // namespace

FileRead LibcSystemDb::read_file(const std::string& path, std::size_t max_bytes) {
  return remembered(files_, std::make_pair(path, max_bytes),
                    [&] { return read_small_file(path, max_bytes); });
}

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
