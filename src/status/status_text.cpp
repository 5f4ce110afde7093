#include "status/status_text.h"

#include <fmt/format.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <ctime>
#include <string_view>

namespace ninetd::status {
namespace {

std::string uptime(std::int64_t seconds) {
  if (seconds < 0) seconds = 0;
  std::int64_t days = seconds / 86400;
  std::int64_t hours = seconds % 86400 / 3600;
  std::int64_t minutes = seconds % 3600 / 60;
  if (days > 0) return fmt::format("{}d {}h {:02}m", days, hours, minutes);
  if (hours > 0) return fmt::format("{}h {:02}m", hours, minutes);
  return fmt::format("{}m {:02}s", minutes, seconds % 60);
}

std::string utc_time(std::int64_t unix_ms) {
  std::time_t seconds = unix_ms / 1000;
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", parts.tm_year + 1900,
                     parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                     unix_ms % 1000);
}

std::string exit_fields(int wait_status) {
  if (WIFSIGNALED(wait_status)) {
    const char* abbrev = sigabbrev_np(WTERMSIG(wait_status));
    return abbrev != nullptr ? fmt::format("signal={}", abbrev)
                             : fmt::format("signal={}", WTERMSIG(wait_status));
  }
  return fmt::format("status={}", WEXITSTATUS(wait_status));
}

std::string peer_field(const ServiceEvent& event) {
  if (event.peer.empty()) return "";
  return fmt::format(" peer={}", event.peer.address().unmapped().to_string());
}

// The header line and one line per service, each column as wide as its widest cell.
using Row = std::array<std::string, 8>;

std::string aligned(const std::vector<Row>& rows) {
  Row header{"SERVICE", "ADDRESS", "STATE", "CHILDREN", "SERVED", "FAILED", "REFUSED", "WHY"};
  std::array<std::size_t, 8> width{};
  for (std::size_t c = 0; c < width.size(); ++c) width[c] = header[c].size();
  for (const Row& row : rows)
    for (std::size_t c = 0; c < width.size(); ++c) width[c] = std::max(width[c], row[c].size());
  std::string out;
  auto line = [&](const Row& row) {
    // Names, addresses and states read left-aligned; counts right-aligned.
    out += fmt::format("{:<{}}  {:<{}}  {:<{}}  {:>{}}  {:>{}}  {:>{}}  {:>{}}  {}\n", row[0],
                       width[0], row[1], width[1], row[2], width[2], row[3], width[3], row[4],
                       width[4], row[5], width[5], row[6], width[6], row[7]);
  };
  line(header);
  for (const Row& row : rows) line(row);
  return out;
}

std::string summary(const DaemonReport& report) {
  std::string out = fmt::format("ninetd {}, pid {}, up {}\n", report.version, report.pid,
                                uptime(report.now_unix - report.started_unix));
  out += fmt::format("{} services, {} servers running, {} in-loop sessions; {} reloads",
                     report.services.size(), report.servers, report.sessions, report.reloads);
  if (report.reload_failures > 0)
    out += fmt::format(", {} refused (the configuration before kept)", report.reload_failures);
  out += "\n";
  return out;
}

std::string deny_list(const DaemonReport& report) {
  const limits::DenyList::Listing& list = report.deny_list;
  if (list.count == 0) return "";
  std::string out = fmt::format("\ndeny list (sensors): {} of at most {} addresses refused\n",
                                list.count, report.deny_list_max);
  for (const limits::DenyList::Entry& entry : list.first) {
    if (entry.remaining)
      out += fmt::format("  {}  until {}\n", entry.address,
                         utc_time((report.now_unix + entry.remaining->count()) * 1000));
    else
      out += fmt::format("  {}  for ever\n", entry.address);
  }
  if (list.first.empty())
    out += "  (addresses not shown: --no-peer-addresses)\n";
  else if (list.count > list.first.size())
    out += fmt::format("  and {} more\n", list.count - list.first.size());
  return out;
}

}  // namespace

std::string refusal_breakdown(const ServiceReport& service) {
  std::string out;
  for (std::size_t i = 0; i < kRefusalKinds; ++i) {
    if (service.refused_by[i] == 0) continue;
    if (!out.empty()) out += ' ';
    out += fmt::format("{}={}", name(static_cast<Refusal>(i)), service.refused_by[i]);
  }
  return out.empty() ? "-" : out;
}

std::string describe_event(const ServiceEvent& event) {
  std::string when = utc_time(event.unix_ms);
  switch (event.kind) {
    case EventKind::started:
      return fmt::format("{} started pid={}{}", when, event.pid, peer_field(event));
    case EventKind::exited:
      return fmt::format("{} exited pid={} {} duration_ms={}", when, event.pid,
                         exit_fields(event.value), event.duration_ms);
    case EventKind::refused:
      return fmt::format("{} refused reason={}{}", when, name(static_cast<Refusal>(event.value)),
                         peer_field(event));
    case EventKind::launch_failed:
      return fmt::format("{} launch_failed pid={} error=\"{}\"", when, event.pid,
                         std::strerror(event.value));
    case EventKind::backed_off:
      return fmt::format("{} backed_off seconds={}", when, event.value);
  }
  return when;
}

std::string status_table(const DaemonReport& report) {
  std::vector<Row> rows;
  rows.reserve(report.services.size());
  for (const ServiceReport& s : report.services)
    rows.push_back({s.name, s.address, s.state_text, std::to_string(s.children),
                    std::to_string(s.connections), std::to_string(s.launch_failures),
                    std::to_string(s.refused), refusal_breakdown(s)});
  return summary(report) + aligned(rows) + deny_list(report);
}

std::string service_details(const DaemonReport& report) {
  std::string out;
  for (const ServiceReport& s : report.services) {
    if (!out.empty()) out += '\n';
    out += fmt::format("{}\n", s.name);
    out += fmt::format("  address          {} ({})\n", s.address, s.socket);
    out += fmt::format("  state            {}\n", s.state_text);
    out += fmt::format("  server           {}\n", s.server);
    out += fmt::format("  children         {}\n", s.children);
    out += fmt::format("  connections      {}\n", s.connections);
    out += fmt::format("  launch failures  {}\n", s.launch_failures);
    out += fmt::format("  refused          {} ({})\n", s.refused, refusal_breakdown(s));
    if (s.events.empty()) {
      out += "  recent events    none\n";
      continue;
    }
    out += "  recent events (oldest first, UTC):\n";
    for (const ServiceEvent& event : s.events)
      out += fmt::format("    {}\n", describe_event(event));
  }
  return out;
}

}  // namespace ninetd::status
