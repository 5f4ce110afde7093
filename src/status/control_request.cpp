#include "status/control_request.h"

#include <algorithm>

namespace ninetd::status {
namespace {

ControlRequest bad(std::string error) {
  ControlRequest request;
  request.verdict = ControlRequest::Verdict::bad;
  request.error = std::move(error);
  return request;
}

bool printable(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

}  // namespace

ControlRequest parse_control_request(std::string_view received) {
  std::size_t end = received.find('\n');
  if (end == std::string_view::npos) {
    if (received.size() >= kControlMaxRequest) return bad("request too long");
    return {};
  }
  if (end >= kControlMaxRequest) return bad("request too long");
  std::string_view line = received.substr(0, end);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::size_t space = line.find(' ');
  std::string_view verb = line.substr(0, space);
  std::string_view argument = space == std::string_view::npos ? "" : line.substr(space + 1);
  if (!printable(verb) || (!argument.empty() && !printable(argument)))
    return bad("requests are words of printable ASCII separated by one space");
  ControlRequest request;
  request.verdict = ControlRequest::Verdict::complete;
  if (verb == "status") {
    request.verb = ControlVerb::status;
    request.service = std::string(argument);
    return request;
  }
  if (verb == "metrics" && argument.empty()) {
    request.verb = ControlVerb::metrics;
    return request;
  }
  return bad("unknown request (expected \"status\", \"status SERVICE\" or \"metrics\")");
}

std::string control_request_line(ControlVerb verb, std::string_view service) {
  if (verb == ControlVerb::metrics) return "metrics\n";
  if (service.empty()) return "status\n";
  return "status " + std::string(service) + "\n";
}

bool names_service(std::string_view asked, std::string_view name) {
  if (asked == name) return true;
  std::size_t slash = name.find('/');
  return slash != std::string_view::npos && name.substr(0, slash) == asked;
}

}  // namespace ninetd::status
