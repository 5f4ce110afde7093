// Micro-benchmarks of the pieces on ninetd's load and connection paths. They
// measure the daemon's own work; the side-by-side yardstick (bench/README.md)
// measures what a client sees.
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <malloc.h>

#include <memory>
#include <string>
#include <vector>

#include "config/parser.h"
#include "limits/access_list.h"
#include "limits/per_source.h"
#include "limits/rate_window.h"
#include "net/socket_address.h"
#include "services/reload_diff.h"
#include "spawn/environment.h"
#include "spawn/launch_plan.h"
#include "spawn/launch_template.h"
#include "status/metrics_text.h"
#include "status/service_history.h"
#include "status/status_text.h"

namespace {

using namespace ninetd;

std::string big_config(int lines) {
  std::string text = "# generated\n";
  for (int i = 0; i < lines; ++i) {
    if (i % 10 == 0) text += "127.0.0.1:\n";
    text += fmt::format("{} stream tcp nowait.400 nobody:nogroup /usr/sbin/server{} server -a {}\n",
                        10000 + i, i % 7, i);
  }
  return text;
}

void BM_ParseConfig10k(benchmark::State& state) {
  std::string text = big_config(10000);
  for (auto _ : state) {
    auto parsed = config::parse_config(text, "bench.conf");
    benchmark::DoNotOptimize(parsed.services.data());
  }
  state.SetItemsProcessed(state.iterations() * 10000);
}
BENCHMARK(BM_ParseConfig10k)->Unit(benchmark::kMillisecond);

// The same 10,000 services as NetBSD's key=value entries, over three lines each.
void BM_ParseKeyValues10k(benchmark::State& state) {
  std::string text = "# generated\n";
  for (int i = 0; i < 10000; ++i) {
    if (i % 10 == 0) text += "127.0.0.1:\n";
    text += fmt::format(
        "{} on\n\tprotocol = tcp, wait = no, service_max = 400, user = nobody,\n"
        "\tgroup = nogroup, exec = /usr/sbin/server{}, args = server -a {};\n",
        10000 + i, i % 7, i);
  }
  for (auto _ : state) {
    auto parsed = config::parse_config(text, "bench.conf");
    benchmark::DoNotOptimize(parsed.services.data());
  }
  state.SetItemsProcessed(state.iterations() * 10000);
}
BENCHMARK(BM_ParseKeyValues10k)->Unit(benchmark::kMillisecond);

// An access list of 1,000 rules over 9 prefix lengths (allow and deny mixed),
// checked for clients that hit a rule and clients that match none.
void BM_AccessCheck1000(benchmark::State& state) {
  std::vector<limits::AccessRule> rules;
  std::string error;
  for (int i = 0; i < 1000; ++i) {
    int length = 16 + (i % 9);
    std::string text =
        fmt::format("10.{}.{}.0/{}", (i * 7) % 256, length >= 24 ? i % 256 : 0, length);
    if (auto p = limits::parse_prefix(text, error)) rules.push_back({*p, i % 3 != 0});
  }
  limits::AccessList list(rules, true);
  std::vector<std::array<std::uint8_t, 4>> clients;
  for (int i = 0; i < 256; ++i)
    clients.push_back({10, static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i * 3), 9});
  std::size_t n = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(list.check(clients[n++ % clients.size()].data(), true));
  }
}
BENCHMARK(BM_AccessCheck1000);

// What a SIGHUP that changes nothing computes for 900 services: each loaded
// service matched by key against the running ones.
void BM_ReloadDiff900(benchmark::State& state) {
  std::vector<services::Service> running(900);
  for (int i = 0; i < 900; ++i) {
    services::Service& s = running[static_cast<std::size_t>(i)];
    s.name = fmt::format("{}/tcp", 20100 + i);
    s.address = net::SocketAddress::from_numeric("127.0.0.1", static_cast<std::uint16_t>(20100 + i))
                    .value();
    s.program = "/usr/sbin/server";
    s.argv = {"server", "-a"};
  }
  std::vector<const services::Service*> current;
  for (const auto& s : running) current.push_back(&s);
  const std::vector<services::Service> loaded = running;
  for (auto _ : state) {
    services::ReloadDiff diff = services::diff_services(current, loaded, {});
    benchmark::DoNotOptimize(diff);
  }
}
BENCHMARK(BM_ReloadDiff900)->Unit(benchmark::kMicrosecond);

void BM_AdmitServiceRate(benchmark::State& state) {
  limits::RateWindow rate(1'000'000'000, std::chrono::seconds(60));
  auto now = std::chrono::steady_clock::now();
  for (auto _ : state) benchmark::DoNotOptimize(rate.admit(now));
}
BENCHMARK(BM_AdmitServiceRate);

void BM_AdmitPerSource(benchmark::State& state) {
  limits::PerSource per(1'000'000, 1'000'000);
  auto now = std::chrono::steady_clock::now();
  std::string sources[64];
  for (int i = 0; i < 64; ++i) sources[i] = fmt::format("10.0.0.{}", i);
  std::size_t i = 0;
  for (auto _ : state) {
    const std::string& source = sources[i++ % 64];
    benchmark::DoNotOptimize(per.admit(source, now));
    per.release(source);
  }
}
BENCHMARK(BM_AdmitPerSource);

// Issue 11, finding 12: admission must cost the same whatever number of
// distinct sources the table has seen (an IPv6 /64 supplies any number).
void BM_AdmitPerSourceDistinct(benchmark::State& state) {
  limits::PerSource per(0, 5);
  auto now = std::chrono::steady_clock::now();
  std::vector<std::string> sources;
  for (std::int64_t i = 0; i < state.range(0); ++i)
    sources.push_back(fmt::format("2001:db8::{:x}:{:x}", i >> 16, i & 0xffff));
  for (const auto& source : sources) per.admit(source, now);  // a full table first
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(per.admit(sources[i++ % sources.size()], now));
    now += std::chrono::microseconds(10);
  }
  // The table's size after every source came: bounded, whatever their number.
  state.counters["windows"] = static_cast<double>(per.rate_windows());
}
// The heap a per-source table holds after a million distinct sources came
// within one minute: bounded by PerSource::kMaxRateWindows.
void BM_PerSourceMemoryMillion(benchmark::State& state) {
  for (auto _ : state) {
    std::size_t before = mallinfo2().uordblks;
    auto per = std::make_unique<limits::PerSource>(0, 5);
    auto now = std::chrono::steady_clock::now();
    for (int i = 0; i < 1'000'000; ++i)
      per->admit(fmt::format("2001:db8:{:x}:{:x}::/64", i >> 16, i & 0xffff), now);
    state.counters["table_bytes"] = static_cast<double>(mallinfo2().uordblks - before);
    state.counters["windows"] = static_cast<double>(per->rate_windows());
  }
}
BENCHMARK(BM_PerSourceMemoryMillion)->Iterations(1)->Unit(benchmark::kMillisecond);

BENCHMARK(BM_AdmitPerSourceDistinct)->Arg(1000)->Arg(20000)->Arg(100000)->Arg(1000000);

// What launch_server prepares per connection before the clone: the UCSPI environment.
void BM_PrepareLaunchEnvironment(benchmark::State& state) {
  auto local = *net::SocketAddress::from_numeric("127.0.0.1", 20001);
  auto peer = *net::SocketAddress::from_numeric("127.0.0.1", 54321);
  spawn::Environment environment;
  for (auto _ : state) {
    environment.reset();
    environment.add_connection("TCP", local, peer);
    benchmark::DoNotOptimize(environment.envp());
  }
}
BENCHMARK(BM_PrepareLaunchEnvironment);

// The rest of a launch's preparation: the environment plus packing the plan
// (path, argv, envp, groups) into a launch slot's arena, which the child reads
// while the daemon goes on.
void BM_PrepareLaunchPlan(benchmark::State& state) {
  auto local = *net::SocketAddress::from_numeric("127.0.0.1", 20001);
  auto peer = *net::SocketAddress::from_numeric("127.0.0.1", 54321);
  spawn::Environment environment;
  std::string path = "/usr/sbin/in.fingerd";
  std::string arg0 = "in.fingerd", arg1 = "-w";
  char* argv[] = {arg0.data(), arg1.data(), nullptr};
  services::Credentials credentials;
  credentials.switch_user = true;
  credentials.uid = credentials.gid = 65534;
  credentials.groups = {65534};
  std::vector<services::ResourceLimit> limits;
  alignas(16) static std::byte arena[16 * 1024];
  for (auto _ : state) {
    environment.reset();
    environment.add_connection("TCP", local, peer);
    spawn::LaunchRequest request;
    request.path = path.c_str();
    request.argv = argv;
    request.envp = environment.envp();
    request.socket_fd = 5;
    request.credentials = &credentials;
    request.limits = &limits;
    spawn::LaunchPlan plan;
    benchmark::DoNotOptimize(spawn::pack_plan(request, arena, plan));
    benchmark::DoNotOptimize(plan.envp);
  }
}
BENCHMARK(BM_PrepareLaunchPlan);

// The same launch from the service's template (what launch_server does now):
// copy the template into the arena and write the peer's address into it.
void BM_PrepareLaunchFromTemplate(benchmark::State& state) {
  services::Service service;
  service.address = *net::SocketAddress::from_numeric("127.0.0.1", 20001);
  service.program = "/usr/sbin/in.fingerd";
  service.argv = {"in.fingerd", "-w"};
  service.credentials.switch_user = true;
  service.credentials.uid = service.credentials.gid = 65534;
  service.credentials.groups = {65534};
  spawn::LaunchTemplate launch_template(service, spawn::CredentialSteps{});
  auto peer = *net::SocketAddress::from_numeric("127.0.0.1", 54321);
  spawn::PerLaunch launch;
  launch.socket_fd = 5;
  launch.peer = &peer;
  alignas(16) static std::byte arena[16 * 1024];
  for (auto _ : state) {
    spawn::LaunchPlan plan;
    benchmark::DoNotOptimize(launch_template.instantiate(launch, arena, plan));
    benchmark::DoNotOptimize(plan.envp);
  }
}
BENCHMARK(BM_PrepareLaunchFromTemplate);

// What a scrape and a --status cost the loop with 900 services: the report's
// text is made between two batches of events.
status::DaemonReport report_of_900() {
  status::DaemonReport report;
  report.version = "0.1.0";
  for (int i = 0; i < 900; ++i) {
    status::ServiceReport s;
    s.name = fmt::format("{}/tcp", 10000 + i);
    s.address = fmt::format("127.0.0.1:{}", 10000 + i);
    s.socket = "stream/tcp";
    s.state = "listening";
    s.state_text = "listening";
    s.server = "stream, nowait, /usr/sbin/server";
    s.connections = 123456;
    s.refused_by[0] = 12;
    report.services.push_back(std::move(s));
  }
  return report;
}

void BM_MetricsText900(benchmark::State& state) {
  status::DaemonReport report = report_of_900();
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string text = status::metrics_text(report);
    bytes = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_MetricsText900)->Unit(benchmark::kMicrosecond);

void BM_StatusTable900(benchmark::State& state) {
  status::DaemonReport report = report_of_900();
  for (auto _ : state) benchmark::DoNotOptimize(status::status_table(report));
}
BENCHMARK(BM_StatusTable900)->Unit(benchmark::kMicrosecond);

// The cost a launch and an exit add: one event each into the service's history.
void BM_RecordEvent(benchmark::State& state) {
  status::ServiceHistory history;
  auto peer = *net::SocketAddress::from_numeric("192.0.2.7", 40000);
  status::ServiceEvent event;
  event.peer = status::PeerBytes(&peer);
  for (auto _ : state) {
    event.pid += 1;
    history.record(event);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_RecordEvent);

}  // namespace
