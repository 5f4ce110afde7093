// Field-by-field comparison of two ServiceSpecs, for the tests that write a
// spec (config/spec_writer.h) and read it back: the names of the fields that
// differ, with both values. Where it was read (file, line, places) and the
// notes (comments once written) are not compared. A limit of 0 is compared
// as no limit: the resolver reads both as none. A field added to ServiceSpec
// gets its line here.
#pragma once

#include <fmt/format.h>

#include <optional>
#include <string>
#include <vector>

#include "config/log_settings.h"
#include "config/service_spec.h"
#include "limits/access_times.h"

namespace ninetd::config::testing {

inline std::string shown(const std::optional<std::string>& v) {
  return v ? fmt::format("\"{}\"", *v) : "none";
}
inline std::string shown(const std::optional<int>& v) {
  return v ? std::to_string(*v) : "none";
}
inline std::string shown(const std::vector<std::string>& v) {
  return fmt::format("[{}]", fmt::join(v, "|"));
}
inline std::string shown(const std::vector<limits::AccessRule>& rules) {
  std::vector<std::string> out;
  for (const auto& r : rules)
    out.push_back(fmt::format("{}{}", r.allow ? "+" : "-", limits::to_string(r.prefix)));
  return shown(out);
}
template <typename T>
std::string shown(const T& v) {
  if constexpr (std::is_enum_v<T>)
    return std::to_string(static_cast<int>(v));
  else if constexpr (std::is_same_v<T, std::string>)
    return fmt::format("\"{}\"", v);
  else
    return fmt::format("{}", v);
}

// The settings beyond the classic fields, as text both sides can show.
inline std::string shown_log_type(const std::optional<LogTarget>& t) {
  if (!t) return "none";
  return fmt::format("{}/{}/{}/{}/{}", static_cast<int>(t->kind), t->priority, t->path,
                     t->soft_limit, t->hard_limit);
}
inline std::string shown_rlimits(const std::vector<RlimitSetting>& rlimits) {
  std::vector<std::string> out;
  for (const auto& r : rlimits)
    out.push_back(fmt::format("{}={}", static_cast<int>(r.which), r.value));
  return shown(out);
}
inline std::string shown_redirect(const std::optional<ServiceSpec::Redirect>& r) {
  return r ? fmt::format("{} {}", r->host, r->port) : "none";
}
inline std::string shown_max_load(const std::optional<std::uint32_t>& v) {
  return v ? std::to_string(*v) : "none";
}
inline std::string shown_umask(const std::optional<std::uint32_t>& v) {
  return v ? fmt::format("{:o}", *v) : "none";
}

inline std::vector<std::string> spec_differences(const ServiceSpec& a, const ServiceSpec& b) {
  std::vector<std::string> out;
  auto same = [&out](const char* name, const auto& x, const auto& y) {
    if (!(x == y)) out.push_back(fmt::format("{}: {} vs {}", name, shown(x), shown(y)));
  };
  auto limit = [](const std::optional<unsigned>& v) { return v.value_or(0); };
  same("service", a.service, b.service);
  same("label", a.label, b.label);
  same("host", a.host, b.host);
  same("tcpmux", a.tcpmux, b.tcpmux);
  same("tcpmux_plus", a.tcpmux_plus, b.tcpmux_plus);
  same("rpc", a.rpc, b.rpc);
  same("rpc_low_version", a.rpc_low_version, b.rpc_low_version);
  same("rpc_high_version", a.rpc_high_version, b.rpc_high_version);
  same("socket_type", a.socket_type, b.socket_type);
  same("defer_accept", a.defer_accept, b.defer_accept);
  same("nodelay", a.nodelay, b.nodelay);
  same("keepalive", a.keepalive, b.keepalive);
  same("protocol", a.protocol, b.protocol);
  same("transport", a.transport, b.transport);
  same("family", a.family, b.family);
  same("sndbuf", a.sndbuf, b.sndbuf);
  same("rcvbuf", a.rcvbuf, b.rcvbuf);
  same("listen_fds", a.listen_fds, b.listen_fds);
  same("wait_mode", a.wait_mode, b.wait_mode);
  same("max_per_minute", limit(a.max_per_minute), limit(b.max_per_minute));
  same("max_child", limit(a.max_child), limit(b.max_child));
  same("max_conn_per_ip_per_minute", limit(a.max_conn_per_ip_per_minute),
       limit(b.max_conn_per_ip_per_minute));
  same("max_child_per_ip", limit(a.max_child_per_ip), limit(b.max_child_per_ip));
  same("access_rules", a.access_rules, b.access_rules);
  same("allow_given", a.allow_given, b.allow_given);
  same("deny_given", a.deny_given, b.deny_given);
  same("user", a.user, b.user);
  same("group", a.group, b.group);
  same("login_class", a.login_class, b.login_class);
  same("groups", a.supplementary_groups, b.supplementary_groups);
  same("builtin", a.builtin, b.builtin);
  same("program", a.program, b.program);
  same("args", a.args, b.args);
  for (std::size_t i = 0; i < kBannerKinds; ++i)
    same(banner_key(static_cast<BannerKind>(i)).data(), a.policy.banners[i].path,
         b.policy.banners[i].path);
  same("access_times", limits::describe(a.policy.access_times),
       limits::describe(b.policy.access_times));
  same("access_times_given", a.policy.access_times_given, b.policy.access_times_given);
  same("max_load", shown_max_load(a.policy.max_load), shown_max_load(b.policy.max_load));
  same("env", a.launch.env, b.launch.env);
  same("passenv", a.launch.passenv, b.launch.passenv);
  same("nice", a.launch.nice, b.launch.nice);
  same("umask", shown_umask(a.launch.umask), shown_umask(b.launch.umask));
  same("rlimits", shown_rlimits(a.launch.rlimits), shown_rlimits(b.launch.rlimits));
  same("log_on_success", a.log_on_success, b.log_on_success);
  same("log_on_failure", a.log_on_failure, b.log_on_failure);
  same("log_type", shown_log_type(a.log_type), shown_log_type(b.log_type));
  same("redirect", shown_redirect(a.redirect), shown_redirect(b.redirect));
  same("libwrap", a.libwrap, b.libwrap);
  return out;
}

}  // namespace ninetd::config::testing
