// LaunchTemplate: what every launch of one service has in common, laid out
// once per definition (RunningService makes it at the first launch), as
// s6-tcpserverd builds PROTO and TCPLOCAL* at start and adds only the remote
// address per connection. One block of
// memory holds the path, argv, groups, the login class's limits and the
// environment's variables with room for their values; the values that do not
// change (the local address of a listener bound to one address) are written
// in it already. A launch copies the block into its launch slot and writes
// only the remote address and port there, and the local ones for a wildcard
// listener, into fixed-width room: no formatting into new strings, no string
// copied one by one. Pure: no system calls (the caller asks the kernel for a
// wildcard listener's local address).
#pragma once

#include <sys/types.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "net/socket_address.h"
#include "services/service.h"
#include "spawn/identity.h"
#include "spawn/launch_plan.h"

namespace ninetd::spawn {

// What differs between two launches of one service.
struct PerLaunch {
  int socket_fd = -1;        // becomes 0, 1 and 2
  bool new_session = false;  // see LaunchRequest
  // An IPv4 or IPv6 peer gets the UCSPI variables; none (a server given the
  // listener) or a unix peer gets PATH only.
  const net::SocketAddress* peer = nullptr;
  // The connection's own address, for a template that needs_local_address()
  // (none: LOCALIP empty, LOCALPORT 0); ignored otherwise.
  const net::SocketAddress* local = nullptr;
};

class LaunchTemplate {
 public:
  // Empty: launches with no path, which execve refuses.
  LaunchTemplate() = default;
  // `steps` matter only when the service switches user.
  LaunchTemplate(const services::Service& service, const CredentialSteps& steps);
  LaunchTemplate(LaunchTemplate&&) noexcept = default;
  LaunchTemplate& operator=(LaunchTemplate&&) noexcept = default;

  // The listener is a wildcard or a tcpmux service's (no address of its own):
  // a connection's local address is known only from the kernel.
  bool needs_local_address() const { return needs_local_; }
  bool listen_fds() const { return listen_fds_; }
  // The arena a launch needs.
  std::size_t size() const { return size_; }

  // The plan of one launch in `arena`, which then holds everything the plan
  // points to but a few constant strings in static storage. False when the
  // template does not fit; `plan` is then unspecified.
  bool instantiate(const PerLaunch& launch, std::span<std::byte> arena, LaunchPlan& plan) const;
  // The plan of one launch in the template's own memory, for a launch that
  // waits for its child's execve (the next launch writes over it).
  LaunchPlan instantiate_in_place(const PerLaunch& launch);

 private:
  // The UCSPI variables' values: one set named TCP (or UDP), one TCP6 (UDP6).
  enum Value { kRemoteIp, kRemotePort, kLocalIp, kLocalPort, kValuesPerSet };
  static constexpr std::size_t kSets = 2;

  // The UCSPI variables' names ("TCPREMOTEIP="), while the image is made.
  using Names = std::array<std::array<std::string, kValuesPerSet>, kSets>;
  // What the service's LaunchSettings add, while the image is made.
  struct Settings {
    std::vector<services::ResourceLimit> limits;  // the class's and its own
    std::vector<const std::string*> variables;    // env and passenv's, but PATH
    const std::string* path = nullptr;            // a PATH of its own
    std::vector<std::uint32_t> starts;            // where each variable goes
  };

  void take_credentials(const services::Credentials& credentials, const CredentialSteps& steps);
  void take_settings(const services::LaunchSettings* settings, Settings& out);
  // Where everything goes in the image (offsets and sizes).
  void lay_out(const services::Service& service, bool udp, Names& names,
               std::vector<std::uint32_t>& argv_starts, Settings& settings);
  // The image's constant part: path, argv, groups, limits, variable names.
  void write_image(const services::Service& service, const net::SocketAddress& listener,
                   const Names& names, const std::vector<std::uint32_t>& argv_starts,
                   const Settings& settings);
  void fill(std::byte* base, const PerLaunch& launch, LaunchPlan& plan) const;
  // envp for one launch: PATH, the UCSPI variables, LISTEN_FDS, the service's own.
  char* const* fill_environment(std::byte* base, const PerLaunch& launch) const;

  std::unique_ptr<std::byte[]> image_;
  std::uint32_t size_ = 0;
  // The part a launch copies: what follows, the pointer arrays, it writes.
  std::uint32_t constant_size_ = 0;
  // Offsets into the image.
  std::uint32_t argv_ = 0;          // char*[]
  std::uint32_t envp_ = 0;          // char*[]
  std::uint32_t limits_ = 0;        // services::ResourceLimit[]
  std::uint32_t groups_ = 0;        // gid_t[]
  std::uint32_t argv_offsets_ = 0;  // std::uint32_t[]: where each argument starts
  std::uint32_t path_ = 0;
  std::uint32_t listen_pid_ = 0;        // "LISTEN_PID=" and room for the child's pid
  std::uint32_t variable_offsets_ = 0;  // std::uint32_t[]: the service's own variables
  std::uint32_t own_path_ = 0;          // its PATH=, when it gives one
  // Each value's variable ("TCPREMOTEIP=...") and where its value starts.
  std::array<std::array<std::uint32_t, kValuesPerSet>, kSets> variable_{};
  std::array<std::array<std::uint32_t, kValuesPerSet>, kSets> value_{};
  std::uint32_t argc_ = 0;
  std::uint32_t limit_count_ = 0;
  std::uint32_t group_count_ = 0;
  std::uint32_t variable_count_ = 0;
  std::uint32_t umask_ = 0;
  int nice_ = 0;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  const char* proto_[kSets] = {};  // PROTO=TCP, PROTO=TCP6 (static storage)
  bool ucspi_ = false;             // the image has the UCSPI variables
  bool needs_local_ = false;
  bool listen_fds_ = false;
  bool set_groups_ = false;
  bool set_gid_ = false;
  bool set_uid_ = false;
  bool has_own_path_ = false;
  bool set_nice_ = false;
  bool set_umask_ = false;
};

}  // namespace ninetd::spawn
