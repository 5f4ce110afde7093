#include "services/config_codec.h"

#include <cstdint>
#include <cstring>
#include <map>
#include <type_traits>

#include "config/policy_fields.h"
#include "config/wrap_name.h"
#include "limits/load_limit.h"

namespace ninetd::services {
namespace {

// Both ends are the same binary on the same host, so plain native-endian
// fields suffice; a version tag guards against a daemon and loader mismatch.
constexpr std::uint32_t kMagic = 0x6e397437;  // "n9t7"

class Writer {
 public:
  template <typename T>
  void number(T value) {
    static_assert(std::is_arithmetic_v<T> || std::is_enum_v<T>);
    out_.append(reinterpret_cast<const char*>(&value), sizeof(value));
  }
  void text(std::string_view s) {
    count(s.size());
    out_.append(s);
  }
  // The number of elements that follow (the reader's count() takes it back).
  void count(std::size_t n) { number<std::uint32_t>(static_cast<std::uint32_t>(n)); }
  template <typename T>
  void optional_number(const std::optional<T>& value) {
    number<std::uint8_t>(value ? 1 : 0);
    if (value) number(*value);
  }
  void optional_text(const std::optional<std::string>& value) {
    number<std::uint8_t>(value ? 1 : 0);
    if (value) text(*value);
  }
  void flag(bool value) { number<std::uint8_t>(value ? 1 : 0); }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  void fail() { ok_ = false; }
  bool flag() { return number<std::uint8_t>() != 0; }
  bool at_end() const { return in_.empty(); }
  // What is left to read: what lies between two calls is what was read.
  std::string_view rest() const { return in_; }

  template <typename T>
  T number() {
    T value{};
    if (in_.size() < sizeof(T)) {
      ok_ = false;
      return value;
    }
    std::memcpy(&value, in_.data(), sizeof(T));
    in_.remove_prefix(sizeof(T));
    return value;
  }
  std::string text() {
    auto size = number<std::uint32_t>();
    if (!ok_ || in_.size() < size) {
      ok_ = false;
      return {};
    }
    std::string s(in_.substr(0, size));
    in_.remove_prefix(size);
    return s;
  }
  template <typename T>
  std::optional<T> optional_number() {
    if (number<std::uint8_t>() == 0) return std::nullopt;
    return number<T>();
  }
  std::optional<std::string> optional_text() {
    if (number<std::uint8_t>() == 0) return std::nullopt;
    return text();
  }
  // A count of elements, each taking at least `min_size` bytes: refuses counts
  // that cannot fit, so a bad length never makes us reserve gigabytes.
  std::uint32_t count(std::size_t min_size) {
    auto n = number<std::uint32_t>();
    if (!ok_ || n > in_.size() / (min_size == 0 ? 1 : min_size)) {
      ok_ = false;
      return 0;
    }
    return n;
  }

 private:
  std::string_view in_;
  bool ok_ = true;
};

void write_limits(Writer& w, const std::vector<ResourceLimit>& limits) {
  w.count(limits.size());
  for (const auto& l : limits) {
    w.number(l.resource);
    w.number(l.soft);
    w.number(l.hard);
  }
}

void write_launch_settings(Writer& w, const LaunchSettings& settings) {
  w.flag(settings.login_class.has_value());
  if (settings.login_class) {
    w.text(settings.login_class->name);
    write_limits(w, settings.login_class->limits);
  }
  w.count(settings.environment.size());
  for (const auto& entry : settings.environment) w.text(entry);
  w.optional_number(settings.nice);
  w.optional_number(settings.umask);
  write_limits(w, settings.limits);
}

void write_policy(Writer& w, const std::optional<ConnectionPolicy>& policy) {
  w.flag(policy.has_value());
  if (!policy) return;
  for (const std::string& banner : policy->banners) w.text(banner);
  w.count(policy->access_times.size());
  for (const limits::MinuteRange& range : policy->access_times) {
    w.number(range.first);
    w.number(range.last);
  }
  w.optional_number(policy->max_load);
}

// The forwarding target as the address's bytes; none: empty.
void write_redirect(Writer& w, const std::optional<net::CompactAddress>& redirect) {
  net::SocketAddress target = redirect ? redirect->expand() : net::SocketAddress{};
  w.text(std::string_view(reinterpret_cast<const char*>(target.get()), target.length()));
}

// The last field: nothing follows for a service without extras.
void write_extras(Writer& w, const ExtrasRef& extras) {
  w.flag(static_cast<bool>(extras));
  if (!extras) return;
  w.flag(extras->launch.has_value());
  if (extras->launch) write_launch_settings(w, *extras->launch);
  write_policy(w, extras->policy);
  write_redirect(w, extras->redirect);
  w.text(extras->libwrap);
}

void write_service(Writer& w, const Service& s) {
  w.text(s.name);
  w.number(s.line);
  w.number(s.socket_type);
  w.number(s.transport);
  w.flag(s.v6only);
  w.number(s.log_on_success);
  net::SocketAddress address = s.address.expand();
  w.text(std::string_view(reinterpret_cast<const char*>(address.get()), address.length()));
  w.optional_number(s.sndbuf);
  w.optional_number(s.rcvbuf);
  w.flag(s.listen_fds);
  w.flag(s.defer_accept);
  w.flag(s.nodelay);
  w.flag(s.keepalive);
  w.flag(s.allow_given);
  w.flag(s.deny_given);
  w.count(s.access_rules.size());
  for (const limits::AccessRule& rule : s.access_rules) {
    w.flag(rule.allow);
    w.flag(rule.prefix.v4);
    w.number(rule.prefix.length);
    w.text(std::string_view(reinterpret_cast<const char*>(rule.prefix.bytes.data()),
                            rule.prefix.bytes.size()));
  }
  w.number(s.wait_mode);
  w.number(s.log_on_failure);
  w.number(s.log_target);
  w.number(s.file);
  w.number(s.limits.max_child);
  w.number(s.limits.max_per_minute);
  w.number(s.limits.max_conn_per_ip_per_minute);
  w.number(s.limits.max_child_per_ip);
  w.number(s.builtin);
  w.flag(s.tcpmux);
  w.flag(s.tcpmux_plus);
  w.text(s.tcpmux_name);
  w.number(s.rpc_program);
  w.number(s.rpc_low_version);
  w.number(s.rpc_high_version);
  w.text(s.program);
  w.count(s.argv.size());
  for (const auto& arg : s.argv) w.text(arg);
  const Credentials& c = s.credentials;
  w.flag(c.switch_user);
  w.number(c.uid);
  w.number(c.gid);
  w.count(c.groups.size());
  for (gid_t g : c.groups) w.number(g);
  write_extras(w, s.extras);
}

// What decoded services share: one GroupList per distinct list of groups
// (services that run as one user have the same list), one ServiceExtras per
// distinct extras (the sockets of one entry, the services of one class or of
// one xinetd defaults). Extras are found by their encoded bytes, which are
// equal exactly when the extras are (the reader takes no other encoding of a
// value), so thousands of services with extras of their own cost a lookup
// each, not a comparison with every block before.
class SharedParts {
 public:
  GroupList groups(std::vector<gid_t> list) {
    auto it = groups_.find(list);
    if (it == groups_.end()) it = groups_.emplace(list, GroupList(list)).first;
    return it->second;
  }
  ExtrasRef extras(std::string_view encoded, ServiceExtras value) {
    auto it = extras_.find(encoded);
    if (it == extras_.end())
      it = extras_.emplace(std::string(encoded), ExtrasRef::make(std::move(value))).first;
    return it->second;
  }

 private:
  std::map<std::vector<gid_t>, GroupList> groups_;
  std::map<std::string, ExtrasRef, std::less<>> extras_;
};

void read_access_rules(Reader& r, std::vector<limits::AccessRule>& rules) {
  std::size_t n = r.count(4 + 16);
  for (std::size_t i = 0; i < n && r.ok(); ++i) {
    limits::AccessRule rule;
    rule.allow = r.flag();
    rule.prefix.v4 = r.flag();
    rule.prefix.length = r.number<std::uint8_t>();
    std::string bytes = r.text();
    if (bytes.size() != rule.prefix.bytes.size() ||
        rule.prefix.length > (rule.prefix.v4 ? 32 : 128)) {
      r.fail();
      return;
    }
    std::copy(bytes.begin(), bytes.end(), rule.prefix.bytes.begin());
    rules.push_back(rule);
  }
}

void read_limits(Reader& r, std::vector<ResourceLimit>& limits) {
  for (auto n = r.count(sizeof(int) + 2 * sizeof(rlim_t)); n > 0 && r.ok(); --n) {
    ResourceLimit l;
    l.resource = r.number<int>();
    l.soft = r.number<rlim_t>();
    l.hard = r.number<rlim_t>();
    limits.push_back(l);
  }
}

LaunchSettings read_launch_settings(Reader& r) {
  LaunchSettings settings;
  if (r.flag()) {
    LoginClass login_class;
    login_class.name = r.text();
    read_limits(r, login_class.limits);
    settings.login_class = std::move(login_class);
  }
  for (auto n = r.count(sizeof(std::uint32_t)); n > 0 && r.ok(); --n)
    settings.environment.push_back(r.text());
  settings.nice = r.optional_number<int>();
  settings.umask = r.optional_number<std::uint32_t>();
  read_limits(r, settings.limits);
  return settings;
}

// Checked as the loader makes them: a banner within its bound, ranges within
// the day, not empty (the writer sends no empty policy).
void read_policy(Reader& r, std::optional<ConnectionPolicy>& out) {
  if (!r.flag()) return;
  ConnectionPolicy policy;
  for (std::string& banner : policy.banners) {
    banner = r.text();
    if (banner.size() > config::kMaxBannerBytes) r.fail();
  }
  for (auto n = r.count(2 * sizeof(std::uint16_t)); n > 0 && r.ok(); --n) {
    limits::MinuteRange range;
    range.first = r.number<std::uint16_t>();
    range.last = r.number<std::uint16_t>();
    if (range.first > range.last || range.last >= limits::kMinutesPerDay) r.fail();
    policy.access_times.push_back(range);
  }
  policy.max_load = r.optional_number<std::uint32_t>();
  if (policy.max_load > limits::kMaxLoadHundredths || policy.empty()) r.fail();
  if (r.ok()) out = std::move(policy);
}

// Only an IPv4 or IPv6 address of its family's exact length is a target.
void read_redirect(Reader& r, std::optional<net::CompactAddress>& out) {
  std::string raw = r.text();
  if (raw.empty()) return;
  auto address = net::SocketAddress::from_raw(reinterpret_cast<const sockaddr*>(raw.data()),
                                              static_cast<socklen_t>(raw.size()));
  bool fits = (address.family() == AF_INET && raw.size() == sizeof(sockaddr_in)) ||
              (address.family() == AF_INET6 && raw.size() == sizeof(sockaddr_in6));
  if (!fits) return r.fail();
  out = address;
}

// Checked as the loader makes them: no part, nor the whole, present but empty.
void read_extras(Reader& r, SharedParts& shared, ExtrasRef& out) {
  std::string_view start = r.rest();
  if (!r.flag()) return;
  ServiceExtras extras;
  if (r.flag()) {
    extras.launch = read_launch_settings(r);
    if (extras.launch->empty()) r.fail();
  }
  read_policy(r, extras.policy);
  read_redirect(r, extras.redirect);
  extras.libwrap = r.text();
  if (!extras.libwrap.empty() && !config::wrap_name_problem(extras.libwrap).empty()) r.fail();
  if (extras.empty()) r.fail();
  if (!r.ok()) return;
  out = shared.extras(start.substr(0, start.size() - r.rest().size()), std::move(extras));
}

Service read_service(Reader& r, SharedParts& shared) {
  Service s;
  s.name = r.text();
  s.line = r.number<int>();
  s.socket_type = r.number<config::SocketType>();
  s.transport = r.number<config::Transport>();
  s.v6only = r.flag();
  s.log_on_success = r.number<std::uint8_t>();
  std::string raw = r.text();
  if (raw.size() > net::SocketAddress::kMaxLength) {
    r.fail();
    return s;
  }
  s.address = net::SocketAddress::from_raw(reinterpret_cast<const sockaddr*>(raw.data()),
                                           static_cast<socklen_t>(raw.size()));
  s.sndbuf = r.optional_number<int>();
  s.rcvbuf = r.optional_number<int>();
  s.listen_fds = r.flag();
  s.defer_accept = r.flag();
  s.nodelay = r.flag();
  s.keepalive = r.flag();
  s.allow_given = r.flag();
  s.deny_given = r.flag();
  read_access_rules(r, s.access_rules);
  s.wait_mode = r.number<config::WaitMode>();
  s.log_on_failure = r.number<std::uint8_t>();
  s.log_target = r.number<std::uint8_t>();
  s.file = r.number<std::uint16_t>();
  s.limits.max_child = r.number<unsigned>();
  s.limits.max_per_minute = r.number<unsigned>();
  s.limits.max_conn_per_ip_per_minute = r.number<unsigned>();
  s.limits.max_child_per_ip = r.number<unsigned>();
  s.builtin = r.number<config::Builtin>();
  s.tcpmux = r.flag();
  s.tcpmux_plus = r.flag();
  s.tcpmux_name = r.text();
  s.rpc_program = r.number<std::uint32_t>();
  s.rpc_low_version = r.number<std::uint32_t>();
  s.rpc_high_version = r.number<std::uint32_t>();
  s.program = r.text();
  for (auto n = r.count(sizeof(std::uint32_t)); n > 0 && r.ok(); --n) s.argv.push_back(r.text());
  Credentials& c = s.credentials;
  c.switch_user = r.flag();
  c.uid = r.number<uid_t>();
  c.gid = r.number<gid_t>();
  std::vector<gid_t> groups;
  for (auto n = r.count(sizeof(gid_t)); n > 0 && r.ok(); --n) groups.push_back(r.number<gid_t>());
  c.groups = shared.groups(std::move(groups));
  read_extras(r, shared, s.extras);
  return s;
}

}  // namespace

std::string encode_config(const LoadedConfig& loaded) {
  Writer w;
  w.number(kMagic);
  w.flag(loaded.readable);
  w.count(loaded.services.size());
  for (const auto& s : loaded.services) write_service(w, s);
  w.count(loaded.failed.size());
  for (const auto& f : loaded.failed) {
    w.number(f.line);
    w.text(f.service);
    w.text(f.protocol);
  }
  w.count(loaded.diagnostics.size());
  for (const auto& d : loaded.diagnostics) {
    w.text(d.file);
    w.number(d.line);
    w.number(d.column);
    w.number(d.severity);
    w.text(d.message);
  }
  w.count(loaded.files.size());
  for (const auto& f : loaded.files) w.text(f);
  w.count(loaded.log_targets.size());
  for (const auto& t : loaded.log_targets) {
    w.number(t.kind);
    w.number(t.priority);
    w.text(t.path);
    w.number(t.soft_limit);
    w.number(t.hard_limit);
  }
  return w.take();
}

std::optional<LoadedConfig> decode_config(std::string_view bytes) {
  Reader r(bytes);
  if (r.number<std::uint32_t>() != kMagic) return std::nullopt;
  LoadedConfig loaded;
  loaded.readable = r.flag();
  SharedParts shared;
  for (auto n = r.count(1); n > 0 && r.ok(); --n)
    loaded.services.push_back(read_service(r, shared));
  for (auto n = r.count(1); n > 0 && r.ok(); --n) {
    config::FailedEntry f;
    f.line = r.number<int>();
    f.service = r.text();
    f.protocol = r.text();
    loaded.failed.push_back(std::move(f));
  }
  for (auto n = r.count(1); n > 0 && r.ok(); --n) {
    config::Diagnostic d;
    d.file = r.text();
    d.line = r.number<int>();
    d.column = r.number<int>();
    d.severity = r.number<config::Severity>();
    d.message = r.text();
    loaded.diagnostics.push_back(std::move(d));
  }
  for (auto n = r.count(sizeof(std::uint32_t)); n > 0 && r.ok(); --n)
    loaded.files.push_back(r.text());
  for (auto n = r.count(1 + 1 + sizeof(std::uint32_t) + 16); n > 0 && r.ok(); --n) {
    config::LogTarget t;
    t.kind = r.number<config::LogTarget::Kind>();
    t.priority = r.number<std::uint8_t>();
    t.path = r.text();
    t.soft_limit = r.number<std::uint64_t>();
    t.hard_limit = r.number<std::uint64_t>();
    loaded.log_targets.push_back(std::move(t));
  }
  if (!r.ok() || !r.at_end()) return std::nullopt;
  // A service names a file of the list (or the main file, of a list left empty).
  for (const auto& s : loaded.services)
    if ((s.file != 0 && s.file >= loaded.files.size()) || s.log_target > loaded.log_targets.size())
      return std::nullopt;
  return loaded;
}

}  // namespace ninetd::services
