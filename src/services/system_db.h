// SystemDb: the lookups that resolving a configuration needs (services, users,
// groups, host names), behind an interface so the resolver is unit-tested with
// a fake and the real one is the only place that calls libc's databases.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "net/socket_address.h"

namespace ninetd::services {

// A small file's bytes, or why they could not be read.
struct FileRead {
  std::string bytes;
  std::string problem;  // empty: read
};

struct UserEntry {
  uid_t uid = 0;
  gid_t gid = 0;
};

class SystemDb {
 public:
  virtual ~SystemDb() = default;
  // protocol is "tcp" or "udp", as /etc/services names them.
  virtual std::optional<std::uint16_t> service_port(const std::string& name,
                                                    const char* protocol) = 0;
  // An RPC program's number by its name in /etc/rpc.
  virtual std::optional<std::uint32_t> rpc_program(const std::string& name) = 0;
  virtual std::optional<UserEntry> user(const std::string& name) = 0;
  virtual std::optional<gid_t> group(const std::string& name) = 0;
  virtual std::vector<gid_t> group_list(const std::string& user, gid_t gid) = 0;
  // Every address of a host name or numeric address, port 0; empty if unknown.
  virtual std::vector<net::SocketAddress> host_addresses(const std::string& host) = 0;
  virtual bool is_root() = 0;
  // A variable of the loader's environment, which is the daemon's (passenv).
  virtual std::optional<std::string> environment_variable(const std::string& name) = 0;
  // The bytes of the regular file at `path` (a banner), if it holds at most
  // `max_bytes`; a larger file, a missing one or one that is not a regular
  // file gives a problem instead.
  virtual FileRead read_file(const std::string& path, std::size_t max_bytes) = 0;
};

// The real databases: getservbyname, getrpcbyname_r, getpwnam, getgrnam, getgrouplist, getaddrinfo.
// Each answer is remembered for the life of the object (one load): a file of
// 900 entries for the same user reads /etc/passwd and /etc/group once, not 900
// times.
class LibcSystemDb final : public SystemDb {
 public:
  std::optional<std::uint16_t> service_port(const std::string& name, const char* protocol) override;
  std::optional<std::uint32_t> rpc_program(const std::string& name) override;
  std::optional<UserEntry> user(const std::string& name) override;
  std::optional<gid_t> group(const std::string& name) override;
  std::vector<gid_t> group_list(const std::string& user, gid_t gid) override;
  std::vector<net::SocketAddress> host_addresses(const std::string& host) override;
  bool is_root() override;
  std::optional<std::string> environment_variable(const std::string& name) override;
  FileRead read_file(const std::string& path, std::size_t max_bytes) override;

 private:
  std::map<std::pair<std::string, std::size_t>, FileRead> files_;
  std::map<std::pair<std::string, std::string>, std::optional<std::uint16_t>> ports_;
  std::map<std::string, std::optional<std::uint32_t>> rpc_programs_;
  std::map<std::string, std::optional<UserEntry>> users_;
  std::map<std::string, std::optional<gid_t>> groups_;
  std::map<std::pair<std::string, gid_t>, std::vector<gid_t>> group_lists_;
  std::map<std::string, std::vector<net::SocketAddress>> hosts_;
};

}  // namespace ninetd::services
