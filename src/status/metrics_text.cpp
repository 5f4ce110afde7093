#include "status/metrics_text.h"

#include <fmt/format.h>

#include <iterator>

namespace ninetd::status {
namespace {

using Out = std::back_insert_iterator<std::string>;

void family(Out out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(out, "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

template <typename Value>
void daemon_metric(Out out, std::string_view name, std::string_view type, std::string_view help,
                   Value value) {
  family(out, name, type, help);
  fmt::format_to(out, "{} {}\n", name, value);
}

// The labels every per-service series carries: a service's name is unique
// only with its address (echo/tcp listens on 0.0.0.0:7 and [::]:7).
std::string service_labels(const ServiceReport& service) {
  return fmt::format("service=\"{}\",address=\"{}\"", label_value(service.name),
                     label_value(service.address));
}

template <typename Field>
void per_service(Out out, const DaemonReport& report, const std::vector<std::string>& labels,
                 std::string_view name, std::string_view type, std::string_view help, Field field) {
  family(out, name, type, help);
  for (std::size_t i = 0; i < report.services.size(); ++i)
    fmt::format_to(out, "{}{{{}}} {}\n", name, labels[i], field(report.services[i]));
}

void daemon_families(Out out, const DaemonReport& report) {
  family(out, "ninetd_build_info", "gauge", "The version of the running daemon (always 1).");
  fmt::format_to(out, "ninetd_build_info{{version=\"{}\"}} 1\n", label_value(report.version));
  daemon_metric(out, "ninetd_start_time_seconds", "gauge",
                "When the daemon started, in seconds since the Unix epoch.", report.started_unix);
  daemon_metric(out, "ninetd_reloads_total", "counter",
                "Configuration reloads applied since the start.", report.reloads);
  daemon_metric(out, "ninetd_reload_failures_total", "counter",
                "Reloads refused (unreadable configuration); the one before was kept.",
                report.reload_failures);
  daemon_metric(out, "ninetd_services", "gauge", "Services in the running configuration.",
                report.services.size());
  daemon_metric(out, "ninetd_servers_running", "gauge", "Launched servers running now.",
                report.servers);
  daemon_metric(out, "ninetd_sessions", "gauge",
                "Builtin sessions and forwarded connections served in the daemon now.",
                report.sessions);
  daemon_metric(out, "ninetd_udp_builtin_answered_total", "counter",
                "Datagrams the UDP builtins answered.", report.datagrams_answered);
  daemon_metric(out, "ninetd_udp_builtin_refused_total", "counter",
                "Datagrams the UDP builtins left unanswered (lists, rate, budget, bad source).",
                report.datagrams_refused);
  daemon_metric(out, "ninetd_log_lines_dropped_total", "counter",
                "Log lines dropped because the syslog socket was full.", report.log_lines_dropped);
  daemon_metric(out, "ninetd_deny_list_addresses", "gauge",
                "Client addresses the sensors' deny list refuses now.", report.deny_list.count);
}

}  // namespace

std::string label_value(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string metrics_text(const DaemonReport& report) {
  std::string text;
  text.reserve(512 + report.services.size() * 1024);
  Out out(text);
  daemon_families(out, report);
  std::vector<std::string> labels;
  labels.reserve(report.services.size());
  for (const ServiceReport& s : report.services) labels.push_back(service_labels(s));

  per_service(out, report, labels, "ninetd_service_children", "gauge",
              "Servers and in-loop sessions of the service running now.",
              [](const ServiceReport& s) { return s.children; });
  per_service(out, report, labels, "ninetd_service_connections_total", "counter",
              "Connections accepted (datagram services: servers started) by the service.",
              [](const ServiceReport& s) { return s.connections; });
  per_service(out, report, labels, "ninetd_service_launch_failures_total", "counter",
              "Servers of the service that could not be started.",
              [](const ServiceReport& s) { return s.launch_failures; });

  family(out, "ninetd_service_refused_total", "counter",
         "Clients (or datagrams) the service refused, by reason.");
  for (std::size_t i = 0; i < report.services.size(); ++i)
    for (std::size_t r = 0; r < kRefusalKinds; ++r)
      fmt::format_to(out, "ninetd_service_refused_total{{{},reason=\"{}\"}} {}\n", labels[i],
                     name(static_cast<Refusal>(r)), report.services[i].refused_by[r]);

  family(out, "ninetd_service_state", "gauge",
         "The state the service is in (1); other states are not listed.");
  for (std::size_t i = 0; i < report.services.size(); ++i)
    fmt::format_to(out, "ninetd_service_state{{{},state=\"{}\"}} 1\n", labels[i],
                   label_value(report.services[i].state));
  return text;
}

}  // namespace ninetd::status
