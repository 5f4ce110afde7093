// An xinetd configuration read as a tree of files (config_tree with
// Syntax::xinetd): includedir's names and order, include, and the main
// file's defaults reaching the included files.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "config/config_tree.h"
#include "fake_config_source.h"

namespace ninetd::config {
namespace {

using Strings = std::vector<std::string>;

std::string internal(const std::string& name) {
  return "service " + name + "\n{\n  type = INTERNAL\n  socket_type = stream\n  wait = no\n}\n";
}

Strings messages(const TreeResult& r) {
  Strings out;
  for (const auto& d : r.diagnostics) out.push_back(d.format());
  return out;
}

Strings places(const TreeResult& r) {
  Strings out;
  for (const auto& s : r.services) out.push_back(r.files.at(s.file_index) + " " + s.service);
  return out;
}

TEST(XinetdTree, IncludeDirReadsXinetdsNamesInOrderWithTheDefaults) {
  FakeSource source;
  source.files["/etc/xinetd.conf"] =
      "defaults\n{\n  instances = 7\n}\n" + internal("time") + "includedir /etc/xinetd.d\n";
  source.dirs["/etc/xinetd.d"] = {"echo", "daytime", "echo~",  "chargen.dpkg-old",
                                  ".",    "..",      "discard"};
  for (const char* name : {"echo", "daytime", "discard", "echo~", "chargen.dpkg-old"})
    source.files[std::string("/etc/xinetd.d/") + name] = internal(name);
  TreeResult r = parse_config_tree("/etc/xinetd.conf", "", source, Syntax::xinetd);
  EXPECT_TRUE(r.readable);
  EXPECT_EQ(messages(r), Strings{});
  EXPECT_EQ(places(r), (Strings{"/etc/xinetd.conf time", "/etc/xinetd.d/daytime daytime",
                                "/etc/xinetd.d/discard discard", "/etc/xinetd.d/echo echo"}));
  for (const auto& spec : r.services) EXPECT_EQ(spec.max_child, 7u) << spec.service;
  EXPECT_EQ(source.reads, (Strings{"/etc/xinetd.conf", "/etc/xinetd.d/daytime",
                                   "/etc/xinetd.d/discard", "/etc/xinetd.d/echo"}));
}

TEST(XinetdTree, IncludeReadsOneFileRelativeToTheIncluding) {
  FakeSource source;
  source.files["/etc/xinetd.conf"] = "include extra*\n" + internal("time");
  source.files["/etc/extra*"] = internal("echo");
  TreeResult r = parse_config_tree("/etc/xinetd.conf", "", source, Syntax::xinetd);
  EXPECT_EQ(messages(r), Strings{});
  EXPECT_EQ(places(r), (Strings{"/etc/extra* echo", "/etc/xinetd.conf time"}));
}

TEST(XinetdTree, AMainFileThatIsPlainlyXinetdIsReadAsSuchWithANotice) {
  FakeSource source;
  source.files["/etc/inetd.conf"] = "# moved from xinetd\n" + internal("echo");
  TreeResult r = parse_config_tree("/etc/inetd.conf", "", source, Syntax::inetd);
  EXPECT_TRUE(r.readable);
  EXPECT_EQ(messages(r), Strings{"/etc/inetd.conf: warning: /etc/inetd.conf reads as "
                                 "xinetd.conf (it has a defaults or service block): read as "
                                 "such; give -x to say so"});
  EXPECT_EQ(places(r), Strings{"/etc/inetd.conf echo"});
  // A classic file stays classic.
  source.files["/etc/inetd.conf"] = "echo stream tcp nowait root internal\n";
  r = parse_config_tree("/etc/inetd.conf", "", source, Syntax::inetd);
  EXPECT_EQ(messages(r), Strings{});
}

TEST(XinetdTree, AMissingIncludeDirIsAWarning) {
  FakeSource source;
  source.files["/etc/xinetd.conf"] = "includedir /etc/xinetd.d\n";
  TreeResult r = parse_config_tree("/etc/xinetd.conf", "", source, Syntax::xinetd);
  EXPECT_TRUE(r.readable);
  EXPECT_EQ(messages(r), Strings{"/etc/xinetd.conf:1:12: warning: directory /etc/xinetd.d does "
                                 "not exist; nothing included"});
}

TEST(XinetdTree, TheInetdSyntaxKnowsNoIncludeDir) {
  FakeSource source;
  source.files["/etc/inetd.conf"] = "includedir /etc/xinetd.d\n";
  TreeResult r = parse_config_tree("/etc/inetd.conf", "", source);
  EXPECT_TRUE(r.services.empty());
  EXPECT_FALSE(r.diagnostics.empty());
}

}  // namespace
}  // namespace ninetd::config
