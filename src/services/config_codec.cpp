#include "services/config_codec.h"

#include <cstdint>
#include <cstring>
#include <map>
#include <type_traits>

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

void write_service(Writer& w, const Service& s) {
  w.text(s.name);
  w.number(s.line);
  w.number(s.socket_type);
  w.number(s.transport);
  w.flag(s.v6only);
  net::SocketAddress address = s.address.expand();
  w.text(std::string_view(reinterpret_cast<const char*>(address.get()), address.length()));
  w.optional_number(s.sndbuf);
  w.optional_number(s.rcvbuf);
  w.flag(s.listen_fds);
  w.flag(s.defer_accept);
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
  // The forwarding target as the address's bytes; none: empty.
  net::SocketAddress target = s.redirect ? s.redirect->expand() : net::SocketAddress{};
  w.text(std::string_view(reinterpret_cast<const char*>(target.get()), target.length()));
  const Credentials& c = s.credentials;
  w.flag(c.switch_user);
  w.number(c.uid);
  w.number(c.gid);
  w.count(c.groups.size());
  for (gid_t g : c.groups) w.number(g);
  w.flag(s.login_class != nullptr);  // the last field: nothing follows without a class
  if (!s.login_class) return;
  w.text(s.login_class->name);
  w.count(s.login_class->limits.size());
  for (const auto& l : s.login_class->limits) {
    w.number(l.resource);
    w.number(l.soft);
    w.number(l.hard);
  }
}

// What decoded services share: one GroupList per distinct list of groups
// (services that run as one user have the same list), one LoginClass per class.
class SharedParts {
 public:
  GroupList groups(std::vector<gid_t> list) {
    auto it = groups_.find(list);
    if (it == groups_.end()) it = groups_.emplace(list, GroupList(list)).first;
    return it->second;
  }
  std::shared_ptr<const LoginClass> login_class(LoginClass value) {
    for (const auto& known : login_classes_)
      if (*known == value) return known;
    return login_classes_.emplace_back(std::make_shared<const LoginClass>(std::move(value)));
  }

 private:
  std::map<std::vector<gid_t>, GroupList> groups_;
  std::vector<std::shared_ptr<const LoginClass>> login_classes_;  // few: a linear search
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

// Only an IPv4 or IPv6 address of its family's exact length is a target.
bool read_redirect(Reader& r, Service& s) {
  std::string raw = r.text();
  if (raw.empty()) return r.ok();
  auto address = net::SocketAddress::from_raw(reinterpret_cast<const sockaddr*>(raw.data()),
                                              static_cast<socklen_t>(raw.size()));
  bool fits = (address.family() == AF_INET && raw.size() == sizeof(sockaddr_in)) ||
              (address.family() == AF_INET6 && raw.size() == sizeof(sockaddr_in6));
  if (!fits) {
    r.fail();
    return false;
  }
  s.redirect = std::make_shared<const net::CompactAddress>(address);
  return true;
}

Service read_service(Reader& r, SharedParts& shared) {
  Service s;
  s.name = r.text();
  s.line = r.number<int>();
  s.socket_type = r.number<config::SocketType>();
  s.transport = r.number<config::Transport>();
  s.v6only = r.flag();
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
  s.allow_given = r.flag();
  s.deny_given = r.flag();
  read_access_rules(r, s.access_rules);
  s.wait_mode = r.number<config::WaitMode>();
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
  if (!read_redirect(r, s)) return s;
  Credentials& c = s.credentials;
  c.switch_user = r.flag();
  c.uid = r.number<uid_t>();
  c.gid = r.number<gid_t>();
  std::vector<gid_t> groups;
  for (auto n = r.count(sizeof(gid_t)); n > 0 && r.ok(); --n) groups.push_back(r.number<gid_t>());
  c.groups = shared.groups(std::move(groups));
  if (!r.flag()) return s;
  LoginClass login_class;
  login_class.name = r.text();
  for (auto n = r.count(sizeof(int) + 2 * sizeof(rlim_t)); n > 0 && r.ok(); --n) {
    ResourceLimit l;
    l.resource = r.number<int>();
    l.soft = r.number<rlim_t>();
    l.hard = r.number<rlim_t>();
    login_class.limits.push_back(l);
  }
  s.login_class = shared.login_class(std::move(login_class));
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
  if (!r.ok() || !r.at_end()) return std::nullopt;
  // A service names a file of the list (or the main file, of a list left empty).
  for (const auto& s : loaded.services)
    if (s.file != 0 && s.file >= loaded.files.size()) return std::nullopt;
  return loaded;
}

}  // namespace ninetd::services
