// FakeSource: the files and directories of a configuration tree as a map of
// texts, for the tests of config_tree (the classic and the xinetd syntax).
#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "config/config_tree.h"

namespace ninetd::config {

// Files by path; a path's identity is the path itself, unless `same` maps it
// to another (a second name of one file, as a symlink gives).
class FakeSource final : public ConfigSource {
 public:
  std::map<std::string, std::string> files;
  std::map<std::string, std::vector<std::string>> dirs;
  std::map<std::string, std::string> same;
  std::vector<std::string> special;  // exist, but are not regular files
  std::vector<std::string> reads;

  SourceText read(const std::string& path, bool regular_only) override {
    reads.push_back(path);
    SourceText out;
    if (dirs.count(path) || (regular_only && std::count(special.begin(), special.end(), path))) {
      out.status = SourceText::Status::not_regular;
      out.problem = "not a regular file";
      return out;
    }
    auto it = files.find(path);
    if (it == files.end()) {
      out.status = SourceText::Status::missing;
      out.problem = "No such file or directory";
      return out;
    }
    out.status = SourceText::Status::ok;
    out.text = it->second;
    out.identity = same.count(path) ? same[path] : path;
    return out;
  }
  SourceListing list(const std::string& dir) override {
    SourceListing out;
    auto it = dirs.find(dir);
    if (it == dirs.end()) {
      out.status = SourceListing::Status::missing;
      return out;
    }
    out.status = SourceListing::Status::ok;
    out.names = it->second;
    return out;
  }
};

}  // namespace ninetd::config
