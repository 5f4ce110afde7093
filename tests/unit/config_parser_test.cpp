// The inetd.conf language as ninetd reads it, field by field: what each form
// means, and the exact diagnostic for each mistake. Read top to bottom, this is
// the grammar's specification; docs/compatibility.md says where it follows
// FreeBSD and where OpenBSD.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "config/lexer.h"
#include "config/parser.h"
#include "parse_helpers.h"

namespace ninetd::config {
namespace {

using namespace parse_test;

// ---------------------------------------------------------------- field 2: socket type

TEST(SocketType, StreamDgramRawAndSeqpacketAreRead) {
  EXPECT_EQ(only_spec("ftp stream tcp nowait root /usr/sbin/in.ftpd").socket_type,
            SocketType::stream);
  EXPECT_EQ(only_spec("talk dgram udp wait root /usr/sbin/in.talkd").socket_type,
            SocketType::dgram);
  EXPECT_EQ(only_spec("9999 raw udp4 wait root /usr/local/sbin/sniff").socket_type,
            SocketType::raw);
  EXPECT_EQ(only_spec("/run/s.sock seqpacket unix nowait root /usr/bin/srv").socket_type,
            SocketType::seqpacket);
}

TEST(SocketType, UnknownNameIsAnErrorAtItsColumn) {
  EXPECT_EQ(only_error("echo strem tcp nowait root internal"),
            "inetd.conf:1:6: error: unknown socket type \"strem\" (expected stream, dgram, raw "
            "or seqpacket)");
}

TEST(SocketType, RdmIsNotSupported) {
  EXPECT_EQ(only_error("x rdm tcp nowait root /bin/x"),
            "inetd.conf:1:3: error: unknown socket type \"rdm\" (expected stream, dgram, raw or "
            "seqpacket)");
}

// ---------------------------------------------------------------- field 3: protocol

TEST(Protocol, EachNameGivesItsTransportAndAddressFamilies) {
  struct Case {
    const char* line;
    Transport transport;
    FamilyRule family;
  };
  const Case cases[] = {
      {"7 stream tcp nowait root /bin/x", Transport::tcp, FamilyRule::both},
      {"7 dgram udp wait root /bin/x", Transport::udp, FamilyRule::both},
      {"7 stream tcp4 nowait root /bin/x", Transport::tcp, FamilyRule::v4},
      {"7 dgram udp4 wait root /bin/x", Transport::udp, FamilyRule::v4},
      {"7 stream tcp6 nowait root /bin/x", Transport::tcp, FamilyRule::v6_only},
      {"7 dgram udp6 wait root /bin/x", Transport::udp, FamilyRule::v6_only},
      {"7 stream tcp46 nowait root /bin/x", Transport::tcp, FamilyRule::dual},
      {"7 dgram udp46 wait root /bin/x", Transport::udp, FamilyRule::dual},
      {"/run/x stream unix nowait root /bin/x", Transport::local, FamilyRule::local},
  };
  for (const Case& c : cases) {
    ServiceSpec spec = only_spec(c.line);
    EXPECT_EQ(spec.transport, c.transport) << c.line;
    EXPECT_EQ(spec.family, c.family) << c.line;
  }
}

TEST(Protocol, UnknownNameListsTheKnownOnes) {
  EXPECT_EQ(only_error("ftp stream tpc nowait root /usr/sbin/in.ftpd in.ftpd"),
            "inetd.conf:1:12: error: unknown protocol \"tpc\" (expected tcp, udp, tcp4, udp4, "
            "tcp6, udp6, tcp46, udp46, unix, rpc/tcp or rpc/udp)");
}

TEST(Protocol, NamesAreCaseSensitiveAsInEveryBsd) {
  EXPECT_EQ(only_error("ftp stream TCP nowait root /usr/sbin/in.ftpd"),
            "inetd.conf:1:12: error: unknown protocol \"TCP\" (expected tcp, udp, tcp4, udp4, "
            "tcp6, udp6, tcp46, udp46, unix, rpc/tcp or rpc/udp)");
}

TEST(Protocol, RpcServicesTakeAProgramNameAndAVersionRange) {
  ServiceSpec spec =
      only_spec("rstatd/1-3 dgram rpc/udp wait root /usr/libexec/rpc.rstatd rpc.rstatd");
  EXPECT_TRUE(spec.rpc);
  EXPECT_EQ(spec.service, "rstatd");
  EXPECT_EQ(spec.rpc_low_version, 1u);
  EXPECT_EQ(spec.rpc_high_version, 3u);
  EXPECT_EQ(spec.protocol, "rpc/udp");
  EXPECT_EQ(spec.transport, Transport::udp);
  EXPECT_EQ(spec.family, FamilyRule::both);
  EXPECT_EQ(spec.display_name(), "rstatd/rpc/udp");
}

TEST(Protocol, DebiansRusersdLineIsAccepted) {
  ServiceSpec spec =
      only_spec("rusersd/2-3\tdgram\trpc/udp\twait\tnobody\t/usr/sbin/tcpd\t/usr/sbin/rpc.rusersd");
  EXPECT_EQ(spec.service, "rusersd");
  EXPECT_EQ(spec.rpc_low_version, 2u);
  EXPECT_EQ(spec.rpc_high_version, 3u);
  EXPECT_EQ(spec.program, "/usr/sbin/tcpd");
  EXPECT_EQ(spec.args, std::vector<std::string>{"/usr/sbin/rpc.rusersd"});
}

TEST(Protocol, TheKeyValueFormTakesRpcThroughItsProtocolKey) {
  ServiceSpec spec = only_spec(
      "rusersd/2-3 on protocol = rpc/udp, socktype = dgram, wait = yes, user = nobody,\n"
      "  exec = /usr/sbin/rpc.rusersd;");
  EXPECT_TRUE(spec.rpc);
  EXPECT_EQ(spec.service, "rusersd");
  EXPECT_EQ(spec.rpc_low_version, 2u);
  EXPECT_EQ(spec.rpc_high_version, 3u);
}

TEST(Protocol, OneRpcVersionIsARangeOfOne) {
  ServiceSpec spec = only_spec("walld/1 dgram rpc/udp wait root /usr/sbin/rpc.rwalld");
  EXPECT_EQ(spec.rpc_low_version, 1u);
  EXPECT_EQ(spec.rpc_high_version, 1u);
}

TEST(Protocol, RpcProtocolsOpenTheFamiliesThePlainNamesOpen) {
  struct Case {
    const char* line;
    Transport transport;
    FamilyRule family;
  };
  for (const Case& c : {
           Case{"x/1 stream rpc/tcp wait root /bin/x", Transport::tcp, FamilyRule::both},
           Case{"x/1 stream rpc/tcp4 nowait root /bin/x", Transport::tcp, FamilyRule::v4},
           Case{"x/1 stream rpc/tcp6 wait root /bin/x", Transport::tcp, FamilyRule::v6_only},
           Case{"x/1 dgram rpc/udp4 wait root /bin/x", Transport::udp, FamilyRule::v4},
           Case{"x/1 dgram rpc/udp6 wait root /bin/x", Transport::udp, FamilyRule::v6_only},
       }) {
    ServiceSpec spec = only_spec(c.line);
    EXPECT_TRUE(spec.rpc) << c.line;
    EXPECT_EQ(spec.transport, c.transport) << c.line;
    EXPECT_EQ(spec.family, c.family) << c.line;
  }
}

TEST(Protocol, UnknownRpcProtocolIsReportedOnce) {
  EXPECT_EQ(only_error("rstatd/1-3 dgram rpc/udp46 wait root /usr/libexec/rpc.rstatd"),
            "inetd.conf:1:18: error: unknown RPC protocol \"rpc/udp46\" (expected rpc/tcp, "
            "rpc/udp, rpc/tcp4, rpc/udp4, rpc/tcp6 or rpc/udp6)");
  EXPECT_EQ(only_error("rstatd/1-3 dgram rpc/unix wait root /usr/libexec/rpc.rstatd"),
            "inetd.conf:1:18: error: unknown RPC protocol \"rpc/unix\" (expected rpc/tcp, "
            "rpc/udp, rpc/tcp4, rpc/udp4, rpc/tcp6 or rpc/udp6)");
}

TEST(Protocol, ServiceWithVersionSlashNeedsAnRpcProtocol) {
  EXPECT_EQ(only_error("rusersd/1-3 dgram udp wait root /usr/libexec/rpc.rusersd"),
            "inetd.conf:1:8: error: \"rusersd/1-3\" is an RPC program and its versions: it needs "
            "protocol rpc/tcp or rpc/udp, not \"udp\"");
}

TEST(Protocol, RpcServiceNeedsVersions) {
  EXPECT_EQ(only_error("rusersd dgram rpc/udp wait root /usr/sbin/rpc.rusersd"),
            "inetd.conf:1:8: error: RPC service \"rusersd\" needs its versions: name/version or "
            "name/low-high");
}

TEST(Protocol, RpcVersionsAreNumbersLowToHighEachAtItsColumn) {
  EXPECT_EQ(only_error("rusersd/x-3 dgram rpc/udp wait root /usr/sbin/rpc.rusersd"),
            "inetd.conf:1:9: error: RPC version must be a number, got \"x\"");
  EXPECT_EQ(only_error("rusersd/2-y dgram rpc/udp wait root /usr/sbin/rpc.rusersd"),
            "inetd.conf:1:11: error: RPC version must be a number, got \"y\"");
  EXPECT_EQ(only_error("rusersd/ dgram rpc/udp wait root /usr/sbin/rpc.rusersd"),
            "inetd.conf:1:9: error: RPC version must be a number, got \"\"");
  EXPECT_EQ(only_error("rusersd/3-2 dgram rpc/udp wait root /usr/sbin/rpc.rusersd"),
            "inetd.conf:1:9: error: RPC versions \"3-2\": the low version is above the high one");
  EXPECT_EQ(only_error("rusersd/1-4294967296 dgram rpc/udp wait root /usr/sbin/rpc.rusersd"),
            "inetd.conf:1:11: error: RPC version must be a number, got \"4294967296\"");
  EXPECT_EQ(only_error("/2 dgram rpc/udp wait root /usr/sbin/rpc.rusersd"),
            "inetd.conf:1:1: error: missing RPC program name before \"/\"");
}

TEST(Protocol, RpcProtocolMustMatchTheSocketType) {
  EXPECT_EQ(only_error("rusersd/2 stream rpc/udp wait root /usr/sbin/rpc.rusersd"),
            "inetd.conf:1:18: error: protocol \"rpc/udp\" does not go with socket type stream "
            "(expected tcp, tcp4, tcp6, tcp46 or unix)");
}

TEST(Protocol, SndbufAndRcvbufTakeBytesOrKOrMSuffixes) {
  ServiceSpec spec = only_spec("x stream tcp,sndbuf=4096,rcvbuf=64k nowait root /bin/x");
  EXPECT_EQ(spec.protocol, "tcp");
  EXPECT_EQ(spec.sndbuf, 4096);
  EXPECT_EQ(spec.rcvbuf, 64 * 1024);
  spec = only_spec("x dgram udp,rcvbuf=2M,sndbuf=1K wait root /bin/x");
  EXPECT_EQ(spec.rcvbuf, 2 * 1024 * 1024);
  EXPECT_EQ(spec.sndbuf, 1024);
}

TEST(Protocol, BufferSizeMustBeAPositiveNumberThatFitsAnInt) {
  EXPECT_EQ(only_error("x stream tcp,sndbuf=12x nowait root /bin/x"),
            "inetd.conf:1:14: error: sndbuf needs a size in bytes, with an optional k or m, got "
            "\"12x\"");
  EXPECT_EQ(only_error("x stream tcp,rcvbuf=0 nowait root /bin/x"),
            "inetd.conf:1:14: error: rcvbuf needs a size in bytes, with an optional k or m, got "
            "\"0\"");
  EXPECT_EQ(only_error("x stream tcp,rcvbuf= nowait root /bin/x"),
            "inetd.conf:1:14: error: rcvbuf needs a size in bytes, with an optional k or m, got "
            "\"\"");
  EXPECT_EQ(only_error("x stream tcp,sndbuf=-5 nowait root /bin/x"),
            "inetd.conf:1:14: error: sndbuf needs a size in bytes, with an optional k or m, got "
            "\"-5\"");
  EXPECT_EQ(only_error("x stream tcp,sndbuf=4096m nowait root /bin/x"),
            "inetd.conf:1:14: error: sndbuf needs a size in bytes, with an optional k or m, got "
            "\"4096m\"");
  EXPECT_EQ(only_error("x stream tcp,sndbuf nowait root /bin/x"),
            "inetd.conf:1:14: error: sndbuf needs a size in bytes, with an optional k or m, got "
            "\"\"");
}

TEST(Protocol, UnknownOrEmptyOptionIsAnError) {
  EXPECT_EQ(only_error("x stream tcp,nodelay nowait root /bin/x"),
            "inetd.conf:1:14: error: unknown protocol option \"nodelay\" (expected sndbuf=SIZE, "
            "rcvbuf=SIZE or listen_fds)");
  EXPECT_EQ(only_error("x stream tcp, nowait root /bin/x"),
            "inetd.conf:1:14: error: empty protocol option after \",\" (expected sndbuf=SIZE, "
            "rcvbuf=SIZE or listen_fds)");
}

TEST(Protocol, ListenFdsHandsTheSocketToAWaitServer) {
  ServiceSpec spec = only_spec("x stream tcp,listen_fds wait nobody /usr/bin/srv srv");
  EXPECT_TRUE(spec.listen_fds);
  EXPECT_EQ(spec.protocol, "tcp");
}

TEST(Protocol, ListenFdsNeedsWait) {
  EXPECT_EQ(only_error("x stream tcp,listen_fds nowait nobody /usr/bin/srv"),
            "inetd.conf:1:10: error: listen_fds hands over the listening socket, so it needs "
            "\"wait\"");
}

TEST(Protocol, ListenFdsIsNotForBuiltins) {
  EXPECT_EQ(only_error("echo dgram udp,listen_fds wait root internal"),
            "inetd.conf:1:12: error: listen_fds is for server programs, not internal services");
}

// ---------------------------------------------------------------- unix sockets

TEST(Unix, ServiceFieldIsTheSocketPath) {
  ServiceSpec spec = only_spec("/run/ninetd/greet.sock stream unix nowait nobody /bin/sh sh -c x");
  EXPECT_EQ(spec.service, "/run/ninetd/greet.sock");
  EXPECT_EQ(spec.transport, Transport::local);
  EXPECT_FALSE(spec.host.has_value());
  EXPECT_EQ(spec.display_name(), "/run/ninetd/greet.sock/unix");
}

TEST(Unix, PathMustBeAbsolute) {
  EXPECT_EQ(only_error("run/x.sock stream unix nowait root /bin/x"),
            "inetd.conf:1:1: error: unix socket path \"run/x.sock\" is not absolute (the service "
            "field of a unix entry is the socket's path)");
}

TEST(Unix, HostLineDoesNotApplyToUnixSockets) {
  ParseResult result = parse("127.0.0.1:\n/run/x.sock stream unix nowait root /bin/x\n");
  ASSERT_EQ(result.services.size(), 1u);
  EXPECT_FALSE(result.services[0].host.has_value());
}

TEST(Unix, BuiltinIsNamedByThePathsLastComponent) {
  EXPECT_EQ(only_spec("/run/inetd/echo stream unix nowait root internal").builtin, Builtin::echo);
  EXPECT_EQ(only_spec("/run/inetd/e.sock stream unix nowait root internal daytime").builtin,
            Builtin::daytime);
}

// ---------------------------------------------------------------- field 1: service

TEST(Service, NameFromEtcServicesIsKeptForTheResolver) {
  ServiceSpec spec = only_spec("ftp stream tcp nowait root /usr/sbin/in.ftpd in.ftpd -l");
  EXPECT_EQ(spec.service, "ftp");
  EXPECT_FALSE(spec.host.has_value());
  EXPECT_EQ(spec.display_name(), "ftp/tcp");
  EXPECT_EQ(spec.line, 1);
  EXPECT_EQ(spec.file, "inetd.conf");
}

TEST(Service, NumericPortsFrom1To65535) {
  EXPECT_EQ(only_spec("1 stream tcp nowait root /bin/x").service, "1");
  EXPECT_EQ(only_spec("65535 stream tcp nowait root /bin/x").service, "65535");
}

TEST(Service, PortZeroAndAbove65535AreOutOfRange) {
  EXPECT_EQ(only_error("0 stream tcp nowait root /bin/x"),
            "inetd.conf:1:1: error: port 0 out of range (expected 1-65535 or a service name from "
            "/etc/services)");
  EXPECT_EQ(only_error("65536 stream tcp nowait root /bin/x"),
            "inetd.conf:1:1: error: port 65536 out of range (expected 1-65535 or a service name "
            "from /etc/services)");
  EXPECT_EQ(only_error("127.0.0.1:99999999999999999999999 stream tcp nowait root /bin/x"),
            "inetd.conf:1:11: error: port 99999999999999999999999 out of range (expected 1-65535 "
            "or a service name from /etc/services)");
}

TEST(Service, NameStartingWithADigitIsAName) {
  // /etc/services has "3com-tsmux"; a field that is not all digits is looked up.
  EXPECT_EQ(only_spec("3com-tsmux stream tcp nowait root /bin/x").service, "3com-tsmux");
  EXPECT_EQ(only_spec("80x stream tcp nowait root /bin/x").service, "80x");
}

TEST(Service, TcpmuxNameIsReachedThroughTheTcpmuxBuiltin) {
  ServiceSpec spec = only_spec("tcpmux/greet stream tcp nowait nobody /usr/bin/greet greet");
  EXPECT_TRUE(spec.tcpmux);
  EXPECT_FALSE(spec.tcpmux_plus);
  EXPECT_EQ(spec.service, "greet");
  EXPECT_EQ(spec.display_name(), "tcpmux/greet/tcp");
}

TEST(Service, TcpmuxPlusMeansNinetdSendsThePlusReply) {
  ServiceSpec spec = only_spec("tcpmux/+Greet stream tcp nowait nobody /usr/bin/greet greet");
  EXPECT_TRUE(spec.tcpmux);
  EXPECT_TRUE(spec.tcpmux_plus);
  EXPECT_EQ(spec.service, "Greet");
  EXPECT_EQ(spec.display_name(), "tcpmux/+Greet/tcp");
}

TEST(Service, TcpmuxNeedsAName) {
  EXPECT_EQ(only_error("tcpmux/ stream tcp nowait root /bin/x"),
            "inetd.conf:1:8: error: missing service name after \"tcpmux/\"");
  EXPECT_EQ(only_error("tcpmux/+ stream tcp nowait root /bin/x"),
            "inetd.conf:1:9: error: missing service name after \"tcpmux/+\"");
}

TEST(Service, TcpmuxHelpIsReservedForTheListOfServices) {
  EXPECT_EQ(only_error("tcpmux/+Help stream tcp nowait root /bin/x"),
            "inetd.conf:1:9: error: tcpmux service name \"Help\" is reserved: the tcpmux builtin "
            "answers HELP with the list of services");
}

TEST(Service, TcpmuxIgnoresAHostPrefixWithAWarning) {
  ParseResult result = parse("127.0.0.1:tcpmux/greet stream tcp nowait root /bin/x\n");
  EXPECT_EQ(messages(result),
            std::vector<std::string>{"inetd.conf:1:1: warning: a tcpmux/ service has no socket of "
                                     "its own; host ignored"});
  ASSERT_EQ(result.services.size(), 1u);
  EXPECT_FALSE(result.services[0].host.has_value());
}

TEST(Service, TcpmuxNeedsStreamTcpAndNowait) {
  EXPECT_EQ(only_error("tcpmux/x dgram udp nowait root /bin/x"),
            "inetd.conf:1:10: error: tcpmux services need socket type stream over tcp (RFC 1078)");
  EXPECT_EQ(only_error("tcpmux/x stream tcp wait root /bin/x"),
            "inetd.conf:1:21: error: tcpmux services must be \"nowait\": each gets one "
            "connection");
  EXPECT_EQ(only_error("tcpmux/x stream tcp nowait root internal"),
            "inetd.conf:1:33: error: tcpmux/x needs a server program, not \"internal\"");
}

// ---------------------------------------------------------------- bind addresses

TEST(Host, HostLineSetsTheAddressOfTheLinesAfterIt) {
  ParseResult result = parse(
      "echo stream tcp nowait root internal\n"
      "127.0.0.1:\n"
      "daytime stream tcp nowait root internal\n"
      "time stream tcp nowait root internal\n"
      "*:\n"
      "chargen stream tcp nowait root internal\n");
  EXPECT_EQ(messages(result), std::vector<std::string>{});
  ASSERT_EQ(result.services.size(), 4u);
  EXPECT_FALSE(result.services[0].host.has_value());
  EXPECT_EQ(result.services[1].host, "127.0.0.1");
  EXPECT_EQ(result.services[2].host, "127.0.0.1");
  EXPECT_FALSE(result.services[3].host.has_value());
}

TEST(Host, BracketedIpv6HostLine) {
  ParseResult result = parse("[::1]:\necho stream tcp6 nowait root internal\n");
  ASSERT_EQ(result.services.size(), 1u);
  EXPECT_EQ(result.services[0].host, "::1");
}

TEST(Host, PrefixAppliesToItsOwnEntryOnlyAsInOpenBsd) {
  ParseResult result = parse(
      "127.0.0.1:comsat dgram udp wait root /usr/libexec/comsat comsat\n"
      "ntalk dgram udp wait root /usr/libexec/ntalkd ntalkd\n");
  ASSERT_EQ(result.services.size(), 2u);
  EXPECT_EQ(result.services[0].host, "127.0.0.1");
  EXPECT_EQ(result.services[0].service, "comsat");
  EXPECT_FALSE(result.services[1].host.has_value());
}

TEST(Host, PrefixOverridesTheHostLine) {
  ParseResult result = parse(
      "10.0.0.1:\n"
      "192.168.1.1:echo stream tcp nowait root internal\n"
      "*:daytime stream tcp nowait root internal\n"
      "time stream tcp nowait root internal\n");
  ASSERT_EQ(result.services.size(), 3u);
  EXPECT_EQ(result.services[0].host, "192.168.1.1");
  EXPECT_FALSE(result.services[1].host.has_value());
  EXPECT_EQ(result.services[2].host, "10.0.0.1");
}

TEST(Host, BracketedIpv6Prefix) {
  ServiceSpec spec = only_spec("[::1]:comsat dgram udp6 wait root /usr/libexec/comsat comsat");
  EXPECT_EQ(spec.host, "::1");
  EXPECT_EQ(spec.service, "comsat");
}

TEST(Host, UnbracketedIpv6PrefixSplitsAtTheLastColon) {
  ServiceSpec spec = only_spec("fe80::1%eth0:echo stream tcp6 nowait root internal");
  EXPECT_EQ(spec.host, "fe80::1%eth0");
  EXPECT_EQ(spec.service, "echo");
}

TEST(Host, ListOfHostsGivesOneSpecEach) {
  ParseResult result = parse("127.0.0.1,192.0.2.7:echo stream tcp4 nowait root internal\n");
  EXPECT_EQ(messages(result), std::vector<std::string>{});
  ASSERT_EQ(result.services.size(), 2u);
  EXPECT_EQ(result.services[0].host, "127.0.0.1");
  EXPECT_EQ(result.services[1].host, "192.0.2.7");
  EXPECT_EQ(result.services[0].line, result.services[1].line);
}

TEST(Host, HostLineWithAListAppliesEachAddress) {
  ParseResult result = parse("localhost,::1:\necho stream tcp nowait root internal\n");
  ASSERT_EQ(result.services.size(), 2u);
  EXPECT_EQ(result.services[0].host, "localhost");
  EXPECT_EQ(result.services[1].host, "::1");
}

TEST(Host, EmptyHostIsAnError) {
  EXPECT_EQ(only_error(":echo stream tcp nowait root internal"),
            "inetd.conf:1:1: error: empty host before \":\" (use \"*:\" for any address)");
  EXPECT_EQ(only_error("[]:echo stream tcp nowait root internal"),
            "inetd.conf:1:1: error: empty IPv6 address in \"[]:\"");
}

TEST(Host, EmptyAddressOrStarInAListIsAnError) {
  EXPECT_EQ(only_error("a,,b:echo stream tcp nowait root internal"),
            "inetd.conf:1:3: error: empty address in host list \"a,,b\"");
  EXPECT_EQ(only_error("*,10.0.0.1:echo stream tcp nowait root internal"),
            "inetd.conf:1:1: error: \"*\" (any address) cannot be part of host list "
            "\"*,10.0.0.1\"");
}

TEST(Host, UnclosedBracketIsAnError) {
  EXPECT_EQ(only_error("[::1echo stream tcp nowait root internal"),
            "inetd.conf:1:1: error: expected [IPv6-address]:service, got \"[::1echo\"");
}

TEST(Host, PrefixWithoutServiceIsAnError) {
  EXPECT_EQ(only_error("127.0.0.1: stream tcp nowait root internal"),
            "inetd.conf:1:11: error: missing service name or port after the host");
}

TEST(Host, BadHostLineFailsTheEntriesItWouldHaveBound) {
  // Falling back to "any address" would open services the file meant to keep
  // on one interface, so the entries are skipped until the next host line.
  ParseResult result = parse(
      "10.0.0.1,,10.0.0.2:\n"
      "echo stream tcp nowait root internal\n"
      "/run/x stream unix nowait root internal echo\n"
      "*:\n"
      "daytime stream tcp nowait root internal\n");
  EXPECT_EQ(messages(result),
            (std::vector<std::string>{
                "inetd.conf:1:10: error: empty address in host list \"10.0.0.1,,10.0.0.2\"",
                "inetd.conf:2:1: error: no usable bind address: the host line at inetd.conf:1 has "
                "errors (add a valid \"host:\" or \"*:\" line before this entry)"}));
  ASSERT_EQ(result.services.size(), 2u);
  EXPECT_EQ(result.services[0].transport, Transport::local);
  EXPECT_EQ(result.services[1].service, "daytime");
}

TEST(Host, MalformedHostLines) {
  EXPECT_EQ(messages(parse(":\n")),
            std::vector<std::string>{
                "inetd.conf:1:1: error: empty host line \":\" (use \"*:\" for any address)"});
  EXPECT_EQ(messages(parse("[::1:\n")),
            std::vector<std::string>{
                "inetd.conf:1:1: error: expected [IPv6-address]: on a host line, got \"[::1:\""});
}

// ---------------------------------------------------------------- field 4: wait/nowait

TEST(Wait, PlainWaitAndNowait) {
  ServiceSpec spec = only_spec("tftp dgram udp wait root /usr/sbin/in.tftpd");
  EXPECT_EQ(spec.wait_mode, WaitMode::wait);
  EXPECT_FALSE(spec.max_per_minute || spec.max_child || spec.max_conn_per_ip_per_minute ||
               spec.max_child_per_ip);
  EXPECT_EQ(only_spec("ftp stream tcp nowait root /usr/sbin/in.ftpd").wait_mode, WaitMode::nowait);
}

TEST(Wait, DotMaxIsLaunchesPerMinuteAsInOpenBsd) {
  ServiceSpec spec = only_spec("swat stream tcp nowait.400 root /usr/sbin/tcpd /usr/sbin/swat");
  EXPECT_EQ(spec.wait_mode, WaitMode::nowait);
  EXPECT_EQ(spec.max_per_minute, 400u);
  EXPECT_FALSE(spec.max_child.has_value());
}

TEST(Wait, ColonMaxIsTheNetBsdSpellingOfDotMax) {
  ServiceSpec spec =
      only_spec("http stream tcp nowait:600 _httpd /usr/libexec/httpd httpd /var/www");
  EXPECT_EQ(spec.max_per_minute, 600u);
  EXPECT_EQ(only_spec("x dgram udp wait.20 root /bin/x").max_per_minute, 20u);
}

TEST(Wait, SlashLimitsAreFreeBsdMaxChildThenPerIp) {
  ServiceSpec spec = only_spec("x stream tcp nowait/10 root /bin/x");
  EXPECT_EQ(spec.max_child, 10u);
  EXPECT_FALSE(spec.max_conn_per_ip_per_minute.has_value());

  spec = only_spec("finger stream tcp nowait/3/10 nobody /usr/libexec/fingerd fingerd -k -s");
  EXPECT_EQ(spec.max_child, 3u);
  EXPECT_EQ(spec.max_conn_per_ip_per_minute, 10u);
  EXPECT_FALSE(spec.max_child_per_ip.has_value());

  spec = only_spec("x stream tcp nowait/100/0/5 root /bin/x");
  EXPECT_EQ(spec.max_child, 100u);
  EXPECT_EQ(spec.max_conn_per_ip_per_minute, 0u);
  EXPECT_EQ(spec.max_child_per_ip, 5u);
  EXPECT_FALSE(spec.max_per_minute.has_value());
}

TEST(Wait, MisspelledWaitNamesTheField) {
  const std::string expected =
      "(expected \"wait\" or \"nowait\", optionally followed by .max-per-minute or "
      "/max-child[/max-conn-per-ip-per-minute[/max-child-per-ip]])";
  EXPECT_EQ(only_error("ftp stream tcp nowiat root /usr/sbin/in.ftpd"),
            "inetd.conf:1:16: error: unknown wait/nowait value \"nowiat\" " + expected);
  EXPECT_EQ(only_error("ftp stream tcp waitx root /usr/sbin/in.ftpd"),
            "inetd.conf:1:16: error: unknown wait/nowait value \"waitx\" " + expected);
  EXPECT_EQ(only_error("ftp stream tcp Nowait root /usr/sbin/in.ftpd"),
            "inetd.conf:1:16: error: unknown wait/nowait value \"Nowait\" " + expected);
}

TEST(Wait, DotOrColonNeedsANumber) {
  EXPECT_EQ(only_error("x stream tcp nowait. root /bin/x"),
            "inetd.conf:1:21: error: max-per-minute after \".\" must be a number, got \"\"");
  EXPECT_EQ(only_error("x stream tcp nowait.many root /bin/x"),
            "inetd.conf:1:21: error: max-per-minute after \".\" must be a number, got \"many\"");
  EXPECT_EQ(only_error("x stream tcp nowait:-1 root /bin/x"),
            "inetd.conf:1:21: error: max-per-minute after \":\" must be a number, got \"-1\"");
  EXPECT_EQ(only_error("x stream tcp nowait.10/5 root /bin/x"),
            "inetd.conf:1:21: error: max-per-minute after \".\" must be a number, got \"10/5\"");
}

TEST(Wait, SlashFormsNeedNumbers) {
  EXPECT_EQ(only_error("x stream tcp nowait/ root /bin/x"),
            "inetd.conf:1:21: error: max-child must be a number, got \"\"");
  EXPECT_EQ(only_error("x stream tcp nowait/a root /bin/x"),
            "inetd.conf:1:21: error: max-child must be a number, got \"a\"");
  EXPECT_EQ(only_error("x stream tcp nowait/3/x root /bin/x"),
            "inetd.conf:1:23: error: max-conn-per-ip-per-minute must be a number, got \"x\"");
  EXPECT_EQ(only_error("x stream tcp nowait/3/4/ root /bin/x"),
            "inetd.conf:1:25: error: max-child-per-ip must be a number, got \"\"");
}

TEST(Wait, AtMostThreeSlashLimits) {
  EXPECT_EQ(only_error("x stream tcp nowait/1/2/3/4 root /bin/x"),
            "inetd.conf:1:27: error: too many limits in \"nowait/1/2/3/4\" (at most three: "
            "/max-child/max-conn-per-ip-per-minute/max-child-per-ip)");
}

TEST(Wait, StreamBuiltinsMustBeNowait) {
  EXPECT_EQ(only_error("echo stream tcp wait root internal"),
            "inetd.conf:1:17: error: internal service echo over stream must be \"nowait\"");
}

TEST(Wait, DgramBuiltinsTakeEither) {
  EXPECT_EQ(only_spec("echo dgram udp wait root internal").builtin, Builtin::echo);
  EXPECT_EQ(only_spec("echo dgram udp nowait root internal").builtin, Builtin::echo);
}

// ---------------------------------------------------------------- field 5: user

TEST(User, UserAlone) {
  ServiceSpec spec = only_spec("x stream tcp nowait nobody /bin/x");
  EXPECT_EQ(spec.user, "nobody");
  EXPECT_FALSE(spec.group.has_value());
  EXPECT_FALSE(spec.login_class.has_value());
}

TEST(User, ColonOrDotGivesTheGroup) {
  ServiceSpec spec = only_spec("comsat dgram udp wait tty:tty /usr/libexec/comsat comsat");
  EXPECT_EQ(spec.user, "tty");
  EXPECT_EQ(spec.group, "tty");
  spec = only_spec("x stream tcp nowait daemon.staff /bin/x");
  EXPECT_EQ(spec.user, "daemon");
  EXPECT_EQ(spec.group, "staff");
}

TEST(User, WithAColonADotBelongsToTheUserName) {
  ServiceSpec spec = only_spec("x stream tcp nowait first.last:staff /bin/x");
  EXPECT_EQ(spec.user, "first.last");
  EXPECT_EQ(spec.group, "staff");
}

TEST(User, SlashGivesTheFreeBsdLoginClass) {
  ServiceSpec spec = only_spec("x stream tcp nowait www/daemon /bin/x");
  EXPECT_EQ(spec.user, "www");
  EXPECT_FALSE(spec.group.has_value());
  EXPECT_EQ(spec.login_class, "daemon");
  spec = only_spec("x stream tcp nowait www:www/limited /bin/x");
  EXPECT_EQ(spec.user, "www");
  EXPECT_EQ(spec.group, "www");
  EXPECT_EQ(spec.login_class, "limited");
}

TEST(User, EmptyPartsAreErrors) {
  EXPECT_EQ(only_error("x stream tcp nowait :staff /bin/x"),
            "inetd.conf:1:21: error: empty user name (expected user[:group][/login-class])");
  EXPECT_EQ(only_error("x stream tcp nowait root: /bin/x"),
            "inetd.conf:1:26: error: empty group after \":\"");
  EXPECT_EQ(only_error("x stream tcp nowait root. /bin/x"),
            "inetd.conf:1:26: error: empty group after \".\"");
  EXPECT_EQ(only_error("x stream tcp nowait root/ /bin/x"),
            "inetd.conf:1:26: error: empty login class after \"/\"");
}

// ---------------------------------------------------------------- fields 6+: program

TEST(Program, EveryBuiltinByServiceName) {
  const std::pair<const char*, Builtin> builtins[] = {
      {"echo", Builtin::echo},       {"discard", Builtin::discard}, {"chargen", Builtin::chargen},
      {"daytime", Builtin::daytime}, {"time", Builtin::time},
  };
  for (const auto& [name, builtin] : builtins) {
    std::string stream = std::string(name) + " stream tcp nowait root internal";
    std::string dgram = std::string(name) + " dgram udp wait root internal";
    EXPECT_EQ(only_spec(stream).builtin, builtin) << stream;
    EXPECT_EQ(only_spec(dgram).builtin, builtin) << dgram;
    EXPECT_TRUE(only_spec(stream).program.empty());
  }
  EXPECT_EQ(only_spec("tcpmux stream tcp nowait root internal").builtin, Builtin::tcpmux);
}

TEST(Program, BuiltinOnAPortNumberIsNamedByArgv0) {
  ServiceSpec spec = only_spec("2007 stream tcp4 nowait nobody internal echo");
  EXPECT_EQ(spec.builtin, Builtin::echo);
  EXPECT_EQ(spec.service, "2007");
  EXPECT_EQ(only_spec("2013 dgram udp4 wait nobody internal daytime").builtin, Builtin::daytime);
}

TEST(Program, ABuiltinServiceNameWinsOverArgv0) {
  EXPECT_EQ(only_spec("echo stream tcp nowait root internal chargen").builtin, Builtin::echo);
}

// xinetd's SENSOR as a builtin: its one argument is its deny time.
TEST(Program, TheSensorTakesItsDenyTime) {
  ServiceSpec spec = only_spec("2121 stream tcp nowait root internal sensor 120");
  EXPECT_EQ(spec.builtin, Builtin::sensor);
  EXPECT_EQ(spec.args, (std::vector<std::string>{"sensor", "120"}));
  EXPECT_EQ(only_spec("2121 stream tcp nowait root internal sensor").builtin, Builtin::sensor);
  EXPECT_EQ(only_spec("2121 stream tcp nowait root internal sensor FOREVER").args.size(), 2u);
  EXPECT_EQ(only_error("2121 stream tcp nowait root internal sensor soon"),
            "inetd.conf:1:45: error: the sensor's deny time must be minutes from 0 to 525600, "
            "FOREVER or NEVER, got \"soon\"");
  EXPECT_EQ(only_error("2121 stream tcp nowait root internal sensor 5 6"),
            "inetd.conf:1:47: error: the sensor takes one argument, its deny time; more are "
            "given");
  // Over udp, with the warning that a datagram's source may be anyone's.
  ParseResult udp = parse("2121 dgram udp wait root internal sensor 5\n");
  EXPECT_EQ(messages(udp),
            std::vector<std::string>{
                "inetd.conf:1:6: warning: a sensor over udp lists the source address each "
                "datagram claims: a spoofed one has any address refused, yours too (a stream "
                "sensor lists only clients that complete a handshake)"});
  ASSERT_EQ(udp.services.size(), 1u);
  EXPECT_EQ(udp.services[0].builtin, Builtin::sensor);
}

TEST(Program, UnknownInternalService) {
  EXPECT_EQ(only_error("auth stream tcp nowait root internal"),
            "inetd.conf:1:29: error: unknown internal service \"auth\" (expected echo, discard, "
            "chargen, daytime, time, tcpmux, metrics or sensor; for a port number, give the "
            "builtin's name after "
            "\"internal\")");
  EXPECT_EQ(only_error("7 stream tcp nowait root internal"),
            "inetd.conf:1:26: error: unknown internal service \"7\" (expected echo, discard, "
            "chargen, daytime, time, tcpmux, metrics or sensor; for a port number, give the "
            "builtin's name after "
            "\"internal\")");
}

TEST(Program, ArgumentsAfterABuiltinsArgv0AreIgnoredWithAWarning) {
  ParseResult result = parse("2007 stream tcp nowait root internal echo -v\n");
  EXPECT_EQ(messages(result),
            std::vector<std::string>{
                "inetd.conf:1:43: warning: arguments of internal service echo are ignored"});
  ASSERT_EQ(result.services.size(), 1u);
}

TEST(Program, BuiltinsNeedStreamOrDgram) {
  EXPECT_EQ(only_error("echo raw udp wait root internal"),
            "inetd.conf:1:6: error: internal service echo needs socket type stream or dgram");
}

TEST(Program, TcpmuxBuiltinNeedsStreamTcp) {
  EXPECT_EQ(only_error("tcpmux dgram udp wait root internal"),
            "inetd.conf:1:8: error: internal service tcpmux needs socket type stream over tcp");
}

TEST(Program, ServerPathMustBeAbsolute) {
  EXPECT_EQ(only_error("ftp stream tcp nowait root in.ftpd in.ftpd"),
            "inetd.conf:1:28: error: server program \"in.ftpd\" is not an absolute path (expected "
            "/path/to/program or \"internal\")");
}

TEST(Program, Argv0DefaultsToTheProgramsBasename) {
  ServiceSpec spec = only_spec("x stream tcp nowait root /usr/local/bin/server");
  EXPECT_EQ(spec.program, "/usr/local/bin/server");
  EXPECT_EQ(spec.args, std::vector<std::string>{"server"});
}

TEST(Program, ArgumentsAreKeptAsWrittenWithArgv0First) {
  ServiceSpec spec =
      only_spec("tftp dgram udp wait root /usr/sbin/in.tftpd /usr/sbin/in.tftpd -s /srv/tftp");
  EXPECT_EQ(spec.program, "/usr/sbin/in.tftpd");
  EXPECT_EQ(spec.args, (std::vector<std::string>{"/usr/sbin/in.tftpd", "-s", "/srv/tftp"}));
}

// ---------------------------------------------------------------- fields that do not go together

TEST(Combination, StreamNeedsTcpAndDgramNeedsUdp) {
  EXPECT_EQ(only_error("x stream udp nowait root /bin/x"),
            "inetd.conf:1:10: error: protocol \"udp\" does not go with socket type stream "
            "(expected tcp, tcp4, tcp6, tcp46 or unix)");
  EXPECT_EQ(only_error("x dgram tcp6 wait root /bin/x"),
            "inetd.conf:1:9: error: protocol \"tcp6\" does not go with socket type dgram "
            "(expected udp, udp4, udp6, udp46 or unix)");
}

TEST(Combination, SeqpacketNeedsUnixAndRawNeedsIp) {
  EXPECT_EQ(only_error("x seqpacket tcp nowait root /bin/x"),
            "inetd.conf:1:3: error: seqpacket sockets need protocol unix");
  EXPECT_EQ(only_error("/run/x raw unix wait root /bin/x"),
            "inetd.conf:1:8: error: raw sockets need an IP protocol, not unix");
}

TEST(Combination, UnixDgramIsFine) {
  EXPECT_EQ(only_spec("/run/log.sock dgram unix wait root /bin/x").socket_type, SocketType::dgram);
}

// Issue 11, finding 8: a unix datagram answer is sent to a path the client
// picked, resolved at send time; the daemon would send, as root, to any
// socket a local user points a symlink at.
TEST(Combination, UnixDgramBuiltinsThatAnswerAreRefused) {
  EXPECT_EQ(only_error("/run/echo dgram unix wait root internal echo"),
            "inetd.conf:1:11: error: internal service echo over a unix dgram socket is refused: "
            "its answers would go, as root, to a path the client chose (use a stream socket)");
  EXPECT_EQ(only_spec("/run/discard dgram unix wait root internal discard").builtin,
            Builtin::discard);
}

// ---------------------------------------------------------------- missing fields

TEST(Missing, EachMissingFieldIsNamedAtTheEndOfTheEntry) {
  EXPECT_EQ(only_error("echo"),
            "inetd.conf:1:5: error: missing socket type field (expected stream, dgram, raw or "
            "seqpacket); entry has 1 of the 6 required fields");
  EXPECT_EQ(only_error("echo stream"),
            "inetd.conf:1:12: error: missing protocol field (expected tcp, udp, tcp4, udp4, tcp6, "
            "udp6, tcp46, udp46, unix, rpc/tcp or rpc/udp); entry has 2 of the 6 required "
            "fields");
  EXPECT_EQ(only_error("echo stream tcp"),
            "inetd.conf:1:16: error: missing wait/nowait field (expected wait or nowait); entry "
            "has 3 of the 6 required fields");
  EXPECT_EQ(only_error("echo stream tcp nowait"),
            "inetd.conf:1:23: error: missing user field (expected user[:group][/login-class]); "
            "entry has 4 of the 6 required fields");
  EXPECT_EQ(only_error("echo stream tcp nowait root"),
            "inetd.conf:1:28: error: missing server program field (expected an absolute path or "
            "\"internal\"); entry has 5 of the 6 required fields");
}

TEST(Missing, FailedEntryIsNamedSoReloadKeepsTheOldOne) {
  ParseResult result = parse(
      "\n127.0.0.1:ftp stream tpc nowait root /usr/sbin/in.ftpd\n"
      "[::1]:finger stream tcp\n");
  ASSERT_EQ(result.failed.size(), 2u);
  EXPECT_EQ(result.failed[0].line, 2);
  EXPECT_EQ(result.failed[0].service, "ftp");
  EXPECT_EQ(result.failed[0].protocol, "tpc");
  EXPECT_EQ(result.failed[1].line, 3);
  EXPECT_EQ(result.failed[1].service, "finger");
  EXPECT_EQ(result.failed[1].protocol, "tcp");
}

TEST(Missing, ErrorsInSeveralFieldsAreAllReported) {
  ParseResult result = parse("ftp strem tpc nowiat :x in.ftpd\n");
  EXPECT_EQ(result.diagnostics.size(), 5u);
  EXPECT_TRUE(result.services.empty());
  EXPECT_EQ(result.failed.size(), 1u);
}

// ---------------------------------------------------------------- layout: comments, blanks, lines

TEST(Layout, CommentsAndBlankLinesAreSkipped) {
  ParseResult result = parse(
      "# Internet server configuration database\n"
      "\n"
      "#echo stream tcp nowait root internal\n"
      "   \t  \n"
      "daytime stream tcp nowait root internal\n"
      "#<off># netbios-ssn stream tcp nowait root /usr/sbin/tcpd /usr/sbin/smbd\n");
  EXPECT_EQ(messages(result), std::vector<std::string>{});
  ASSERT_EQ(result.services.size(), 1u);
  EXPECT_EQ(result.services[0].line, 5);
}

TEST(Layout, TabsAndSpacesBothSeparateFields) {
  ServiceSpec spec = only_spec("ftp\t\tstream\ttcp  nowait \t root\t/usr/libexec/ftpd\tftpd -l");
  EXPECT_EQ(spec.service, "ftp");
  EXPECT_EQ(spec.user, "root");
  EXPECT_EQ(spec.args, (std::vector<std::string>{"ftpd", "-l"}));
}

TEST(Layout, CrlfLineEndingsAreAccepted) {
  ParseResult result = parse(
      "echo stream tcp nowait root internal\r\n"
      "x stream tcp nowait root /bin/x -a\r\n");
  EXPECT_EQ(messages(result), std::vector<std::string>{});
  ASSERT_EQ(result.services.size(), 2u);
  EXPECT_EQ(result.services[1].args, (std::vector<std::string>{"-a"}));
}

TEST(Layout, LastLineNeedsNoNewline) {
  EXPECT_EQ(only_spec("echo stream tcp nowait root internal").builtin, Builtin::echo);
}

TEST(Layout, LineStartingWithWhitespaceContinuesTheEntryAsInOpenBsd) {
  ParseResult result = parse(
      "git stream tcp nowait nobody /usr/bin/git git daemon\n"
      "\t--inetd --base-path=/srv/git\n"
      "    /srv/git\n"
      "echo stream tcp nowait root internal\n");
  EXPECT_EQ(messages(result), std::vector<std::string>{});
  ASSERT_EQ(result.services.size(), 2u);
  EXPECT_EQ(
      result.services[0].args,
      (std::vector<std::string>{"git", "daemon", "--inetd", "--base-path=/srv/git", "/srv/git"}));
  EXPECT_EQ(result.services[1].line, 4);
}

TEST(Layout, FieldsThemselvesMayBeOnContinuationLines) {
  ServiceSpec spec = only_spec("ftp stream\n tcp nowait\n  root /usr/sbin/in.ftpd\n");
  EXPECT_EQ(spec.protocol, "tcp");
  EXPECT_EQ(spec.protocol_place.line, 2);
  EXPECT_EQ(spec.protocol_place.column, 2);
}

TEST(Layout, ErrorsOnContinuationLinesPointThere) {
  EXPECT_EQ(only_error("ftp stream\n    tpc nowait root /usr/sbin/in.ftpd\n"),
            "inetd.conf:2:5: error: unknown protocol \"tpc\" (expected tcp, udp, tcp4, udp4, "
            "tcp6, udp6, tcp46, udp46, unix, rpc/tcp or rpc/udp)");
}

TEST(Layout, CommentOrBlankLineEndsAnEntry) {
  ParseResult result = parse(
      "x stream tcp nowait root /bin/x a\n"
      "# a comment\n"
      "  y stream tcp nowait root /bin/y\n"
      "\n"
      "  z stream tcp nowait root /bin/z\n");
  EXPECT_EQ(messages(result), std::vector<std::string>{});
  ASSERT_EQ(result.services.size(), 3u);
  EXPECT_EQ(result.services[0].args, (std::vector<std::string>{"a"}));
  EXPECT_EQ(result.services[1].service, "y");
  EXPECT_EQ(result.services[2].service, "z");
}

TEST(Layout, HashInsideALineIsAWordNotAComment) {
  // No inetd strips trailing comments; "#" after the program is an argument.
  ServiceSpec spec = only_spec("x stream tcp nowait root /bin/x x # not a comment");
  EXPECT_EQ(spec.args, (std::vector<std::string>{"x", "#", "not", "a", "comment"}));
}

TEST(Layout, OverlongLineIsRejectedAndTheRestIsRead) {
  std::string text = "echo stream tcp nowait root internal\n";
  text += "x stream tcp nowait root /bin/x " + std::string(kMaxLineLength, 'a') + "\n";
  text += "daytime stream tcp nowait root internal\n";
  ParseResult result = parse(text);
  EXPECT_EQ(messages(result),
            std::vector<std::string>{"inetd.conf:2:4097: error: line is 4128 bytes long, longer "
                                     "than the limit of 4096 bytes; entry skipped"});
  ASSERT_EQ(result.services.size(), 2u);
  EXPECT_EQ(result.services[1].service, "daytime");
  ASSERT_EQ(result.failed.size(), 1u);
  EXPECT_EQ(result.failed[0].line, 2);
}

TEST(Layout, LineOfExactlyTheLimitIsRead) {
  std::string line = "x stream tcp nowait root /bin/x ";
  line += std::string(kMaxLineLength - line.size(), 'a');
  ASSERT_EQ(line.size(), kMaxLineLength);
  EXPECT_EQ(only_spec(line).args.size(), 1u);
}

TEST(Layout, OverlongContinuationLineDropsTheWholeEntry) {
  // Running the server with some arguments silently missing would be worse
  // than not running it.
  std::string text = "x stream tcp nowait root /bin/x -a\n";
  text += " " + std::string(kMaxLineLength + 10, 'b') + "\n";
  text += " -c\n";
  text += "echo stream tcp nowait root internal\n";
  ParseResult result = parse(text);
  EXPECT_EQ(result.diagnostics.size(), 1u);
  ASSERT_EQ(result.services.size(), 1u);
  EXPECT_EQ(result.services[0].service, "echo");
  ASSERT_EQ(result.failed.size(), 1u);
  EXPECT_EQ(result.failed[0].service, "x");
  EXPECT_EQ(result.failed[0].protocol, "tcp");
}

TEST(Layout, OverlongFirstLineTakesItsContinuationLinesWithIt) {
  std::string text = std::string(kMaxLineLength + 1, 'z') + "\n";
  text += "  stream tcp nowait root /bin/x\n";
  text += "echo stream tcp nowait root internal\n";
  ParseResult result = parse(text);
  EXPECT_EQ(result.diagnostics.size(), 1u);
  ASSERT_EQ(result.services.size(), 1u);
  EXPECT_EQ(result.services[0].service, "echo");
}

TEST(Layout, NulByteIsRejectedWithoutCrashingAndTheRestIsRead) {
  std::string text = "echo stream tcp nowait root internal\n";
  text += std::string("x stream tcp no\0wait root /bin/x\n", 33);
  text += "daytime stream tcp nowait root internal\n";
  ParseResult result = parse(text);
  EXPECT_EQ(messages(result),
            std::vector<std::string>{"inetd.conf:2:16: error: NUL byte in line (is this a text "
                                     "file?); entry skipped"});
  EXPECT_EQ(result.services.size(), 2u);
}

TEST(Layout, BinaryGarbageGivesErrorsNotServices) {
  std::string text;
  for (int i = 0; i < 512; ++i) text += static_cast<char>((i * 37) & 0xff);
  ParseResult result = parse(text);
  EXPECT_TRUE(result.services.empty());
  EXPECT_FALSE(result.diagnostics.empty());
}

TEST(Layout, Utf8ByteOrderMarkIsSkipped) {
  EXPECT_EQ(only_spec("\xEF\xBB\xBF"
                      "echo stream tcp nowait root internal")
                .service,
            "echo");
}

TEST(Layout, EmptyFileHasNoServicesAndNoDiagnostics) {
  ParseResult result = parse("");
  EXPECT_TRUE(result.services.empty());
  EXPECT_TRUE(result.diagnostics.empty());
  EXPECT_TRUE(parse("\n\n# only comments\n").services.empty());
}

// ---------------------------------------------------------------- a bad line never stops the good

TEST(Resilience, EveryGoodEntryIsKeptAndEveryBadOneReported) {
  ParseResult result = parse(
      "echo stream tcp nowait root internal\n"
      "ftp stream tpc nowait root /usr/sbin/in.ftpd\n"
      "daytime stream tcp nowait root internal\n"
      "finger stream tcp nowiat nobody /usr/sbin/in.fingerd\n"
      "time dgram udp wait root internal\n"
      "0 stream tcp nowait root /bin/x\n"
      "telnet stream tcp nowait root telnetd\n"
      "chargen stream tcp nowait root internal\n"
      "bogus\n"
      "discard dgram udp wait root internal\n"
      "tcpmux/ stream tcp nowait root /bin/x\n"
      "tcpmux/+hello stream tcp nowait root /usr/bin/hello\n");
  EXPECT_EQ(result.services.size(), 6u);
  EXPECT_EQ(result.diagnostics.size(), 6u);
  EXPECT_EQ(result.failed.size(), 6u);
  std::vector<int> failed_lines;
  for (const auto& f : result.failed) failed_lines.push_back(f.line);
  EXPECT_EQ(failed_lines, (std::vector<int>{2, 4, 6, 7, 9, 11}));
}

TEST(Resilience, EveryDiagnosticNamesFileLineAndColumn) {
  ParseResult result = parse(read_data("broken.conf"));
  ASSERT_GE(result.diagnostics.size(), 10u);
  for (const auto& d : result.diagnostics) {
    EXPECT_EQ(d.file, "inetd.conf");
    EXPECT_GT(d.line, 0) << d.format();
    EXPECT_GT(d.column, 0) << d.format();
  }
}

TEST(Resilience, BrokenSampleKeepsItsGoodEntries) {
  ParseResult result = parse(read_data("broken.conf"));
  std::vector<std::string> names;
  for (const auto& spec : result.services) names.push_back(spec.display_name());
  EXPECT_EQ(names, (std::vector<std::string>{"echo/tcp", "daytime/tcp", "time/udp", "tftp/udp"}));
}

// ---------------------------------------------------------------- real lines

TEST(RealLines, DebianTftpdHpa) {
  ServiceSpec spec = only_spec(
      "tftp\t\tdgram\tudp\twait\troot\t/usr/sbin/in.tftpd /usr/sbin/in.tftpd -s /srv/tftp");
  EXPECT_EQ(spec.service, "tftp");
  EXPECT_EQ(spec.wait_mode, WaitMode::wait);
  EXPECT_EQ(spec.family, FamilyRule::both);
  spec = only_spec(
      "tftp\tdgram\tudp4\twait\troot\t/usr/sbin/in.tftpd /usr/sbin/in.tftpd -s /srv/tftp");
  EXPECT_EQ(spec.family, FamilyRule::v4);
}

TEST(RealLines, FingerThroughTcpd) {
  ServiceSpec spec =
      only_spec("finger\tstream\ttcp\tnowait\tnobody\t/usr/sbin/tcpd\t/usr/sbin/in.fingerd");
  EXPECT_EQ(spec.program, "/usr/sbin/tcpd");
  EXPECT_EQ(spec.args, std::vector<std::string>{"/usr/sbin/in.fingerd"});
  EXPECT_EQ(spec.user, "nobody");
}

TEST(RealLines, SambaSwatWithARate) {
  ServiceSpec spec =
      only_spec("swat\tstream\ttcp\tnowait.400\troot\t/usr/sbin/tcpd\t/usr/sbin/swat");
  EXPECT_EQ(spec.max_per_minute, 400u);
  EXPECT_EQ(spec.args, std::vector<std::string>{"/usr/sbin/swat"});
}

TEST(RealLines, GitDaemon) {
  ServiceSpec spec = only_spec(
      "git stream tcp nowait nobody /usr/bin/git git daemon --inetd --base-path=/srv/git /srv/git");
  EXPECT_EQ(spec.program, "/usr/bin/git");
  EXPECT_EQ(spec.args, (std::vector<std::string>{"git", "daemon", "--inetd", "--base-path=/srv/git",
                                                 "/srv/git"}));
}

TEST(RealLines, RsyncDaemon) {
  ServiceSpec spec = only_spec("rsync\tstream\ttcp\tnowait\troot\t/usr/bin/rsync\trsyncd --daemon");
  EXPECT_EQ(spec.args, (std::vector<std::string>{"rsyncd", "--daemon"}));
}

TEST(RealLines, IdentdIsAStreamWaitServer) {
  ServiceSpec spec = only_spec("ident\tstream\ttcp\twait\tidentd\t/usr/sbin/identd\tidentd");
  EXPECT_EQ(spec.socket_type, SocketType::stream);
  EXPECT_EQ(spec.wait_mode, WaitMode::wait);
  EXPECT_EQ(spec.user, "identd");
}

TEST(RealLines, FreeBsdDefaultsWithEverythingEnabled) {
  ParseResult result = parse(read_data("freebsd-inetd.conf"));
  std::vector<std::string> names;
  for (const auto& spec : result.services) names.push_back(spec.display_name());
  // FreeBSD's "auth" builtin (RFC 1413) is not one of ninetd's.
  EXPECT_EQ(
      messages(result),
      std::vector<std::string>{
          "inetd.conf:31:29: error: unknown internal service \"auth\" (expected echo, "
          "discard, chargen, daytime, time, tcpmux, metrics or sensor; for a port number, give the "
          "builtin's "
          "name after \"internal\")"});
  EXPECT_EQ(names,
            (std::vector<std::string>{
                "ftp/tcp",     "ftp/tcp6",    "ssh/tcp",          "ssh/tcp6",    "telnet/tcp",
                "telnet/tcp6", "finger/tcp",  "finger/tcp6",      "comsat/udp",  "ntalk/udp",
                "tftp/udp",    "tftp/udp6",   "bootps/udp",       "echo/tcp",    "echo/tcp6",
                "echo/udp",    "discard/tcp", "discard/udp",      "chargen/tcp", "daytime/tcp",
                "time/tcp",    "tcpmux/tcp",  "tcpmux/+hello/tcp"}));
}

TEST(RealLines, OpenBsdExampleFile) {
  ParseResult result = parse(read_data("openbsd-inetd.conf"));
  EXPECT_EQ(messages(result), std::vector<std::string>{});
  ASSERT_EQ(result.services.size(), 6u);
  EXPECT_EQ(result.services[0].host, "127.0.0.1");
  EXPECT_EQ(result.services[1].host, "::1");
  EXPECT_EQ(result.services[1].family, FamilyRule::v6_only);
}

TEST(RealLines, DebianFileWrittenByUpdateInetd) {
  ParseResult result = parse(read_data("debian-inetd.conf"));
  EXPECT_EQ(messages(result), std::vector<std::string>{});
  std::vector<std::string> names;
  for (const auto& spec : result.services) names.push_back(spec.display_name());
  EXPECT_EQ(names, (std::vector<std::string>{"ident/tcp", "finger/tcp", "tftp/udp", "swat/tcp",
                                             "git/tcp", "rsync/tcp"}));
}

}  // namespace
}  // namespace ninetd::config

namespace ninetd::config {
namespace {

// A diagnostic quotes the file's own bytes: shown, they are escaped and cut,
// so a binary or hostile file cannot put control bytes or megabytes in a log.
TEST(DiagnosticShown, QuotedBytesAreEscapedAndLongMessagesCut) {
  Diagnostic d{"f.conf", 1, 1, Severity::error, "unknown protocol \"t\x1b[2K\ncp\""};
  EXPECT_EQ(d.format(), "f.conf:1:1: error: unknown protocol \"t\\x1b[2K\\x0acp\"");
  Diagnostic big{"f.conf", 1, 1, Severity::error, std::string(100000, 'a')};
  EXPECT_EQ(big.shown_message().size(), Diagnostic::kMaxShown + 3);
}

}  // namespace
}  // namespace ninetd::config
