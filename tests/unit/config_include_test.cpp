// Includes: the ".include" line, which names a directory's files are read
// and in what order, and a whole tree of files read through a fake source
// (loops, depth, missing files, the drop-in directory).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "config/config_tree.h"
#include "config/include.h"
#include "config/parser.h"
#include "fake_config_source.h"

namespace ninetd::config {
namespace {

std::vector<std::string> messages(const std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> out;
  for (const auto& d : diagnostics) out.push_back(d.format());
  return out;
}

// ---------------------------------------------------------------- the .include line

TEST(IncludeLine, NamesOnePathAtItsPlaceAmongTheServices) {
  ParseResult r = parse_config(
      "echo stream tcp nowait root internal\n"
      ".include  extra.conf\n"
      "discard stream tcp nowait root internal\n",
      "inetd.conf");
  EXPECT_EQ(messages(r.diagnostics), std::vector<std::string>{});
  ASSERT_EQ(r.includes.size(), 1u);
  EXPECT_EQ(r.includes[0].path, "extra.conf");
  EXPECT_EQ(r.includes[0].line, 2);
  EXPECT_EQ(r.includes[0].column, 11);
  EXPECT_EQ(r.includes[0].position, 1u);  // after echo, before discard
  EXPECT_EQ(r.services.size(), 2u);
  EXPECT_TRUE(r.failed.empty());
}

TEST(IncludeLine, WithoutAPathIsAnError) {
  ParseResult r = parse_config(".include\n", "inetd.conf");
  EXPECT_TRUE(r.includes.empty());
  EXPECT_EQ(messages(r.diagnostics),
            std::vector<std::string>{"inetd.conf:1:9: error: .include needs a file name or a "
                                     "pattern such as DIR/*.conf"});
  EXPECT_TRUE(r.failed.empty());  // no service to keep
}

TEST(IncludeLine, WithTwoPathsIsAnError) {
  ParseResult r = parse_config(".include a.conf b.conf\n", "inetd.conf");
  EXPECT_TRUE(r.includes.empty());
  EXPECT_EQ(messages(r.diagnostics),
            std::vector<std::string>{"inetd.conf:1:17: error: .include takes one path; a file "
                                     "name with spaces cannot be included"});
}

TEST(IncludeLine, AnUnknownDirectiveIsAnError) {
  ParseResult r = parse_config(".includedir /etc/xinetd.d\n", "inetd.conf");
  EXPECT_TRUE(r.includes.empty());
  EXPECT_TRUE(r.services.empty());
  EXPECT_EQ(messages(r.diagnostics),
            std::vector<std::string>{"inetd.conf:1:1: error: unknown directive \".includedir\" "
                                     "(the only one is .include)"});
}

TEST(IncludeLine, IndentedAfterAnEntryContinuesThatEntry) {
  // The lexer's rule: a line starting with a blank continues the entry above.
  ParseResult r = parse_config(
      "echo stream tcp nowait root internal\n"
      "  .include x.conf\n",
      "inetd.conf");
  EXPECT_TRUE(r.includes.empty());
  ASSERT_EQ(r.services.size(), 1u);
}

// ---------------------------------------------------------------- paths and names

TEST(IncludePath, RelativeToTheIncludingFilesDirectory) {
  EXPECT_EQ(include_path("/etc/inetd.conf", "inetd.d/a.conf"), "/etc/inetd.d/a.conf");
  EXPECT_EQ(include_path("/etc/inetd.conf", "/srv/a.conf"), "/srv/a.conf");
  EXPECT_EQ(include_path("inetd.conf", "a.conf"), "a.conf");
  EXPECT_EQ(include_path("conf/inetd.conf", "../a.conf"), "conf/../a.conf");
}

TEST(IncludePath, GlobsSplitAtTheLastSlash) {
  GlobParts g = split_glob("/etc/inetd.d/*.conf");
  EXPECT_EQ(g.dir, "/etc/inetd.d");
  EXPECT_EQ(g.pattern, "*.conf");
  EXPECT_EQ(g.error, "");
  EXPECT_EQ(split_glob("/*.conf").dir, "/");
  EXPECT_EQ(split_glob("*.conf").dir, ".");
  EXPECT_NE(split_glob("/etc/*/x.conf").error, "");
  EXPECT_TRUE(has_wildcard("a?.conf"));
  EXPECT_TRUE(has_wildcard("[ab].conf"));
  EXPECT_FALSE(has_wildcard("/etc/inetd.conf"));
  EXPECT_EQ(join_path("/", "a"), "/a");
  EXPECT_EQ(join_path("/etc/inetd.d", "a"), "/etc/inetd.d/a");
}

TEST(DirectoryNames, HiddenAndLeftoverNamesAreSkipped) {
  for (const char* name : {".", "..", ".hidden", "a~", "a.dpkg-old", "a.dpkg-new", "a.dpkg-dist",
                           "a.dpkg-tmp", "a.bak", "a.swp", ""})
    EXPECT_TRUE(skipped_name(name)) << name;
  for (const char* name : {"echo", "echo.conf", "10-ftp", "a.dpkg", "bak", "a.conf.orig"})
    EXPECT_FALSE(skipped_name(name)) << name;
}

TEST(DirectoryNames, ReadInByteOrder) {
  std::vector<std::string> names{"b", "a.conf~", "B", "10-x", "2-y", ".x", "a", "..", "."};
  EXPECT_EQ(select_names(names, ""), (std::vector<std::string>{"10-x", "2-y", "B", "a", "b"}));
}

TEST(DirectoryNames, APatternSelectsTooButNeverAHiddenName) {
  std::vector<std::string> names{"b.conf", "a.conf", ".c.conf", "d.txt", "e.conf.bak", "f.conf"};
  EXPECT_EQ(select_names(names, "*.conf"),
            (std::vector<std::string>{"a.conf", "b.conf", "f.conf"}));
  EXPECT_EQ(select_names(names, "[ab].conf"), (std::vector<std::string>{"a.conf", "b.conf"}));
  EXPECT_EQ(select_names(names, "*.none"), std::vector<std::string>{});
}

// ---------------------------------------------------------------- a tree of files

std::string service(const std::string& name) {
  return name + " stream tcp nowait root /usr/sbin/in.server\n";
}

// "file:line name" of every spec, in order.
std::vector<std::string> places(const TreeResult& r) {
  std::vector<std::string> out;
  for (const auto& s : r.services) {
    EXPECT_EQ(r.files.at(s.file_index), s.file);
    out.push_back(s.file + ":" + std::to_string(s.line) + " " + s.service);
  }
  return out;
}

TEST(ConfigTree, IncludedServicesComeWhereTheirLineIs) {
  FakeSource fs;
  fs.files["/etc/inetd.conf"] =
      service("echo") + ".include extra.conf\n" + ".include inetd.d/*.conf\n" + service("daytime");
  fs.files["/etc/extra.conf"] = "\n" + service("discard");
  fs.dirs["/etc/inetd.d"] = {"b.conf", "a.conf", "c.conf~", "notes.txt"};
  fs.files["/etc/inetd.d/a.conf"] = service("chargen");
  fs.files["/etc/inetd.d/b.conf"] = service("time");
  TreeResult r = parse_config_tree("/etc/inetd.conf", "", fs);
  EXPECT_TRUE(r.readable);
  EXPECT_EQ(messages(r.diagnostics), std::vector<std::string>{});
  EXPECT_EQ(places(r),
            (std::vector<std::string>{"/etc/inetd.conf:1 echo", "/etc/extra.conf:2 discard",
                                      "/etc/inetd.d/a.conf:1 chargen", "/etc/inetd.d/b.conf:1 time",
                                      "/etc/inetd.conf:4 daytime"}));
  EXPECT_EQ(r.files, (std::vector<std::string>{"/etc/inetd.conf", "/etc/extra.conf",
                                               "/etc/inetd.d/a.conf", "/etc/inetd.d/b.conf"}));
}

TEST(ConfigTree, AnErrorInAnIncludedFileNamesThatFileAndLine) {
  FakeSource fs;
  fs.files["/etc/inetd.conf"] = ".include /srv/x.conf\n";
  fs.files["/srv/x.conf"] = "\n\nftp stream tpc nowait root /usr/sbin/in.ftpd\n";
  TreeResult r = parse_config_tree("/etc/inetd.conf", "", fs);
  EXPECT_EQ(messages(r.diagnostics),
            std::vector<std::string>{"/srv/x.conf:3:12: error: unknown protocol \"tpc\" "
                                     "(expected tcp, udp, tcp4, udp4, tcp6, udp6, tcp46, udp46, "
                                     "unix, rpc/tcp or rpc/udp)"});
  ASSERT_EQ(r.failed.size(), 1u);
  EXPECT_EQ(r.failed[0].service, "ftp");
}

TEST(ConfigTree, AMissingIncludedFileIsAnErrorAtTheIncludeLine) {
  FakeSource fs;
  fs.files["/etc/inetd.conf"] = service("echo") + ".include gone.conf\n";
  TreeResult r = parse_config_tree("/etc/inetd.conf", "", fs);
  // What was read is not the whole configuration: a reload keeps the running one.
  EXPECT_FALSE(r.readable);
  EXPECT_EQ(messages(r.diagnostics),
            std::vector<std::string>{"/etc/inetd.conf:2:10: error: cannot include "
                                     "/etc/gone.conf: No such file or directory"});
  EXPECT_EQ(places(r), std::vector<std::string>{"/etc/inetd.conf:1 echo"});
}

TEST(ConfigTree, ADirectoryOrSpecialFileIsNeverIncludedByName) {
  FakeSource fs;
  fs.files["/etc/inetd.conf"] = ".include /etc/inetd.d\n.include /dev/fifo\n";
  fs.dirs["/etc/inetd.d"] = {};
  fs.files["/dev/fifo"] = service("echo");
  fs.special = {"/dev/fifo"};
  TreeResult r = parse_config_tree("/etc/inetd.conf", "", fs);
  EXPECT_EQ(messages(r.diagnostics),
            (std::vector<std::string>{
                "/etc/inetd.conf:1:10: error: cannot include /etc/inetd.d: not a regular file",
                "/etc/inetd.conf:2:10: error: cannot include /dev/fifo: not a regular file"}));
  EXPECT_TRUE(r.services.empty());
}

TEST(ConfigTree, AGlobPassesOverWhatIsNotARegularFile) {
  FakeSource fs;
  fs.files["/c/main"] = ".include d/*\n";
  fs.dirs["/c/d"] = {"sub", "a"};
  fs.dirs["/c/d/sub"] = {};
  fs.files["/c/d/a"] = service("echo");
  TreeResult r = parse_config_tree("/c/main", "", fs);
  EXPECT_EQ(
      messages(r.diagnostics),
      std::vector<std::string>{"/c/main:1:10: warning: /c/d/sub is not a regular file; skipped"});
  EXPECT_EQ(places(r), std::vector<std::string>{"/c/d/a:1 echo"});
}

TEST(ConfigTree, AGlobMatchingNothingIsFineItsMissingDirectoryAWarning) {
  FakeSource fs;
  fs.files["/c/main"] = ".include d/*.conf\n.include none/*.conf\n" + service("echo");
  fs.dirs["/c/d"] = {"x.txt"};
  TreeResult r = parse_config_tree("/c/main", "", fs);
  EXPECT_EQ(messages(r.diagnostics),
            std::vector<std::string>{
                "/c/main:2:10: warning: directory /c/none does not exist; nothing included"});
  EXPECT_EQ(r.services.size(), 1u);
}

TEST(ConfigTree, AFileIncludingItselfIsALoop) {
  FakeSource fs;
  fs.files["/c/main"] = service("echo") + ".include main\n";
  TreeResult r = parse_config_tree("/c/main", "", fs);
  EXPECT_EQ(messages(r.diagnostics),
            std::vector<std::string>{"/c/main:2:10: error: include loop: /c/main is already "
                                     "being read (/c/main -> /c/main); not read again"});
  EXPECT_EQ(places(r), std::vector<std::string>{"/c/main:1 echo"});
}

TEST(ConfigTree, ALoopThroughOtherFilesAndOtherNamesIsFound) {
  FakeSource fs;
  fs.files["/c/main"] = ".include a\n" + service("echo");
  fs.files["/c/a"] = ".include b\n" + service("discard");
  fs.files["/c/b"] = ".include link-to-a\n" + service("daytime");
  fs.files["/c/link-to-a"] = fs.files["/c/a"];
  fs.same["/c/link-to-a"] = "/c/a";
  TreeResult r = parse_config_tree("/c/main", "", fs);
  EXPECT_EQ(messages(r.diagnostics),
            std::vector<std::string>{"/c/b:1:10: error: include loop: /c/link-to-a is already "
                                     "being read (/c/main -> /c/a -> /c/b -> /c/link-to-a); not "
                                     "read again"});
  EXPECT_EQ(places(r),
            (std::vector<std::string>{"/c/b:2 daytime", "/c/a:2 discard", "/c/main:2 echo"}));
}

TEST(ConfigTree, AFileReadTwiceWithoutALoopIsReadOnce) {
  FakeSource fs;
  fs.files["/c/main"] = ".include d/*.conf\n";
  fs.dirs["/c/d"] = {"a.conf"};
  fs.files["/c/d/a.conf"] = service("echo");
  TreeResult r = parse_config_tree("/c/main", "/c/d", fs);
  EXPECT_EQ(messages(r.diagnostics),
            std::vector<std::string>{"/c/d: warning: /c/d/a.conf was read already; not read "
                                     "again"});
  EXPECT_EQ(places(r), std::vector<std::string>{"/c/d/a.conf:1 echo"});
}

TEST(ConfigTree, NestingDeeperThanTheLimitIsAnErrorNotAHang) {
  FakeSource fs;
  // fmt, not operator+: g++ 12 warns falsely (-Wrestrict) on short concatenations.
  for (int i = 0; i <= kMaxIncludeDepth + 1; ++i)
    fs.files[fmt::format("/c/{}", i)] =
        fmt::format("s{} stream tcp nowait root /usr/sbin/in.server\n.include {}\n", i, i + 1);
  TreeResult r = parse_config_tree("/c/0", "", fs);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].location(), fmt::format("/c/{}:2:10", kMaxIncludeDepth));
  EXPECT_NE(r.diagnostics[0].message.find("includes nest deeper than 16 levels"), std::string::npos)
      << r.diagnostics[0].message;
  EXPECT_EQ(r.services.size(), static_cast<std::size_t>(kMaxIncludeDepth) + 1);
}

TEST(ConfigTree, TheDropInDirectoryIsReadAfterTheMainFileInNameOrder) {
  FakeSource fs;
  fs.files["/etc/inetd.conf"] = service("echo");
  fs.dirs["/etc/inetd.d"] = {"20-b", "10-a", ".hidden", "10-a.dpkg-old", "x.swp"};
  fs.files["/etc/inetd.d/10-a"] = service("discard");
  fs.files["/etc/inetd.d/20-b"] = service("daytime");
  TreeResult r = parse_config_tree("/etc/inetd.conf", "/etc/inetd.d", fs);
  EXPECT_EQ(messages(r.diagnostics), std::vector<std::string>{});
  EXPECT_EQ(places(r),
            (std::vector<std::string>{"/etc/inetd.conf:1 echo", "/etc/inetd.d/10-a:1 discard",
                                      "/etc/inetd.d/20-b:1 daytime"}));
}

TEST(ConfigTree, AMissingDropInDirectoryIsNoError) {
  FakeSource fs;
  fs.files["/etc/inetd.conf"] = service("echo");
  TreeResult r = parse_config_tree("/etc/inetd.conf", "/etc/inetd.d", fs);
  EXPECT_TRUE(r.diagnostics.empty());
  EXPECT_EQ(r.services.size(), 1u);
}

TEST(ConfigTree, AnUnreadableMainFileReadsNothingElse) {
  FakeSource fs;
  fs.dirs["/etc/inetd.d"] = {"a"};
  fs.files["/etc/inetd.d/a"] = service("echo");
  TreeResult r = parse_config_tree("/etc/inetd.conf", "/etc/inetd.d", fs);
  EXPECT_FALSE(r.readable);
  EXPECT_EQ(messages(r.diagnostics),
            std::vector<std::string>{"/etc/inetd.conf: error: cannot read configuration: No such "
                                     "file or directory"});
  EXPECT_EQ(fs.reads, std::vector<std::string>{"/etc/inetd.conf"});
}

TEST(ConfigTree, HostLinesHoldInTheirOwnFileOnly) {
  FakeSource fs;
  fs.files["/c/main"] = "127.0.0.1:\n.include a\n" + service("echo");
  fs.files["/c/a"] = service("discard");
  TreeResult r = parse_config_tree("/c/main", "", fs);
  ASSERT_EQ(r.services.size(), 2u);
  EXPECT_FALSE(r.services[0].host.has_value());  // discard, from /c/a
  EXPECT_EQ(r.services[1].host.value_or(""), "127.0.0.1");
}

}  // namespace
}  // namespace ninetd::config
