// The metrics builtin's HTTP: just enough for Prometheus (or curl) to scrape
// it. The request head is read whole, then one answer is written and the
// connection closed. Pure: it judges the bytes received so far.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ninetd::builtins {

// A scraper's head is a few hundred bytes; the cap is what a silent or
// hostile client can make the daemon hold.
inline constexpr std::size_t kHttpMaxHead = 4096;

enum class HttpVerdict { need_more, complete, too_long };

// What the answer is, once the head is complete.
enum class HttpRoute {
  metrics,      // GET or HEAD of /metrics (or /): 200 with the text
  not_found,    // another path: 404
  not_allowed,  // another method: 405
  bad_request,  // not an HTTP/1.x request line: 400
};

struct HttpRequest {
  HttpVerdict verdict = HttpVerdict::need_more;
  HttpRoute route = HttpRoute::bad_request;
  bool head_only = false;  // HEAD: the answer's head without its body
};

// The head ends at the first empty line (CR LF CR LF, or LF LF), which must
// end within the first kHttpMaxHead bytes: only those are looked at, so the
// verdict is the same however the bytes were cut into reads.
HttpRequest parse_http_request(std::string_view received);

// The whole answer, with Content-Length and Connection: close.
std::string http_response(HttpRoute route, bool head_only, std::string_view content_type,
                          std::string_view body);

}  // namespace ninetd::builtins
