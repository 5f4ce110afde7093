// libFuzzer target for the two requests the daemon reads whole before it
// answers: the metrics builtin's HTTP head (any network client) and the
// control socket's line (local users). Any bytes in; each verdict agrees with
// the bytes, no read boundary changes it, and what is answered is well formed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "builtins/http_request.h"
#include "status/control_request.h"

namespace {

using ninetd::builtins::HttpRequest;
using ninetd::builtins::HttpRoute;
using ninetd::builtins::HttpVerdict;
using ninetd::builtins::kHttpMaxHead;
using ninetd::status::ControlRequest;
using ninetd::status::kControlMaxRequest;

void require(bool condition) {
  if (!condition) __builtin_trap();
}

bool same(const HttpRequest& a, const HttpRequest& b) {
  return a.verdict == b.verdict && a.route == b.route && a.head_only == b.head_only;
}

bool same(const ControlRequest& a, const ControlRequest& b) {
  return a.verdict == b.verdict && a.verb == b.verb && a.service == b.service && a.error == b.error;
}

// The lengths a read could have stopped at: every one for short inputs, then
// a spread (each parse is linear, and the heads are kilobytes long).
template <typename Check>
void each_prefix(std::size_t size, std::size_t bound, Check check) {
  std::size_t last = size < bound ? size : bound;
  std::size_t step = last <= 256 ? 1 : last / 128;
  for (std::size_t n = 0; n < last; n += step) check(n);
  if (last > 0) check(last - 1);
}

void check_http(std::string_view bytes) {
  HttpRequest r = ninetd::builtins::parse_http_request(bytes);
  std::string_view window = bytes.substr(0, kHttpMaxHead);
  bool ended = window.find("\n\n") != std::string_view::npos ||
               window.find("\r\n\r\n") != std::string_view::npos;
  switch (r.verdict) {
    case HttpVerdict::complete:
      require(ended);
      break;
    case HttpVerdict::need_more:
      require(!ended && bytes.size() < kHttpMaxHead);
      break;
    case HttpVerdict::too_long:
      require(!ended && bytes.size() >= kHttpMaxHead);
      break;
  }
  if (r.verdict != HttpVerdict::complete) require(!r.head_only);
  each_prefix(bytes.size(), kHttpMaxHead + 1, [&](std::size_t n) {
    HttpRequest early = ninetd::builtins::parse_http_request(bytes.substr(0, n));
    require(early.verdict == HttpVerdict::need_more || same(early, r));
  });
  // The answer: a status line, a Content-Length that is the body's, and the
  // body only when it was not a HEAD.
  HttpRoute route = r.verdict == HttpVerdict::complete ? r.route : HttpRoute::bad_request;
  std::string answer = ninetd::builtins::http_response(route, r.head_only, "text/plain", "up 1\n");
  require(answer.starts_with("HTTP/1.0 "));
  std::size_t head_end = answer.find("\r\n\r\n");
  require(head_end != std::string::npos);
  std::string_view head(answer.data(), head_end + 4);
  std::string_view body = std::string_view(answer).substr(head_end + 4);
  std::size_t at = head.find("\r\nContent-Length: ");
  require(at != std::string_view::npos);
  std::size_t length = std::stoul(std::string(head.substr(at + 18)));
  require(r.head_only ? body.empty() : body.size() == length);
  require(head.ends_with("Connection: close\r\n\r\n"));
}

void check_control(std::string_view bytes) {
  ControlRequest r = ninetd::status::parse_control_request(bytes);
  std::size_t end = bytes.find('\n');
  switch (r.verdict) {
    case ControlRequest::Verdict::complete: {
      require(end < kControlMaxRequest && r.error.empty());
      // The client's own line for it says the same.
      std::string line = ninetd::status::control_request_line(r.verb, r.service);
      require(same(ninetd::status::parse_control_request(line), r));
      break;
    }
    case ControlRequest::Verdict::need_more:
      require(end == std::string_view::npos && bytes.size() < kControlMaxRequest);
      break;
    case ControlRequest::Verdict::bad:
      require(!r.error.empty());
      for (char c : r.error) require(c >= 0x20 && c < 0x7f);  // one line of text, sent back
      break;
  }
  each_prefix(bytes.size(), kControlMaxRequest + 1, [&](std::size_t n) {
    ControlRequest early = ninetd::status::parse_control_request(bytes.substr(0, n));
    require(early.verdict == ControlRequest::Verdict::need_more || same(early, r));
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  check_http(bytes);
  check_control(bytes);
  return 0;
}
