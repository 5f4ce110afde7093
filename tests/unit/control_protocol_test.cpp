// The control socket's request line and the metrics builtin's HTTP head.
#include <gtest/gtest.h>

#include <string>

#include "builtins/http_request.h"
#include "status/control_request.h"

namespace ninetd {
namespace {

using status::ControlRequest;
using status::ControlVerb;
using status::parse_control_request;
using Verdict = ControlRequest::Verdict;

TEST(ControlRequest, TheThreeRequests) {
  auto all = parse_control_request("status\n");
  EXPECT_EQ(all.verdict, Verdict::complete);
  EXPECT_EQ(all.verb, ControlVerb::status);
  EXPECT_EQ(all.service, "");
  auto one = parse_control_request("status echo/tcp\r\n");
  EXPECT_EQ(one.verdict, Verdict::complete);
  EXPECT_EQ(one.service, "echo/tcp");
  EXPECT_EQ(parse_control_request("metrics\n").verb, ControlVerb::metrics);
}

TEST(ControlRequest, WaitsForTheLineEnd) {
  EXPECT_EQ(parse_control_request("").verdict, Verdict::need_more);
  EXPECT_EQ(parse_control_request("stat").verdict, Verdict::need_more);
  EXPECT_EQ(parse_control_request(std::string(255, 'x')).verdict, Verdict::need_more);
}

TEST(ControlRequest, RefusesWhatIsNotARequest) {
  EXPECT_EQ(parse_control_request(std::string(256, 'x')).error, "request too long");
  EXPECT_EQ(parse_control_request(std::string(300, 'x') + "\n").error, "request too long");
  EXPECT_EQ(parse_control_request("metrics echo\n").verdict, Verdict::bad);
  EXPECT_EQ(parse_control_request("reboot\n").error,
            "unknown request (expected \"status\", \"status SERVICE\" or \"metrics\")");
  for (const char* line : {"status a b\n", "status \x1b[2J\n", "status\tx\n", "\n"})
    EXPECT_EQ(parse_control_request(line).verdict, Verdict::bad) << line;
}

TEST(ControlRequest, TheClientsLines) {
  EXPECT_EQ(status::control_request_line(ControlVerb::status), "status\n");
  EXPECT_EQ(status::control_request_line(ControlVerb::status, "echo"), "status echo\n");
  EXPECT_EQ(status::control_request_line(ControlVerb::metrics, "x"), "metrics\n");
}

TEST(ControlRequest, ANameWithoutProtocolNamesEveryProtocol) {
  EXPECT_TRUE(status::names_service("echo/tcp", "echo/tcp"));
  EXPECT_TRUE(status::names_service("echo", "echo/tcp"));
  EXPECT_TRUE(status::names_service("echo", "echo/udp6"));
  EXPECT_FALSE(status::names_service("echo", "echoes/tcp"));
  EXPECT_FALSE(status::names_service("echo/tcp", "echo/tcp6"));
  EXPECT_FALSE(status::names_service("", "echo/tcp"));
}

using builtins::HttpRoute;
using builtins::HttpVerdict;
using builtins::parse_http_request;

TEST(HttpRequest, RoutesTheScrape) {
  auto get = parse_http_request("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n");
  EXPECT_EQ(get.verdict, HttpVerdict::complete);
  EXPECT_EQ(get.route, HttpRoute::metrics);
  EXPECT_FALSE(get.head_only);
  auto head = parse_http_request("HEAD /?x=1 HTTP/1.0\n\n");
  EXPECT_EQ(head.route, HttpRoute::metrics);
  EXPECT_TRUE(head.head_only);
  EXPECT_EQ(parse_http_request("GET /metrics?name[]=up HTTP/1.1\r\n\r\n").route,
            HttpRoute::metrics);
  EXPECT_EQ(parse_http_request("GET /x HTTP/1.1\r\n\r\n").route, HttpRoute::not_found);
  EXPECT_EQ(parse_http_request("PUT /metrics HTTP/1.1\r\n\r\n").route, HttpRoute::not_allowed);
}

TEST(HttpRequest, WaitsThenCutsAtTheBound) {
  EXPECT_EQ(parse_http_request("GET /metrics HTTP/1.1\r\n").verdict, HttpVerdict::need_more);
  std::string endless = "GET /metrics HTTP/1.1\r\n" + std::string(builtins::kHttpMaxHead, 'x');
  EXPECT_EQ(parse_http_request(endless).verdict, HttpVerdict::too_long);
  std::string late = endless + "\r\n\r\n";
  EXPECT_EQ(parse_http_request(late).verdict, HttpVerdict::too_long);
  // An empty line that ends just past the bound: cut there whether the bytes came in one
  // read or two, as the session holds no more than the bound.
  std::string head = "GET / HTTP/1.1\r\nX: ";
  head += std::string(builtins::kHttpMaxHead - 2 - head.size(), 'y') + "\r\n\r\n";
  EXPECT_EQ(parse_http_request(head).verdict, HttpVerdict::too_long);
  EXPECT_EQ(parse_http_request(head.substr(0, builtins::kHttpMaxHead)).verdict,
            HttpVerdict::too_long);
  head.erase(20, 2);  // now it ends at the bound exactly
  EXPECT_EQ(head.size(), builtins::kHttpMaxHead);
  EXPECT_EQ(parse_http_request(head).verdict, HttpVerdict::complete);
}

TEST(HttpRequest, NotHttpIsABadRequest) {
  for (const char* head : {"hello\r\n\r\n", "GET /metrics\r\n\r\n", "GET /metrics HTTP/2\r\n\r\n",
                           "GET  /metrics HTTP/1.1\r\n\r\n", "G\x01T / HTTP/1.1\r\n\r\n"}) {
    auto request = parse_http_request(head);
    EXPECT_EQ(request.verdict, HttpVerdict::complete) << head;
    EXPECT_EQ(request.route, HttpRoute::bad_request) << head;
  }
}

TEST(HttpResponse, LengthAndCloseAlways) {
  EXPECT_EQ(builtins::http_response(HttpRoute::metrics, false, "text/plain", "a 1\n"),
            "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n"
            "Connection: close\r\n\r\na 1\n");
  EXPECT_EQ(builtins::http_response(HttpRoute::metrics, true, "text/plain", "a 1\n"),
            "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n"
            "Connection: close\r\n\r\n");
  std::string not_allowed = builtins::http_response(HttpRoute::not_allowed, false, "x", "body");
  EXPECT_NE(not_allowed.find("Allow: GET, HEAD\r\n"), std::string::npos);
  EXPECT_EQ(not_allowed.find("body"), std::string::npos);
}

}  // namespace
}  // namespace ninetd
