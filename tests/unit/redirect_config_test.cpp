// The redirect setting in both forms that give it: ninetd's key=value
// `redirect = HOST PORT` and xinetd's attribute, onto one ServiceSpec field,
// with the checks that keep it to nowait stream services over TCP.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/parser.h"
#include "parse_helpers.h"
#include "xinetd_test_util.h"

namespace ninetd::config {
namespace {

using Strings = std::vector<std::string>;

TEST(RedirectKey, NeedsNoExecUserOrWait) {
  ServiceSpec spec = parse_test::only_spec("8080 on protocol = tcp, redirect = 192.0.2.7 80;\n");
  ASSERT_TRUE(spec.redirect);
  EXPECT_EQ(spec.redirect->host, "192.0.2.7");
  EXPECT_EQ(spec.redirect->port, "80");
  EXPECT_EQ(spec.redirect->place.line, 1);
  EXPECT_EQ(spec.redirect->place.column, 36);
  EXPECT_EQ(spec.builtin, Builtin::none);
  EXPECT_TRUE(spec.program.empty());
  EXPECT_EQ(spec.wait_mode, WaitMode::nowait);
  EXPECT_EQ(spec.socket_type, SocketType::stream);
  EXPECT_EQ(spec.user, "root");
}

TEST(RedirectKey, TakesNamesBracketedAddressesAndServiceNames) {
  ServiceSpec spec =
      parse_test::only_spec("8080 on protocol = tcp6, wait = no, redirect = [2001:db8::1] http;\n");
  ASSERT_TRUE(spec.redirect);
  EXPECT_EQ(spec.redirect->host, "2001:db8::1");
  EXPECT_EQ(spec.redirect->port, "http");
  spec = parse_test::only_spec("8080 on protocol = tcp, redirect = backend.example 8000;\n");
  EXPECT_EQ(spec.redirect->host, "backend.example");
}

TEST(RedirectKey, BadTargetsAreErrorsAtTheirColumn) {
  EXPECT_EQ(parse_test::only_error("8080 on protocol = tcp, redirect = a/b 80;\n"),
            "inetd.conf:1:36: error: redirect: \"a/b\" is not a host name or an IP address");
  EXPECT_EQ(parse_test::only_error("8080 on protocol = tcp, redirect = 127.0.0.1 65536;\n"),
            "inetd.conf:1:46: error: redirect: the port must be a number from 1 to 65535 or a "
            "service name, got \"65536\"");
  EXPECT_EQ(parse_test::only_error("8080 on protocol = tcp, redirect = 127.0.0.1 0;\n"),
            "inetd.conf:1:46: error: redirect: the port must be a number from 1 to 65535 or a "
            "service name, got \"0\"");
  EXPECT_EQ(parse_test::only_error("8080 on protocol = tcp, redirect = 127.0.0.1;\n"),
            "inetd.conf:1:25: error: redirect takes 2 values (a host (address or name) and a "
            "port: each connection forwarded there), got 1");
}

TEST(RedirectKey, OnlyNowaitStreamOverTcp) {
  EXPECT_EQ(parse_test::only_error("8080 on protocol = udp, redirect = 127.0.0.1 80;\n"),
            "inetd.conf:1:20: error: redirect needs socket type stream: it forwards TCP "
            "connections");
  EXPECT_EQ(
      parse_test::only_error("8080 on protocol = tcp, wait = yes, redirect = 127.0.0.1 80;\n"),
      "inetd.conf:1:32: error: redirect needs \"nowait\": the daemon accepts each "
      "connection and forwards it");
  ParseResult r = parse_test::parse(
      "/run/x.sock on protocol = unix, socktype = stream, redirect = 127.0.0.1 80;\n");
  EXPECT_EQ(parse_test::messages(r),
            Strings{"inetd.conf:1:27: error: redirect needs protocol tcp, tcp4, tcp6 or tcp46, "
                    "not \"unix\""});
  EXPECT_EQ(parse_test::only_error("tcpmux/fwd on protocol = tcp, redirect = 127.0.0.1 80;\n"),
            "inetd.conf:1:26: error: a tcpmux/ service cannot redirect: it has no socket of its "
            "own");
}

TEST(RedirectKey, ExecAndRedirectExcludeEachOther) {
  EXPECT_EQ(
      parse_test::only_error("8080 on protocol = tcp, exec = /bin/cat, redirect = 127.0.0.1 80;\n"),
      "inetd.conf:1:32: error: exec and redirect exclude each other: give one");
}

namespace x = xinetd::testing;

TEST(RedirectAttribute, IsMappedWithoutServerUserOrWait) {
  ServiceSpec spec =
      x::only_spec(x::service("fwd",
                              "  type = UNLISTED\n  port = 8080\n  socket_type = stream\n"
                              "  redirect = 127.0.0.1 8000\n"));
  ASSERT_TRUE(spec.redirect);
  EXPECT_EQ(spec.redirect->host, "127.0.0.1");
  EXPECT_EQ(spec.redirect->port, "8000");
  EXPECT_EQ(spec.service, "8080");
  EXPECT_EQ(spec.wait_mode, WaitMode::nowait);
  EXPECT_EQ(spec.user, "root");
  EXPECT_TRUE(spec.program.empty());
}

TEST(RedirectAttribute, AServerBesideItIsIgnoredWithAWarning) {
  ParseResult r =
      x::parse(x::service("finger", std::string(x::kServer) + "  server_args = -l\n"
                                                              "  redirect = 192.0.2.1 79\n"));
  EXPECT_EQ(x::messages(r), (Strings{"x.conf:7:3: warning: server is ignored: the service "
                                     "redirects",
                                     "x.conf:8:3: warning: server_args is ignored: the service "
                                     "redirects"}));
  ASSERT_EQ(r.services.size(), 1u);
  EXPECT_TRUE(r.services[0].program.empty());
  EXPECT_EQ(r.services[0].user, "nobody");
}

TEST(RedirectAttribute, DgramWaitAndInternalAreErrors) {
  EXPECT_EQ(x::refused(x::service("tftp",
                                  "  socket_type = dgram\n  wait = yes\n"
                                  "  redirect = 127.0.0.1 69\n")),
            (Strings{"x.conf:3:17: error: redirect needs socket type stream: it forwards TCP "
                     "connections",
                     "x.conf:4:10: error: redirect needs \"nowait\": the daemon accepts each "
                     "connection and forwards it"}));
  EXPECT_EQ(x::refused(x::service("echo",
                                  "  type = INTERNAL\n  socket_type = stream\n"
                                  "  redirect = 127.0.0.1 7\n")),
            Strings{"x.conf:5:3: error: redirect and type = INTERNAL exclude each other"});
  EXPECT_EQ(x::refused(x::service("fwd",
                                  "  type = UNLISTED\n  port = 8080\n"
                                  "  socket_type = stream\n  redirect = 127.0.0.1\n")),
            Strings{"x.conf:6:3: error: redirect takes 2 values (a host and a port), got 1"});
}

}  // namespace
}  // namespace ninetd::config
