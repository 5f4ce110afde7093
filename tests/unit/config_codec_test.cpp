#include "services/config_codec.h"

#include <gtest/gtest.h>

#include "config/policy_fields.h"

namespace ninetd::services {
namespace {

// Every field set to something other than its default, so a field the codec
// forgets shows up as a difference.
Service full_service() {
  Service s;
  s.name = "tcpmux/+Ftp/tcp";
  s.line = 42;
  s.file = 3;
  s.socket_type = config::SocketType::seqpacket;
  s.transport = config::Transport::udp;
  s.v6only = true;
  s.log_on_success = config::log_success::kPid | config::log_success::kExit;
  s.log_on_failure = config::log_failure::kHost;
  s.log_target = 2;  // log_targets() below
  s.address = *net::SocketAddress::from_numeric("::1", 2121);
  s.sndbuf = 65536;
  s.rcvbuf = 1024;
  s.listen_fds = true;
  s.nodelay = true;
  s.keepalive = true;
  s.wait_mode = config::WaitMode::wait;
  s.limits = Limits{1, 2, 3, 4};
  s.builtin = config::Builtin::chargen;
  s.tcpmux = true;
  s.tcpmux_plus = true;
  s.tcpmux_name = "ftp";
  s.rpc_program = 100002;
  s.rpc_low_version = 2;
  s.rpc_high_version = 3;
  s.program = "/usr/sbin/in.ftpd";
  s.argv = {"in.ftpd", "-l", ""};
  s.credentials = Credentials{true, 107, 65534, {65534, 27, 1000}};
  LaunchSettings settings;
  settings.login_class = LoginClass{"daemon",
                                    {ResourceLimit{RLIMIT_NOFILE, 128, 1024},
                                     ResourceLimit{RLIMIT_CPU, RLIM_INFINITY, RLIM_INFINITY}}};
  settings.environment = {"PATH=/opt/bin", "LANG=C.UTF-8", "EMPTY="};
  settings.nice = -5;
  settings.umask = 027;
  settings.limits = {ResourceLimit{RLIMIT_AS, 64 << 20, 64 << 20},
                     ResourceLimit{RLIMIT_STACK, RLIM_INFINITY, RLIM_INFINITY}};
  ConnectionPolicy policy;
  policy.banners = {"hello\r\n", std::string("in\0side", 7), "go away\r\n"};
  policy.access_times = {{480, 1020}, {1320, 1439}};
  policy.max_load = 250;
  s.extras = ExtrasRef::make({.launch = std::move(settings),
                              .policy = policy,
                              .redirect = *net::SocketAddress::from_numeric("::1", 8000),
                              .libwrap = "in.ftpd"});
  return s;
}

// `s` with its policy replaced (nullopt: none), its other extras kept.
void set_policy(Service& s, std::optional<ConnectionPolicy> policy) {
  s.extras = changed(s.extras, [&](ServiceExtras& x) { x.policy = std::move(policy); });
}

void set_launch(Service& s, std::optional<LaunchSettings> launch) {
  s.extras = changed(s.extras, [&](ServiceExtras& x) { x.launch = std::move(launch); });
}

// Two targets, so full_service()'s log_target 2 names one.
std::vector<config::LogTarget> log_targets() {
  config::LogTarget syslog{config::LogTarget::Kind::syslog, 30, "", 0, 0};
  config::LogTarget file{config::LogTarget::Kind::file, 0, "/var/log/x", 10240, 20480};
  return {syslog, file};
}

void expect_same(const Service& a, const Service& b) {
  EXPECT_EQ(a.key(), b.key());
  EXPECT_TRUE(a.same_launch(b));
  EXPECT_TRUE(a.same_socket_options(b));
  EXPECT_EQ(a.line, b.line);
  EXPECT_EQ(a.file, b.file);
  EXPECT_EQ(a.address, b.address);
  EXPECT_EQ(a.socket_type, b.socket_type);
  EXPECT_EQ(a.transport, b.transport);
  EXPECT_EQ(a.v6only, b.v6only);
  EXPECT_EQ(a.nodelay, b.nodelay);
  EXPECT_EQ(a.keepalive, b.keepalive);
  EXPECT_EQ(a.log_on_success, b.log_on_success);
  EXPECT_EQ(a.log_on_failure, b.log_on_failure);
  EXPECT_EQ(a.log_target, b.log_target);
  EXPECT_EQ(a.tcpmux, b.tcpmux);
  EXPECT_EQ(a.tcpmux_name, b.tcpmux_name);
  EXPECT_EQ(a.rpc_program, b.rpc_program);
  EXPECT_EQ(a.rpc_low_version, b.rpc_low_version);
  EXPECT_EQ(a.rpc_high_version, b.rpc_high_version);
  EXPECT_TRUE(a.extras.same(b.extras));
  ASSERT_EQ(a.redirects(), b.redirects());
  if (a.redirects()) {
    EXPECT_EQ(a.redirect()->to_string(), b.redirect()->to_string());
  }
}

TEST(ConfigCodec, EqualExtrasAreSharedAndAPartLeftOutStaysOut) {
  LoadedConfig loaded;
  loaded.services = {full_service(), full_service(), full_service()};
  loaded.files = {"inetd.conf", "a", "b", "c"};
  loaded.log_targets = log_targets();  // full_service() names one
  ConnectionPolicy other = *loaded.services[0].policy();
  other.max_load.reset();
  set_policy(loaded.services[1], other);
  set_policy(loaded.services[2], std::nullopt);
  LoadedConfig doubled = loaded;
  doubled.services.insert(doubled.services.end(), loaded.services.begin(), loaded.services.end());
  auto decoded = decode_config(encode_config(doubled));
  ASSERT_TRUE(decoded.has_value());
  const auto& s = decoded->services;
  EXPECT_EQ(s[0].extras.get(), s[3].extras.get());
  EXPECT_EQ(s[1].extras.get(), s[4].extras.get());
  EXPECT_NE(s[0].extras.get(), s[1].extras.get());
  EXPECT_EQ(s[2].policy(), nullptr);
  ASSERT_NE(s[2].launch_settings(), nullptr);  // the rest of its extras stay
  EXPECT_FALSE(s[1].policy()->max_load);
  EXPECT_EQ(s[0].policy()->banner(config::BannerKind::success), std::string("in\0side", 7));
}

TEST(ConfigCodec, APolicyOutOfItsBoundsIsRefused) {
  LoadedConfig loaded;
  loaded.files = {"inetd.conf", "a", "b", "c"};
  loaded.services = {full_service()};
  ConnectionPolicy policy = *loaded.services[0].policy();
  policy.banners[0] = std::string(config::kMaxBannerBytes + 1, 'x');
  set_policy(loaded.services[0], policy);
  EXPECT_FALSE(decode_config(encode_config(loaded)));
  policy.banners[0].clear();
  policy.access_times = {{10, 1440}};
  set_policy(loaded.services[0], policy);
  EXPECT_FALSE(decode_config(encode_config(loaded)));
  policy.access_times = {{20, 10}};
  set_policy(loaded.services[0], policy);
  EXPECT_FALSE(decode_config(encode_config(loaded)));
}

TEST(ConfigCodec, ServicesOfOneUserShareTheirGroupList) {
  LoadedConfig loaded;
  loaded.services = {full_service(), full_service(), full_service()};
  loaded.files = {"inetd.conf", "a", "b", "c"};  // full_service() is of file 3
  loaded.log_targets = log_targets();
  loaded.services[1].credentials.groups = {65534, 27, 1000};  // equal, not shared
  loaded.services[2].credentials.groups = {65534};
  auto decoded = decode_config(encode_config(loaded));
  ASSERT_TRUE(decoded.has_value());
  const auto& groups_of = [&](std::size_t i) { return decoded->services[i].credentials.groups; };
  EXPECT_FALSE(
      loaded.services[0].credentials.groups.shares_with(loaded.services[1].credentials.groups));
  EXPECT_TRUE(groups_of(0).shares_with(groups_of(1)));
  EXPECT_FALSE(groups_of(0).shares_with(groups_of(2)));
  EXPECT_EQ(groups_of(0), (std::vector<gid_t>{65534, 27, 1000}));
  EXPECT_EQ(groups_of(2), (std::vector<gid_t>{65534}));
}

TEST(ConfigCodec, ServicesOfEqualLaunchSettingsShareThem) {
  LoadedConfig loaded;
  loaded.services = {full_service(), full_service(), full_service(), full_service()};
  loaded.files = {"inetd.conf", "a", "b", "c"};  // full_service() is of file 3
  loaded.log_targets = log_targets();
  loaded.services[1].extras = ExtrasRef::make(*loaded.services[0].extras);  // an equal copy
  LaunchSettings class_only;
  class_only.login_class = LoginClass{"daemon", {}};
  set_launch(loaded.services[2], class_only);
  loaded.services[3].extras = {};
  auto decoded = decode_config(encode_config(loaded));
  ASSERT_TRUE(decoded.has_value());
  const auto& settings_of = [&](std::size_t i) { return decoded->services[i].launch_settings(); };
  EXPECT_EQ(settings_of(0), settings_of(1));  // one object
  ASSERT_NE(settings_of(2), nullptr);
  EXPECT_NE(settings_of(0), settings_of(2));  // same class name, the rest differs: kept apart
  EXPECT_EQ(*settings_of(2), class_only);
  EXPECT_EQ(settings_of(3), nullptr);
  EXPECT_FALSE(decoded->services[3].extras);
  EXPECT_EQ(*settings_of(0), *loaded.services[0].launch_settings());
}

TEST(ConfigCodec, EachLaunchSettingSurvivesAlone) {
  LaunchSettings nice_only;
  nice_only.nice = 19;
  LaunchSettings umask_only;
  umask_only.umask = 0;
  LaunchSettings environment_only;
  environment_only.environment = {"A=1"};
  for (const LaunchSettings& settings : {nice_only, umask_only, environment_only}) {
    LoadedConfig loaded;
    loaded.services = {full_service()};
    loaded.files = {"inetd.conf", "a", "b", "c"};
    loaded.log_targets = log_targets();  // full_service() names one
    set_launch(loaded.services[0], settings);
    auto decoded = decode_config(encode_config(loaded));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded->services[0].launch_settings(), settings);
  }
}

TEST(ConfigCodec, EachPartOfTheExtrasSurvivesAlone) {
  ConnectionPolicy policy;
  policy.max_load = 0;
  for (const ServiceExtras& extras :
       {ServiceExtras{.policy = policy},
        ServiceExtras{.redirect = *net::SocketAddress::from_numeric("192.0.2.7", 79)},
        ServiceExtras{.libwrap = "fingerd"}}) {
    LoadedConfig loaded;
    loaded.services = {Service{}};
    loaded.services[0].extras = ExtrasRef::make(extras);
    auto decoded = decode_config(encode_config(loaded));
    ASSERT_TRUE(decoded.has_value());
    ASSERT_TRUE(decoded->services[0].extras);
    EXPECT_EQ(*decoded->services[0].extras, extras);
  }
}

TEST(ConfigCodec, EveryFieldSurvivesTheRoundTrip) {
  LoadedConfig loaded;
  loaded.readable = true;
  loaded.services = {full_service(), Service{}};
  loaded.services[1].name = "echo/unix";
  loaded.services[1].address = *net::SocketAddress::from_path("/run/echo.sock");
  loaded.failed = {config::FailedEntry{7, "ftp", "tpc"}};
  loaded.diagnostics = {{"inetd.conf", 7, 12, config::Severity::error, "unknown protocol"},
                        {"inetd.conf", 0, 0, config::Severity::warning, "whole file"}};
  loaded.files = {"inetd.conf", "inetd.d/a", "inetd.d/b", "inetd.d/c"};
  loaded.log_targets = log_targets();
  auto decoded = decode_config(encode_config(loaded));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_TRUE(decoded->readable);
  EXPECT_EQ(decoded->files, loaded.files);
  EXPECT_EQ(decoded->log_targets, loaded.log_targets);
  ASSERT_EQ(decoded->services.size(), 2u);
  expect_same(decoded->services[0], loaded.services[0]);
  expect_same(decoded->services[1], loaded.services[1]);
  EXPECT_EQ(decoded->services[1].address.ip(), "/run/echo.sock");
  ASSERT_EQ(decoded->failed.size(), 1u);
  EXPECT_EQ(decoded->failed[0].line, 7);
  EXPECT_EQ(decoded->failed[0].protocol, "tpc");
  ASSERT_EQ(decoded->diagnostics.size(), 2u);
  EXPECT_EQ(decoded->diagnostics[0].format(), "inetd.conf:7:12: error: unknown protocol");
  EXPECT_EQ(decoded->diagnostics[1].format(), "inetd.conf: warning: whole file");
}

TEST(ConfigCodec, AServiceOfAFileNotInTheListIsRefused) {
  LoadedConfig loaded;
  loaded.readable = true;
  loaded.services = {full_service()};  // file 3
  loaded.files = {"inetd.conf", "a", "b"};
  loaded.log_targets = log_targets();
  EXPECT_FALSE(decode_config(encode_config(loaded)).has_value());
  loaded.files.push_back("c");
  EXPECT_TRUE(decode_config(encode_config(loaded)).has_value());
}

TEST(ConfigCodec, AServiceOfALogTargetNotInTheListIsRefused) {
  LoadedConfig loaded;
  loaded.readable = true;
  loaded.services = {full_service()};  // log_target 2
  loaded.files = {"inetd.conf", "a", "b", "c"};
  loaded.log_targets = log_targets();
  loaded.log_targets.pop_back();
  EXPECT_FALSE(decode_config(encode_config(loaded)).has_value());
}

TEST(ConfigCodec, AnUnreadableFileStaysUnreadable) {
  LoadedConfig loaded;
  loaded.diagnostics = {{"x.conf", 0, 0, config::Severity::error, "cannot read"}};
  auto decoded = decode_config(encode_config(loaded));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_FALSE(decoded->readable);
  EXPECT_EQ(decoded->diagnostics.size(), 1u);
}

TEST(ConfigCodec, EveryTruncationIsRefused) {
  LoadedConfig loaded;
  loaded.readable = true;
  loaded.services = {full_service()};
  loaded.failed = {config::FailedEntry{1, "a", "b"}};
  loaded.files = {"inetd.conf", "a", "b", "c"};  // full_service() is of file 3
  loaded.log_targets = log_targets();
  std::string bytes = encode_config(loaded);
  for (std::size_t n = 0; n < bytes.size(); ++n)
    EXPECT_FALSE(decode_config(std::string_view(bytes).substr(0, n)).has_value()) << n;
}

TEST(ConfigCodec, TrailingBytesAndWrongMagicAreRefused) {
  std::string bytes = encode_config(LoadedConfig{});
  EXPECT_TRUE(decode_config(bytes).has_value());
  EXPECT_FALSE(decode_config(bytes + "x").has_value());
  bytes[0] ^= 1;
  EXPECT_FALSE(decode_config(bytes).has_value());
}

TEST(ConfigCodec, AHugeCountIsRefusedWithoutAllocating) {
  std::string bytes = encode_config(LoadedConfig{});
  // The service count follows the magic (4 bytes) and the readable flag (1 byte).
  bytes[5] = bytes[6] = bytes[7] = bytes[8] = '\xff';
  EXPECT_FALSE(decode_config(bytes).has_value());
}

}  // namespace
}  // namespace ninetd::services
