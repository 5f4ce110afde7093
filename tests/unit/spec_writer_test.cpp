// config/spec_writer and config/conversion: a spec written back as ninetd
// configuration reads into the same spec. Each xinetd attribute ninetd maps
// is converted and read back; so is every stock file of tests/data, and a
// stream of generated xinetd services (a property test, fixed seed).
#include "config/spec_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "config/conversion.h"
#include "config/key_values.h"
#include "config/parser.h"
#include "config/xinetd/parser.h"
#include "fake_config_source.h"
#include "parse_helpers.h"
#include "spec_compare.h"

namespace ninetd::config {
namespace {

using Strings = std::vector<std::string>;
using testing::spec_differences;

// Every spec of `original` (served, then switched off) written alone and
// read back by the inetd.conf parser: no diagnostic, the same spec.
void expect_round_trip(const ParseResult& original, const std::string& context) {
  auto check = [&](const ServiceSpec& spec, bool off) {
    WrittenSpec written = write_spec(spec, off);
    ASSERT_FALSE(written.text.empty()) << context << ": " << written.problem;
    ParseResult back = parse_config(written.text, "written.conf");
    EXPECT_EQ(parse_test::messages(back), Strings{}) << context << "\n" << written.text;
    const auto& list = off ? back.switched_off : std::vector<SwitchedOff>{};
    std::size_t count = off ? list.size() : back.services.size();
    ASSERT_EQ(count, 1u) << context << "\n" << written.text;
    const ServiceSpec& read = off ? list.front().spec : back.services.front();
    EXPECT_EQ(spec_differences(spec, read), Strings{}) << context << "\n" << written.text;
  };
  for (const ServiceSpec& spec : original.services) check(spec, false);
  for (const SwitchedOff& off : original.switched_off) check(off.spec, true);
}

ParseResult parse_xinetd(const std::string& text) {
  return xinetd::parse_xinetd_config(text, "xinetd.conf");
}

bool has_error(const ParseResult& result) {
  return has_errors(result.diagnostics);
}

std::string block(const std::string& name, const std::string& body) {
  return "service " + name + "\n{\n" + body + "}\n";
}

constexpr const char* kCat =
    "  type = UNLISTED\n  port = 4000\n  socket_type = stream\n  wait = no\n  user = nobody\n"
    "  server = /bin/cat\n";

TEST(QuoteValue, BareWhenTheScannerReadsItSo) {
  EXPECT_EQ(quote_value("127.0.0.0/8"), "127.0.0.0/8");
  EXPECT_EQ(quote_value("-u"), "-u");
  EXPECT_EQ(quote_value(""), "\"\"");
  EXPECT_EQ(quote_value("a b"), "\"a b\"");
  EXPECT_EQ(quote_value("a,b"), "\"a,b\"");
  EXPECT_EQ(quote_value("a;b#c"), "\"a;b#c\"");
  EXPECT_EQ(quote_value("it's"), "\"it's\"");
  EXPECT_EQ(quote_value("say \"x\"\\"), "\"say \\\"x\\\"\\\\\"");
  EXPECT_EQ(quote_value("\t\n\r\x01\x7f"), "\"\\t\\n\\r\\x01\\x7f\"");
}

TEST(QuoteValue, ReadsBackAsWritten) {
  std::string every;
  for (int c = 1; c < 256; ++c) every += static_cast<char>(c);
  std::string text =
      "echo on protocol = tcp, wait = no, user = root, exec = /bin/echo, args = echo " +
      quote_value(every) + " " + quote_value("") + ";\n";
  ServiceSpec spec = parse_test::only_spec(text);
  EXPECT_EQ(spec.args, (Strings{"echo", every, ""}));
}

TEST(CommentText, StaysOneLine) {
  EXPECT_EQ(comment_text("a\nb\x1b[1m"), "a\\x0ab\\x1b[1m");
}

TEST(SpecWriter, ClassicLineWhenTheClassicFieldsCarryIt) {
  ServiceSpec spec = parse_test::only_spec(
      "127.0.0.1:4000 stream,5:dataready tcp4,sndbuf=8192,rcvbuf=4096 nowait.120 "
      "nobody:nogroup/daemon /bin/cat cat -u\n");
  EXPECT_EQ(write_spec(spec).text,
            "127.0.0.1:4000\tstream,5:dataready\ttcp4,sndbuf=8192,rcvbuf=4096\tnowait.120\t"
            "nobody:nogroup/daemon\t/bin/cat cat -u\n");
  ServiceSpec limits = parse_test::only_spec("[::1]:echo stream tcp6 nowait/0/0/3 root internal\n");
  EXPECT_EQ(write_spec(limits).text, "[::1]:echo\tstream\ttcp6\tnowait/0/0/3\troot\tinternal\n");
}

TEST(SpecWriter, KeyValuesWhenTheClassicFieldsCannot) {
  ServiceSpec spec = parse_test::only_spec(
      "4000 on protocol = tcp, wait = no, user = first.last, allow = 10.0.0.0/8 ::1, "
      "rate = 60, per_ip_rate = 5, exec = /bin/cat, args = cat 'a b';\n");
  EXPECT_EQ(write_spec(spec).text,
            "4000 on\n\tprotocol = tcp,\n\tsocktype = stream,\n\twait = no,\n\trate = 60,\n"
            "\tper_ip_rate = 5,\n\tallow = 10.0.0.0/8 ::1,\n\tuser = first.last,\n"
            "\texec = /bin/cat,\n\targs = cat \"a b\";\n");
}

// Names the reader would read otherwise are not written (found by the fuzzer):
// a byte-order mark first, which a file's first entry loses, and a "." first,
// which begins a directive.
TEST(SpecWriter, AServiceWordTheReaderWouldChangeIsNotWritten) {
  ParseResult original = parse_xinetd(block(
      "fwd",
      "  type = UNLISTED\n  port = 4000\n  socket_type = stream\n  redirect = 127.0.0.1 8000\n"));
  ASSERT_EQ(original.services.size(), 1u);
  for (const char* label : {"\xEF\xBB\xBFtime", ".inger"}) {
    ServiceSpec spec = original.services[0];
    spec.label = label;
    WrittenSpec written = write_spec(spec);
    EXPECT_EQ(written.text, "") << label;
    EXPECT_NE(written.problem, "") << label;
  }
}

// A redirecting service runs no program: no exec (the reader would take one
// as a contradiction), and the user the reader defaults to.
TEST(SpecWriter, ARedirectIsAKeyValueEntryWithoutExec) {
  ParseResult original = parse_xinetd(block(
      "fwd", "  type = UNLISTED\n  port = 4000\n  socket_type = stream\n  redirect = [::1] 25\n"));
  ASSERT_EQ(original.services.size(), 1u);
  EXPECT_EQ(classic_line(original.services[0]), std::nullopt);
  EXPECT_EQ(write_spec(original.services[0]).text,
            "fwd on\n\tprotocol = tcp,\n\tport = 4000,\n\tsocktype = stream,\n\twait = no,\n"
            "\tuser = root,\n\tredirect = ::1 25;\n");
  expect_round_trip(original, "redirect");
}

TEST(SpecWriter, ASensorKeepsItsDenyTime) {
  ParseResult original =
      parse_xinetd(block("ftp",
                         "  type = UNLISTED\n  port = 2121\n  socket_type = stream\n  wait = no\n"
                         "  flags = SENSOR\n  deny_time = FOREVER\n"));
  ASSERT_EQ(original.services.size(), 1u);
  EXPECT_EQ(original.services[0].builtin, Builtin::sensor);
  expect_round_trip(original, "sensor");
  original = parse_config("2121 stream tcp nowait root internal sensor 30\n", "inetd.conf");
  EXPECT_EQ(classic_line(original.services[0]),
            "2121\tstream\ttcp\tnowait\troot\tinternal sensor 30\n");
  expect_round_trip(original, "classic sensor");
}

TEST(SpecWriter, ALongListGoesOnOverLines) {
  std::string allow;
  for (int i = 0; i < 300; ++i)
    allow += " 10." + std::to_string(i % 250) + ".0." + std::to_string(i / 250 + 1);
  ParseResult original = parse_config(
      "4000 on protocol = tcp, wait = no, user = nobody, exec = /bin/cat, allow =" + allow + ";\n",
      "in.conf");
  ASSERT_EQ(original.services.size(), 1u);
  std::string text = write_spec(original.services[0]).text;
  for (const auto& line : std::vector<std::string>{text})
    EXPECT_GT(std::count(line.begin(), line.end(), '\n'), 10);
  expect_round_trip(original, "long allow list");
}

TEST(SpecWriter, WhatNoFormCarriesIsAProblem) {
  ServiceSpec spec = parse_test::only_spec("echo stream tcp nowait root internal\n");
  spec.service = "ec ho";
  WrittenSpec written = write_spec(spec);
  EXPECT_EQ(written.text, "");
  EXPECT_EQ(written.problem, "the service name \"ec ho\" cannot be written as a ninetd entry");
}

// The writer's rows are kKeys' keys; a key with no row is one of NetBSD's
// second names for a row's setting, or sets nothing in the spec.
// The writers are the key table's write column: only the keys that merely
// spell another key's setting are left without one.
TEST(SpecWriter, EveryKeyHasARow) {
  std::set<std::string_view> rows;
  for (const KeyWriter& row : key_writers()) rows.insert(row.key);
  std::set<std::string_view> keys;
  for (const KeyDescription& key : key_descriptions()) keys.insert(key.name);
  for (std::string_view row : rows) EXPECT_TRUE(keys.contains(row)) << row;
  std::set<std::string_view> unwritten;
  for (std::string_view key : keys)
    if (!rows.contains(key)) unwritten.insert(key);
  EXPECT_EQ(unwritten,
            (std::set<std::string_view>{"accept_max", "service_max", "ip_max", "ipsec"}));
}

// A spec with every setting the key=value form has, written and read back.
TEST(SpecWriter, EverySettingRoundTrips) {
  ParseResult original = parse_config(
      "[::1]:4000 on protocol = tcp6, socktype = stream, acceptfilter = dataready,\n"
      "  sndbuf = 16k, recvbuf = 8192, wait = yes, max_child = 3, rate = 30,\n"
      "  max_child_per_ip = 2, user = nobody, group = nogroup,\n"
      "  login_class = daemon, exec = /usr/sbin/srv, args = srv -x, listen_fds = yes;\n"
      "4001 on protocol = udp, wait = no, user = a.b, allow =, deny = ::/0 10.0.0.0/8,\n"
      "  per_ip_rate = 9, exec = /bin/x;\n"
      "tcpmux/+Svc on protocol = tcp, wait = no, user = nobody, exec = /bin/cat;\n"
      "rusersd/2-3 on protocol = rpc/udp, socktype = dgram, wait = yes, user = root,\n"
      "  exec = /usr/sbin/rpc.rusersd;\n"
      "/run/x.sock on protocol = unix, socktype = seqpacket, wait = no, user = root,\n"
      "  exec = /bin/cat;\n"
      "4002 on protocol = tcp, wait = no, user = nobody, exec = /bin/cat,\n"
      "  banner = /etc/issue, banner_success = \"/srv/a b\", banner_fail = /srv/f,\n"
      "  access_times = 8:00-12:30 22:00-6:00, max_load = 0.75,\n"
      "  env = A=1 \"B=x y\", passenv = PATH, nice = 5, umask = 022,\n"
      "  rlimit_as = 1M, rlimit_cpu = UNLIMITED, rlimit_data = 4096, rlimit_rss = 2k,\n"
      "  rlimit_stack = 8M, rlimit_files = 64, groups = no, libwrap = in.x,\n"
      "  log_on_success = PID HOST EXIT DURATION, log_on_failure = HOST ATTEMPT,\n"
      "  log_type = FILE /var/log/x 1M 2M;\n"
      "4003 on protocol = tcp46, user = nobody, redirect = 192.0.2.7 smtp,\n"
      "  log_type = SYSLOG local7 err;\n",
      "in.conf");
  EXPECT_EQ(parse_test::messages(original), Strings{});
  ASSERT_EQ(original.services.size(), 7u);
  expect_round_trip(original, "every setting");
}

// Each attribute ninetd maps, alone or with what it needs, converted and
// read back.
TEST(SpecWriterXinetd, EveryMappedAttributeRoundTrips) {
  const std::vector<std::string> texts{
      block("cat", kCat),
      block("cat", std::string(kCat) + "  group = nogroup\n"),
      block("cat", std::string(kCat) + "  server_args = -u 'a b' x,y z;w #v \\\\\n"),
      block("cat", std::string(kCat) + "  bind = 127.0.0.1\n"),
      block("cat", std::string(kCat) + "  interface = ::1\n  flags = IPv6\n"),
      block("cat", std::string(kCat) + "  flags = IPv4 REUSE\n"),
      block("cat", std::string(kCat) + "  flags = IPv6\n  v6only = yes\n"),
      block("cat", std::string(kCat) + "  instances = 10\n"),
      block("cat", std::string(kCat) + "  per_source = 2\n"),
      block("cat", std::string(kCat) + "  instances = UNLIMITED\n  per_source = UNLIMITED\n"),
      block("cat", std::string(kCat) + "  cps = 5 10\n"),
      block("cat", std::string(kCat) + "  cps = 5 10\n  instances = 3\n"),
      block("cat", std::string(kCat) + "  cps = 5 10\n  instances = 3\n  per_source = 1\n"),
      block("cat", std::string(kCat) + "  only_from = 127.0.0.1 10.0.{1,2} ::1/128\n"),
      block("cat", std::string(kCat) + "  no_access = 192.0.2.0/25 2001:db8::\n"),
      block("cat", std::string(kCat) + "  only_from =\n"),
      block("cat", std::string(kCat) + "  only_from = 0.0.0.0\n  no_access = 127.0.0.2\n"),
      block("cat", std::string(kCat) + "  disable = yes\n"),
      block("cat", std::string(kCat) + "  id = other\n"),
      block("svc",
            "  type = TCPMUX\n  socket_type = stream\n  wait = no\n  user = nobody\n"
            "  server = /bin/cat\n"),
      block("svc",
            "  type = TCPMUXPLUS\n  socket_type = stream\n  wait = no\n  user = nobody\n"
            "  server = /bin/cat\n"),
      block("cat",
            "  type = UNLISTED\n  port = 4000\n  socket_type = dgram\n  protocol = udp\n"
            "  wait = yes\n  user = nobody\n  server = /bin/cat\n"),
      block("cat",
            "  type = UNLISTED\n  port = 4000\n  socket_type = stream\n  wait = no\n"
            "  user = nobody\n  server = /bin/busybox\n  flags = NAMEINARGS\n"
            "  server_args = cat -u\n"),
      block("echo", "  type = INTERNAL\n  socket_type = stream\n  wait = no\n"),
      block("echo",
            "  type = INTERNAL UNLISTED\n  port = 4007\n  socket_type = dgram\n"
            "  wait = yes\n"),
      block("chargen",
            "  type = INTERNAL\n  socket_type = stream\n  protocol = tcp\n"
            "  user = root\n  wait = no\n  bind = 127.0.0.1\n  only_from = 127.0.0.1\n"),
      "defaults\n{\n  instances = 7\n  only_from = 127.0.0.0\n  bind = 127.0.0.1\n}\n" +
          block("cat", kCat),
      "defaults\n{\n  enabled = cat\n}\n" + block("cat", kCat),
      "defaults\n{\n  enabled = other\n}\n" + block("cat", kCat),
      "defaults\n{\n  disabled = cat\n}\n" + block("cat", kCat),
      block("cat", std::string(kCat) + "  banner = /etc/issue.net\n"),
      block("cat", std::string(kCat) + "  banner_success = /srv/it's#1\n"),
      block("cat", std::string(kCat) + "  banner_fail = /srv/no,more\n"),
      block("cat", std::string(kCat) + "  access_times = 8:00-12:30 14:05-17:00\n"),
      block("cat", std::string(kCat) + "  access_times = 22:00-6:00 0:00-23:59\n"),
      block("cat", std::string(kCat) + "  access_times = 23:59-0:00\n"),
      block("cat", std::string(kCat) + "  max_load = 2.5\n"),
      block("cat", std::string(kCat) + "  max_load = 10000\n"),
      block("cat", std::string(kCat) + "  env = A=1 B='q' C= D=x,y;z\\\n"),
      block("cat", std::string(kCat) + "  passenv = PATH TZ\n"),
      block("cat", std::string(kCat) + "  nice = -5\n"),
      block("cat", std::string(kCat) + "  nice = 19\n  umask = 0\n"),
      block("cat", std::string(kCat) + "  umask = 027\n"),
      block("cat", std::string(kCat) + "  groups = no\n  libwrap = in.catd\n"),
      block("cat", std::string(kCat) + "  groups = yes\n"),
      block("cat", std::string(kCat) +
                       "  rlimit_as = 64M\n  rlimit_cpu = 30\n  rlimit_data = UNLIMITED\n"
                       "  rlimit_rss = 3K\n  rlimit_stack = 8193\n  rlimit_files = 1024\n"),
      block("cat", std::string(kCat) + "  log_on_success = PID HOST EXIT DURATION\n"),
      block("cat", std::string(kCat) + "  log_on_failure = HOST ATTEMPT\n"),
      block("cat", std::string(kCat) + "  log_type = SYSLOG local3 debug\n"),
      block("cat", std::string(kCat) + "  log_type = SYSLOG authpriv\n"),
      block("cat", std::string(kCat) + "  log_type = FILE /var/log/cat.log\n"),
      block("cat", std::string(kCat) + "  log_type = FILE /var/log/cat.log 0\n"),
      block("cat", std::string(kCat) + "  log_type = FILE /var/log/cat.log 1000000\n"),
      block("cat", std::string(kCat) + "  log_type = FILE /var/log/cat.log 5M 6000K\n"),
      block("cat", std::string(kCat) + "  log_type = FILE /l 999999999999999 999999999999999\n"),
      block("cat", std::string(kCat) + "  log_type = FILE /l 999999999999999K\n"),
      "defaults\n{\n  log_type = SYSLOG daemon\n  log_on_success += PID\n  umask = 022\n"
      "  env = X=1\n}\n" +
          block("cat", std::string(kCat) + "  log_on_success += HOST\n  env += Y=2\n"),
      block("fwd",
            "  type = UNLISTED\n  port = 4000\n  socket_type = stream\n"
            "  redirect = 192.0.2.1 25\n"),
      block("fwd",
            "  type = UNLISTED\n  port = 4000\n  socket_type = stream\n  wait = no\n"
            "  user = nobody\n  redirect = [::1] smtp\n  only_from = 127.0.0.1\n"
            "  banner = /etc/issue\n  log_on_success = HOST\n"),
      block("fwd",
            "  type = UNLISTED\n  port = 4000\n  socket_type = stream\n"
            "  redirect = mail.example.org 2525\n  disable = yes\n"),
  };
  for (const std::string& text : texts) {
    ParseResult original = parse_xinetd(text);
    ASSERT_FALSE(has_error(original)) << text;
    ASSERT_EQ(original.services.size() + original.switched_off.size(), 1u) << text;
    expect_round_trip(original, text);
  }
}

TEST(SpecWriterXinetd, ANotAppliedAttributeIsANoteAndAComment) {
  ParseResult original = parse_xinetd(
      "defaults\n{\n  mdns = no\n}\n" +
      block("cat", std::string(kCat) + "  groups = yes\n  flags = IDONLY\n  cps = 2 9\n"));
  ASSERT_EQ(original.services.size(), 1u);
  TreeResult tree;
  tree.files = {"xinetd.conf"};
  tree.services = original.services;
  Conversion converted = write_conversion(tree);
  EXPECT_TRUE(converted.problems.empty());
  for (const char* text :
       {"# xinetd.conf:5: cat/tcp\n",
        "# xinetd.conf:3: mdns = no (from defaults) is not supported by ninetd yet; not "
        "applied\n",
        "# xinetd.conf:14: flag IDONLY is not supported by ninetd; it is ignored\n",
        "# xinetd.conf:15: cps = 2 9 became rate = 120 (launches a minute); ninetd holds the "
        "clients over it in the backlog instead of refusing them for 9 s\n",
        "cat on\n\tprotocol = tcp,\n\tport = 4000,\n"})
    EXPECT_NE(converted.text.find(text), std::string::npos) << text << "\n" << converted.text;
}

TEST(Conversion, SwitchedOffEntriesKeepTheirPlace) {
  std::string text = block("a", std::string(kCat)) +
                     block("echo",
                           "  type = INTERNAL\n  socket_type = "
                           "stream\n  wait = no\n  disable = yes\n") +
                     block("b",
                           "  type = UNLISTED\n  port = 4001\n  socket_type = stream\n"
                           "  wait = no\n  user = nobody\n  server = /bin/cat\n");
  FakeSource source;
  source.files["/etc/xinetd.conf"] = text;
  TreeResult tree = parse_config_tree("/etc/xinetd.conf", "", source, Syntax::xinetd);
  ASSERT_EQ(tree.services.size(), 2u);
  ASSERT_EQ(tree.switched_off.size(), 1u);
  EXPECT_EQ(tree.switched_off[0].position, 1u);
  std::string out = write_conversion(tree).text;
  auto at = [&out](const char* what) { return out.find(what); };
  EXPECT_LT(at("\na on\n"), at("\necho off\n"));
  EXPECT_LT(at("\necho off\n"), at("\nb on\n"));
  ParseResult back = parse_config(out, "out.conf");
  EXPECT_EQ(parse_test::messages(back), Strings{}) << out;
  EXPECT_EQ(back.services.size(), 2u);
  EXPECT_EQ(back.switched_off.size(), 1u);
}

std::vector<std::filesystem::path> data_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
    if (entry.is_regular_file()) out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

// Every file of tests/data: read in its language, every spec it gives (and
// with xinetd's services switched on, those too) written and read back.
TEST(SpecWriterData, EveryStockFileRoundTrips) {
  std::size_t specs = 0;
  for (const auto& path : data_files(parse_test::source_root() / "tests" / "data")) {
    std::string text = parse_test::read_file(path);
    bool xinetd = xinetd::looks_like_xinetd(text);
    std::vector<std::string> variants{text};
    if (xinetd)
      variants.push_back(
          std::regex_replace(text, std::regex("disable(\\s*)= yes"), "disable$1= no"));
    for (const std::string& variant : variants) {
      ParseResult original = xinetd ? xinetd::parse_xinetd_config(variant, path.string())
                                    : parse_config(variant, path.string());
      specs += original.services.size() + original.switched_off.size();
      expect_round_trip(original, path.string());
    }
  }
  EXPECT_GT(specs, 50u);
}

// Generated xinetd services: any that reads without error reads back the same.
TEST(SpecWriterProperty, GeneratedXinetdServicesRoundTrip) {
  const std::vector<std::vector<std::string>> kPools{
      {"", "  type = UNLISTED\n", "  type = INTERNAL\n", "  type = TCPMUX\n",
       "  type = TCPMUXPLUS\n", "  type = INTERNAL UNLISTED\n"},
      {"  socket_type = stream\n", "  socket_type = dgram\n", "  socket_type = raw\n"},
      {"", "  protocol = tcp\n", "  protocol = udp\n"},
      {"  wait = no\n", "  wait = yes\n"},
      {"", "  user = nobody\n", "  user = first.last\n"},
      {"", "  group = nogroup\n", "  group = a.b\n"},
      {"  server = /bin/cat\n", "  server = /usr/sbin/in.x y\n", ""},
      {"", "  server_args = -a -b\n", "  server_args = 'q' \"r\" s,t u;v\n", "  server_args =\n"},
      {"", "  port = 4000\n", "  port = 7\n"},
      {"", "  bind = 127.0.0.1\n", "  bind = ::1\n", "  interface = localhost\n"},
      {"", "  flags = IPv4\n", "  flags = IPv6\n", "  flags = NAMEINARGS\n",
       "  flags = IPv6 IPv4\n"},
      {"", "  v6only = yes\n", "  v6only = no\n"},
      {"", "  instances = 4\n", "  instances = UNLIMITED\n"},
      {"", "  per_source = 2\n"},
      {"", "  cps = 3 5\n"},
      {"", "  only_from = 127.0.0.1 10.1.0.0\n", "  only_from =\n"},
      {"", "  no_access = 127.0.0.2 ::1\n"},
      {"", "  disable = yes\n"},
      {"", "", "  redirect = 127.0.0.1 25\n", "  redirect = [::1] smtp\n"},
      {"", "  env = A=1 B=x,y;z\n", "  passenv = PATH TZ\n"},
      {"", "  umask = 022\n", "  nice = -3\n", "  rlimit_as = 1M\n  rlimit_cpu = UNLIMITED\n"},
      {"", "  groups = no\n", "  groups = yes\n"},
      {"", "  banner = /etc/issue\n", "  banner_success = /a\n  banner_fail = /b\n"},
      {"", "  access_times = 22:00-2:00 8:00-9:30\n", "  max_load = 1.5\n"},
      {"", "  log_on_success = PID EXIT DURATION\n", "  log_on_failure = HOST ATTEMPT\n"},
      {"", "  log_type = FILE /var/log/x 1K\n", "  log_type = SYSLOG local0 err\n"},
  };
  const std::vector<std::string> kNames{"echo", "daytime", "cat", "tftp", "chargen"};
  std::mt19937 random(15);
  std::size_t read = 0;
  std::size_t redirects = 0;
  for (int i = 0; i < 6000; ++i) {
    std::string body;
    for (const auto& pool : kPools) body += pool[random() % pool.size()];
    std::string text = block(kNames[random() % kNames.size()], body);
    ParseResult original = parse_xinetd(text);
    if (has_error(original)) continue;
    read += original.services.size() + original.switched_off.size();
    for (const ServiceSpec& spec : original.services) redirects += spec.redirect ? 1 : 0;
    expect_round_trip(original, text);
    if (::testing::Test::HasFailure()) break;
  }
  EXPECT_GT(read, 200u);
  EXPECT_GT(redirects, 10u);
}

}  // namespace
}  // namespace ninetd::config
