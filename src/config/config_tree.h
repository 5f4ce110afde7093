// ConfigTree: a main inetd.conf, the files its ".include" lines name and the
// drop-in directory, parsed into one list of ServiceSpecs in reading order.
// Pure: the files and directories come through a ConfigSource, which the
// loader implements on the file system and tests with a map of texts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/diagnostic.h"
#include "config/parser.h"
#include "config/service_spec.h"

namespace ninetd::config {

struct SourceText {
  enum class Status { ok, missing, not_regular, failed };
  Status status = Status::failed;
  std::string text;
  // The same for two paths of one file (device and inode): how loops are seen.
  std::string identity;
  std::string problem;  // why it could not be read
};

struct SourceListing {
  enum class Status { ok, missing, failed };
  Status status = Status::failed;
  std::vector<std::string> names;  // in any order; "." and ".." may be among them
  std::string problem;
};

class ConfigSource {
 public:
  virtual ~ConfigSource() = default;
  // A file's text; with `regular_only`, anything but a regular file (a
  // directory, a FIFO, a device) is not_regular and left unread.
  virtual SourceText read(const std::string& path, bool regular_only) = 0;
  virtual SourceListing list(const std::string& dir) = 0;
};

// The language the files are in. xinetd.conf (config/xinetd/parser.h): the
// main file's defaults block applies to the files it includes, "include FILE"
// reads one file (no wildcards) and "includedir DIR" every name of DIR that
// xinetd reads (config/xinetd/includedir.h), in name order.
enum class Syntax : std::uint8_t { inetd, xinetd };

struct TreeResult {
  // False: the main file could not be read at all, or a file or directory it
  // names could not be (permissions, I/O): what was read is not the whole
  // configuration, so a reload keeps the running one.
  bool readable = false;
  std::vector<ServiceSpec> services;
  // Positions in `services`, in reading order.
  std::vector<SwitchedOff> switched_off;
  std::vector<Diagnostic> diagnostics;
  std::vector<FailedEntry> failed;
  // Every file read, in reading order, the main file first: a spec's file_index.
  std::vector<std::string> files;
  // The language the files were read in: xinetd when asked, or when the
  // main file plainly is xinetd.conf.
  Syntax syntax = Syntax::inetd;
};

// `drop_in_dir` empty: no drop-in directory. A drop-in directory that does not
// exist is not an error.
TreeResult parse_config_tree(const std::string& main_file, const std::string& drop_in_dir,
                             ConfigSource& source, Syntax syntax = Syntax::inetd);

}  // namespace ninetd::config
