// The text of `ninetd --status`: a table with one row per service, or one
// service in detail with its recent events. Pure.
#pragma once

#include <string>

#include "status/report.h"

namespace ninetd::status {

std::string status_table(const DaemonReport& report);
// Every service in `report` in detail (the caller keeps those asked for).
std::string service_details(const DaemonReport& report);
// "access=2 rate=1"; "-" when none.
std::string refusal_breakdown(const ServiceReport& service);
// "2026-12-05T04:30:01.123Z started pid=4711 peer=192.0.2.7:40312"
std::string describe_event(const ServiceEvent& event);

}  // namespace ninetd::status
