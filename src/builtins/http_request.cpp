#include "builtins/http_request.h"

#include <fmt/format.h>

#include <algorithm>

namespace ninetd::builtins {
namespace {

// Where the first empty line starts, whichever line end the client uses.
std::size_t head_end(std::string_view received) {
  return std::min(received.find("\r\n\r\n"), received.find("\n\n"));
}

bool token(std::string_view word) {
  return !word.empty() &&
         std::all_of(word.begin(), word.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

HttpRoute route_of(std::string_view method, std::string_view target) {
  if (method != "GET" && method != "HEAD") return HttpRoute::not_allowed;
  std::string_view path = target.substr(0, target.find('?'));
  return path == "/metrics" || path == "/" ? HttpRoute::metrics : HttpRoute::not_found;
}

}  // namespace

HttpRequest parse_http_request(std::string_view received) {
  HttpRequest request;
  received = received.substr(0, kHttpMaxHead);
  std::size_t end = head_end(received);
  if (end == std::string_view::npos) {
    if (received.size() == kHttpMaxHead) request.verdict = HttpVerdict::too_long;
    return request;
  }
  std::string_view line = received.substr(0, received.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::size_t first = line.find(' ');
  std::size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
  request.verdict = HttpVerdict::complete;
  if (second == std::string_view::npos) return request;  // bad_request
  std::string_view method = line.substr(0, first);
  std::string_view target = line.substr(first + 1, second - first - 1);
  std::string_view version = line.substr(second + 1);
  if (!token(method) || !token(target) || !version.starts_with("HTTP/1.")) return request;
  request.route = route_of(method, target);
  request.head_only = method == "HEAD";
  return request;
}

std::string http_response(HttpRoute route, bool head_only, std::string_view content_type,
                          std::string_view body) {
  // The answers to anything but a scrape: short, plain text, said once here.
  struct Refusal {
    std::string_view status, extra, body;
  };
  static constexpr Refusal kNotFound{"404 Not Found", "", "The metrics are at /metrics.\n"};
  static constexpr Refusal kNotAllowed{"405 Method Not Allowed", "Allow: GET, HEAD\r\n",
                                       "Only GET and HEAD are served.\n"};
  static constexpr Refusal kBadRequest{"400 Bad Request", "", "Not an HTTP/1 request.\n"};
  std::string_view status = "200 OK";
  std::string_view extra;
  if (route != HttpRoute::metrics) {
    const Refusal& r = route == HttpRoute::not_found     ? kNotFound
                       : route == HttpRoute::not_allowed ? kNotAllowed
                                                         : kBadRequest;
    status = r.status;
    extra = r.extra;
    body = r.body;
    content_type = "text/plain; charset=utf-8";
  }
  std::string out = fmt::format(
      "HTTP/1.0 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n{}Connection: close\r\n\r\n",
      status, content_type, body.size(), extra);
  if (!head_only) out += body;
  return out;
}

}  // namespace ninetd::builtins
