#include "spawn/launch_template.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spawn/environment.h"

namespace ninetd::spawn {
namespace {

constexpr std::size_t kIpRoom = net::SocketAddress::kMaxIpText;  // NUL included
constexpr std::size_t kPortRoom = sizeof("65535");
// Room for the digits of any pid; the child writes them (spawner.cpp).
constexpr std::string_view kListenPid = "LISTEN_PID=";
constexpr std::size_t kPidRoom = 21;
// PATH, PROTO, two sets of four, LISTEN_FDS, LISTEN_PID and the null.
constexpr std::size_t kMaxVariables = 1 + 1 + 8 + 2 + 1;
constexpr std::size_t kAlignment = std::max(
    {alignof(char*), alignof(services::ResourceLimit), alignof(gid_t), alignof(std::uint32_t)});

// Variables that are the same for every service point into static storage,
// which, like the ignored signals' list, outlives every child: the copy a
// launch makes need not carry them.
constexpr const char* kProto[2][2] = {{"PROTO=TCP", "PROTO=TCP6"}, {"PROTO=UDP", "PROTO=UDP6"}};
constexpr const char* kListenFds = "LISTEN_FDS=1";
constexpr const char* kValueNames[] = {"REMOTEIP=", "REMOTEPORT=", "LOCALIP=", "LOCALPORT="};
constexpr std::size_t kValueRoom[] = {kIpRoom, kPortRoom, kIpRoom, kPortRoom};

char* const kNoStrings[] = {nullptr};

// An address's ip and port as the UCSPI variables give them, each with its NUL.
struct AddressText {
  explicit AddressText(const net::SocketAddress& address) {
    ip_size = address.write_ip(ip) + 1;
    char digits[kPortRoom];
    std::size_t n = 0;
    unsigned value = address.port();
    do {
      digits[n++] = static_cast<char>('0' + value % 10);
      value /= 10;
    } while (value > 0);
    while (n > 0) port[port_size++] = digits[--n];
    port[port_size++] = '\0';
  }
  void write(char* ip_out, char* port_out) const {
    std::memcpy(ip_out, ip, ip_size);
    std::memcpy(port_out, port, port_size);
  }

  char ip[kIpRoom];
  std::size_t ip_size = 0;
  char port[kPortRoom];
  std::size_t port_size = 0;
};

// Hands out aligned offsets in a block whose size is known at the end.
class Layout {
 public:
  template <typename T>
  std::uint32_t take(std::size_t count) {
    size_ = (size_ + alignof(T) - 1) / alignof(T) * alignof(T);
    auto offset = static_cast<std::uint32_t>(size_);
    size_ += count * sizeof(T);
    return offset;
  }
  std::size_t size() const { return size_; }

 private:
  std::size_t size_ = 0;
};

}  // namespace

LaunchTemplate::LaunchTemplate(const services::Service& service, const CredentialSteps& steps) {
  net::SocketAddress listener = service.address.expand();
  int family = listener.family();
  bool ip_listener = family == AF_INET || family == AF_INET6;
  // Only a unix listener has no address to give; a tcpmux service has none of
  // its own but runs behind the tcpmux listener's. A builtin launches nothing.
  ucspi_ = service.builtin == config::Builtin::none && family != AF_UNIX;
  // Bound to one IP address, the listener's address is every connection's
  // local one.
  needs_local_ = !ip_listener || listener.is_any();
  listen_fds_ = service.listen_fds;
  bool udp = service.transport == config::Transport::udp;
  proto_[0] = kProto[udp][0];
  proto_[1] = kProto[udp][1];

  take_credentials(service.credentials, steps);
  Settings settings;
  take_settings(service.launch_settings(), settings);
  argc_ = static_cast<std::uint32_t>(service.argv.size());
  Names names;
  std::vector<std::uint32_t> argv_starts;
  lay_out(service, udp, names, argv_starts, settings);
  write_image(service, listener, names, argv_starts, settings);
}

void LaunchTemplate::take_settings(const services::LaunchSettings* settings, Settings& out) {
  if (settings == nullptr) return;
  out.limits = settings->effective_limits();
  limit_count_ = static_cast<std::uint32_t>(out.limits.size());
  for (const std::string& variable : settings->environment) {
    // A PATH of the service's own takes the place of the default one.
    if (variable.starts_with("PATH="))
      out.path = &variable;
    else
      out.variables.push_back(&variable);
  }
  variable_count_ = static_cast<std::uint32_t>(out.variables.size());
  has_own_path_ = out.path != nullptr;
  set_nice_ = settings->nice.has_value();
  nice_ = settings->nice.value_or(0);
  set_umask_ = settings->umask.has_value();
  umask_ = settings->umask.value_or(0);
}

void LaunchTemplate::take_credentials(const services::Credentials& credentials,
                                      const CredentialSteps& steps) {
  if (credentials.switch_user) {
    set_groups_ = steps.set_groups;
    set_gid_ = steps.set_gid;
    set_uid_ = steps.set_uid;
    uid_ = credentials.uid;
    gid_ = credentials.gid;
  }
  group_count_ = set_groups_ ? static_cast<std::uint32_t>(credentials.groups.size()) : 0;
}

void LaunchTemplate::lay_out(const services::Service& service, bool udp, Names& names,
                             std::vector<std::uint32_t>& argv_starts, Settings& settings) {
  Layout layout;
  limits_ = layout.take<services::ResourceLimit>(limit_count_);
  groups_ = layout.take<gid_t>(group_count_);
  argv_offsets_ = layout.take<std::uint32_t>(argc_);
  path_ = layout.take<char>(service.program.size() + 1);
  argv_starts.reserve(argc_);
  for (const std::string& arg : service.argv)
    argv_starts.push_back(layout.take<char>(arg.size() + 1));
  if (ucspi_) {
    for (std::size_t set = 0; set < kSets; ++set) {
      std::string prefix = std::string(udp ? "UDP" : "TCP") + (set == 1 ? "6" : "");
      for (std::size_t v = 0; v < kValuesPerSet; ++v) {
        names[set][v] = prefix + kValueNames[v];
        variable_[set][v] = layout.take<char>(names[set][v].size() + kValueRoom[v]);
        value_[set][v] = variable_[set][v] + static_cast<std::uint32_t>(names[set][v].size());
      }
    }
  }
  if (listen_fds_) listen_pid_ = layout.take<char>(kListenPid.size() + kPidRoom);
  variable_offsets_ = layout.take<std::uint32_t>(variable_count_);
  for (const std::string* variable : settings.variables)
    settings.starts.push_back(layout.take<char>(variable->size() + 1));
  if (settings.path != nullptr) own_path_ = layout.take<char>(settings.path->size() + 1);
  constant_size_ = static_cast<std::uint32_t>(layout.size());
  argv_ = layout.take<char*>(argc_ + 1);
  envp_ = layout.take<char*>(kMaxVariables + variable_count_);
  size_ = static_cast<std::uint32_t>(layout.size());
}

void LaunchTemplate::write_image(const services::Service& service,
                                 const net::SocketAddress& listener, const Names& names,
                                 const std::vector<std::uint32_t>& argv_starts,
                                 const Settings& settings) {
  image_ = std::make_unique<std::byte[]>(size_);
  std::byte* base = image_.get();
  auto chars = [base](std::uint32_t offset) { return reinterpret_cast<char*>(base + offset); };
  if (limit_count_ > 0)
    std::copy(settings.limits.begin(), settings.limits.end(),
              reinterpret_cast<services::ResourceLimit*>(base + limits_));
  if (group_count_ > 0)
    std::memcpy(base + groups_, service.credentials.groups.data(), group_count_ * sizeof(gid_t));
  if (argc_ > 0)
    std::memcpy(base + argv_offsets_, argv_starts.data(), argc_ * sizeof(std::uint32_t));
  std::memcpy(chars(path_), service.program.c_str(), service.program.size() + 1);
  for (std::uint32_t i = 0; i < argc_; ++i)
    std::memcpy(chars(argv_starts[i]), service.argv[i].c_str(), service.argv[i].size() + 1);
  if (ucspi_) {
    AddressText local(listener.unmapped());
    for (std::size_t set = 0; set < kSets; ++set) {
      for (std::size_t v = 0; v < kValuesPerSet; ++v)
        std::memcpy(chars(variable_[set][v]), names[set][v].data(), names[set][v].size());
      if (!needs_local_) local.write(chars(value_[set][kLocalIp]), chars(value_[set][kLocalPort]));
    }
  }
  if (listen_fds_) {
    char* pid = chars(listen_pid_);
    std::memcpy(pid, kListenPid.data(), kListenPid.size());
    std::memset(pid + kListenPid.size(), ' ', kPidRoom - 1);
  }
  if (variable_count_ > 0)
    std::memcpy(base + variable_offsets_, settings.starts.data(),
                variable_count_ * sizeof(std::uint32_t));
  for (std::uint32_t i = 0; i < variable_count_; ++i)
    std::memcpy(chars(settings.starts[i]), settings.variables[i]->c_str(),
                settings.variables[i]->size() + 1);
  if (settings.path != nullptr)
    std::memcpy(chars(own_path_), settings.path->c_str(), settings.path->size() + 1);
}

bool LaunchTemplate::instantiate(const PerLaunch& launch, std::span<std::byte> arena,
                                 LaunchPlan& plan) const {
  if (arena.size() < size_ || reinterpret_cast<std::uintptr_t>(arena.data()) % kAlignment != 0)
    return false;
  if (image_ != nullptr) std::memcpy(arena.data(), image_.get(), constant_size_);
  fill(arena.data(), launch, plan);
  return true;
}

LaunchPlan LaunchTemplate::instantiate_in_place(const PerLaunch& launch) {
  LaunchPlan plan;
  fill(image_.get(), launch, plan);
  return plan;
}

void LaunchTemplate::fill(std::byte* base, const PerLaunch& launch, LaunchPlan& plan) const {
  plan = LaunchPlan{};
  plan.socket_fd = launch.socket_fd;
  plan.new_session = launch.new_session;
  if (image_ == nullptr) {
    plan.path = "";
    plan.argv = kNoStrings;
    plan.envp = kNoStrings;
    return;
  }
  auto chars = [base](std::uint32_t offset) { return reinterpret_cast<char*>(base + offset); };
  plan.path = chars(path_);

  auto* argv = reinterpret_cast<char**>(base + argv_);
  const auto* starts = reinterpret_cast<const std::uint32_t*>(base + argv_offsets_);
  for (std::uint32_t i = 0; i < argc_; ++i) argv[i] = chars(starts[i]);
  argv[argc_] = nullptr;
  plan.argv = argv;

  plan.envp = fill_environment(base, launch);
  plan.listen_fds = listen_fds_;
  plan.set_groups = set_groups_;
  plan.set_gid = set_gid_;
  plan.set_uid = set_uid_;
  plan.uid = uid_;
  plan.gid = gid_;
  if (group_count_ > 0) {
    plan.groups = reinterpret_cast<const gid_t*>(base + groups_);
    plan.group_count = group_count_;
  }
  if (limit_count_ > 0) {
    plan.limits = reinterpret_cast<const services::ResourceLimit*>(base + limits_);
    plan.limit_count = limit_count_;
  }
  plan.set_nice = set_nice_;
  plan.nice = nice_;
  plan.set_umask = set_umask_;
  plan.umask = umask_;
}

char* const* LaunchTemplate::fill_environment(std::byte* base, const PerLaunch& launch) const {
  auto chars = [base](std::uint32_t offset) { return reinterpret_cast<char*>(base + offset); };
  auto* envp = reinterpret_cast<char**>(base + envp_);
  std::size_t n = 0;
  envp[n++] = has_own_path_ ? chars(own_path_) : const_cast<char*>(kDefaultPath);
  const net::SocketAddress* peer = launch.peer;
  if (ucspi_ && peer != nullptr && (peer->family() == AF_INET || peer->family() == AF_INET6)) {
    // ucspi-tcp6 says PROTO=TCP6 and names the IPv6 forms TCP6REMOTEIP...;
    // s6-networking and servers written for plain tcpserver read TCPREMOTEIP
    // whatever the family. Both sets are given, so either kind of server works.
    net::SocketAddress remote_address = peer->unmapped();
    std::size_t sets = remote_address.family() == AF_INET6 ? 2 : 1;
    envp[n++] = const_cast<char*>(proto_[sets - 1]);
    AddressText remote(remote_address);
    // Without the kernel's answer (the caller's getsockname failed), no address.
    std::optional<AddressText> local;
    if (needs_local_)
      local.emplace(launch.local != nullptr ? launch.local->unmapped() : net::SocketAddress());
    for (std::size_t set = 0; set < sets; ++set) {
      const auto& value = value_[set];
      remote.write(chars(value[kRemoteIp]), chars(value[kRemotePort]));
      if (local) local->write(chars(value[kLocalIp]), chars(value[kLocalPort]));
      for (std::uint32_t variable : variable_[set]) envp[n++] = chars(variable);
    }
  }
  if (listen_fds_) {
    envp[n++] = const_cast<char*>(kListenFds);
    envp[n++] = chars(listen_pid_);
  }
  const auto* starts = reinterpret_cast<const std::uint32_t*>(base + variable_offsets_);
  for (std::uint32_t i = 0; i < variable_count_; ++i) envp[n++] = chars(starts[i]);
  envp[n] = nullptr;
  return envp;
}

}  // namespace ninetd::spawn
