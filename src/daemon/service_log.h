// ServiceLog: where the START, EXIT and FAIL lines of services with log
// flags go (log_type): the daemon's own log, a syslog facility and level, or
// a file the daemon appends to. Each distinct target is a slot the daemon
// keeps from one load to the next (a service's log_target names it), so a
// reload that changes nothing about a service's target keeps its number.
// Files are opened as root without following a symlink, shared by every
// service naming one path, and opened again at every reload (log rotation
// moves the file, then sends SIGHUP).
//
// A write is one write(2) of a line (under 1 KiB) on a regular file opened
// O_APPEND: it copies into the page cache and never waits for the disk. The
// daemon refuses anything but a regular file (a FIFO or a device could
// block), and a file past its hard limit gets nothing more.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "config/log_settings.h"
#include "log/file_budget.h"
#include "services/config_loader.h"
#include "sys/fd.h"

namespace ninetd::daemon {

class ServiceLog {
 public:
  // Before the reload diff: each loaded service's log_target (an index in
  // loaded.log_targets) becomes the daemon's slot for that target.
  void adopt(services::LoadedConfig& loaded);
  // After the table changed: slots no running service names are closed, and
  // every file still named is opened again. `used` are the running services'
  // log_target values.
  void settle(const std::vector<std::uint8_t>& used);
  // One line of `log_target`'s service (0: the daemon's own log).
  void write(std::uint8_t log_target, std::string_view line);

 private:
  struct Slot {
    config::LogTarget target;
    bool used = false;
    sys::Fd fd;                             // a file target, when it could be opened
    std::optional<log::FileBudget> budget;  // its limits
    bool write_failed = false;              // the last write failed (logged once)
  };
  std::optional<std::uint8_t> slot_for(const config::LogTarget& target, std::vector<bool>& claimed);
  void open_file(Slot& slot);
  void write_file(Slot& slot, std::string_view line);

  std::vector<Slot> slots_;  // log_target N is slots_[N - 1]
  int pid_ = 0;
};

}  // namespace ninetd::daemon
