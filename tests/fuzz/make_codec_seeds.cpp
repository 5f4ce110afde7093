// Writes the seed corpus of fuzz_config_codec: encode_config's output for a few
// configurations that between them set every field. The seeds are bytes of one
// version of the format; after a change to it (a field added to Service), run
//   build-asan/tests/fuzz/make_codec_seeds tests/fuzz/corpus/config_codec
// so the fuzzer starts from inputs the decoder accepts.
#include <sys/resource.h>

#include <cstdio>
#include <memory>
#include <string>

#include "services/config_codec.h"

namespace {

using namespace ninetd;

services::Service exec_service() {
  services::Service s;
  s.name = "ftp/tcp";
  s.line = 3;
  s.address = *net::SocketAddress::from_numeric("127.0.0.1", 2121);
  s.sndbuf = 65536;
  s.nodelay = true;
  s.keepalive = true;
  s.limits = services::Limits{10, 60, 5, 2};
  s.program = "/usr/sbin/in.ftpd";
  s.argv = {"in.ftpd", "-l"};
  s.credentials = services::Credentials{true, 107, 65534, {65534, 27}};
  services::ConnectionPolicy policy;
  policy.banners = {"Authorized use only.\r\n", "", "Go away.\r\n"};
  policy.access_times = {{480, 1020}, {1320, 1439}, {0, 360}};
  policy.max_load = 250;
  s.extras = services::ExtrasRef::make({.policy = std::move(policy), .libwrap = "in.ftpd"});
  return s;
}

services::Service tcpmux_service() {
  services::Service s = exec_service();
  s.name = "tcpmux/+Hello/tcp";
  s.address = net::CompactAddress();
  s.tcpmux = true;
  s.tcpmux_plus = true;
  s.tcpmux_name = "hello";
  services::LaunchSettings settings;
  settings.login_class =
      services::LoginClass{"daemon",
                           {services::ResourceLimit{RLIMIT_NOFILE, 128, 1024},
                            services::ResourceLimit{RLIMIT_CPU, RLIM_INFINITY, RLIM_INFINITY}}};
  settings.environment = {"LANG=C.UTF-8"};
  settings.nice = 5;
  settings.umask = 027;
  settings.limits = {services::ResourceLimit{RLIMIT_AS, 1 << 26, 1 << 26}};
  s.extras = services::changed(s.extras,
                               [&](services::ServiceExtras& x) { x.launch = std::move(settings); });
  return s;
}

services::Service builtin_service() {
  services::Service s;
  s.name = "echo/udp";
  s.socket_type = config::SocketType::dgram;
  s.transport = config::Transport::udp;
  s.v6only = true;
  s.address = *net::SocketAddress::from_numeric("::1", 7);
  s.rcvbuf = 1024;
  s.wait_mode = config::WaitMode::wait;
  s.builtin = config::Builtin::echo;
  s.log_on_success = config::log_success::kPid | config::log_success::kExit;
  s.log_on_failure = config::log_failure::kHost;
  s.log_target = 1;  // mixed's log_targets
  return s;
}

services::Service unix_service() {
  services::Service s = exec_service();
  s.name = "/run/echo.sock/unix";
  s.file = 1;  // an included file
  s.transport = config::Transport::local;
  s.address = *net::SocketAddress::from_path("/run/echo.sock");
  s.listen_fds = true;
  s.wait_mode = config::WaitMode::wait;
  return s;
}

services::Service rpc_service() {
  services::Service s = exec_service();
  s.name = "rusersd/rpc/udp";
  s.socket_type = config::SocketType::dgram;
  s.transport = config::Transport::udp;
  s.address = net::SocketAddress::any_ipv4(0);
  s.wait_mode = config::WaitMode::wait;
  s.rpc_program = 100002;
  s.rpc_low_version = 2;
  s.rpc_high_version = 3;
  return s;
}

bool write_seed(const std::string& dir, const char* name, const services::LoadedConfig& c) {
  std::string bytes = services::encode_config(c);
  std::string path = dir + "/" + name;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && ok;
}

services::Service redirect_service() {
  services::Service s;
  s.name = "8080/tcp6";
  s.v6only = true;
  s.address = *net::SocketAddress::from_numeric("::1", 8080);
  s.extras =
      services::ExtrasRef::make({.redirect = *net::SocketAddress::from_numeric("192.0.2.7", 80)});
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIRECTORY\n", argv[0]);
    return 2;
  }
  std::string dir = argv[1];
  services::LoadedConfig empty;
  services::LoadedConfig unreadable;
  unreadable.diagnostics = {{"x.conf", 0, 0, config::Severity::error, "cannot read"}};
  services::LoadedConfig one;
  one.readable = true;
  one.services = {exec_service()};
  services::LoadedConfig mixed;
  mixed.readable = true;
  mixed.services = {exec_service(),   tcpmux_service(), builtin_service(), unix_service(),
                    tcpmux_service(), rpc_service(),    redirect_service()};
  mixed.failed = {config::FailedEntry{7, "ftp", "tpc"}};
  mixed.diagnostics = {{"inetd.conf", 7, 12, config::Severity::error, "unknown protocol"},
                       {"inetd.conf", 9, 1, config::Severity::warning, "host ignored"}};
  mixed.files = {"inetd.conf", "inetd.d/unix.conf"};
  mixed.log_targets = {
      config::LogTarget{config::LogTarget::Kind::file, 0, "/var/log/echo.log", 10240, 15360}};
  bool ok = write_seed(dir, "empty", empty) && write_seed(dir, "unreadable", unreadable) &&
            write_seed(dir, "one_service", one) && write_seed(dir, "mixed", mixed);
  if (!ok) std::perror(dir.c_str());
  return ok ? 0 : 1;
}
