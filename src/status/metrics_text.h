// The daemon's counters in Prometheus' text exposition format (version
// 0.0.4): every family with its HELP and TYPE lines, counters named *_total,
// one series per service labelled by its name and address. Pure.
#pragma once

#include <string>
#include <string_view>

#include "status/report.h"

namespace ninetd::status {

inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

std::string metrics_text(const DaemonReport& report);
// A label value as the format wants it: backslash, double quote and line
// feed escaped.
std::string label_value(std::string_view text);

}  // namespace ninetd::status
