#include "daemon/service_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "log/escape.h"
#include "log/logger.h"
#include "services/resolver.h"

namespace ninetd::daemon {
namespace {

bool same_target(const config::LogTarget& a, const config::LogTarget& b) {
  if (a.kind != b.kind) return false;
  return a.kind == config::LogTarget::Kind::syslog ? a.priority == b.priority : a.path == b.path;
}

}  // namespace

std::optional<std::uint8_t> ServiceLog::slot_for(const config::LogTarget& target,
                                                 std::vector<bool>& claimed) {
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (!same_target(slots_[i].target, target)) continue;
    // The limits a reload gives take effect at the reopen (settle).
    slots_[i].target = target;
    slots_[i].used = claimed[i] = true;
    return static_cast<std::uint8_t>(i + 1);
  }
  std::size_t free = 0;
  while (free < slots_.size() && (slots_[free].used || claimed[free])) ++free;
  if (free == slots_.size()) {
    if (slots_.size() >= services::kMaxLogTargets) return std::nullopt;
    slots_.emplace_back();
    claimed.push_back(false);
  }
  slots_[free] = Slot{target, true, {}, {}};
  claimed[free] = true;
  return static_cast<std::uint8_t>(free + 1);
}

void ServiceLog::adopt(services::LoadedConfig& loaded) {
  std::vector<bool> claimed(slots_.size(), false);
  std::vector<std::uint8_t> slot_of(loaded.log_targets.size() + 1, 0);
  for (std::size_t i = 0; i < loaded.log_targets.size(); ++i) {
    auto slot = slot_for(loaded.log_targets[i], claimed);
    if (!slot)
      log::warning("more than {} log targets: the lines of those of {} go to the daemon's log",
                   services::kMaxLogTargets, loaded.log_targets[i].path);
    slot_of[i + 1] = slot.value_or(0);
  }
  for (services::Service& service : loaded.services)
    if (service.log_target < slot_of.size()) service.log_target = slot_of[service.log_target];
}

void ServiceLog::settle(const std::vector<std::uint8_t>& used) {
  pid_ = static_cast<int>(getpid());
  for (Slot& slot : slots_) slot.used = false;
  for (std::uint8_t target : used)
    if (target != 0 && target <= slots_.size()) slots_[target - 1].used = true;
  for (Slot& slot : slots_) {
    if (!slot.used) {
      slot = Slot{};
    } else if (slot.target.kind == config::LogTarget::Kind::file) {
      open_file(slot);
    }
  }
}

// O_NOFOLLOW: a symlink put in the file's place (in a directory someone else
// may write to) must not make root append to the file it points at. A hard
// link to another file is refused the same way, and so is anything but a
// regular file, whose writes could block (a FIFO) or do worse (a device).
void ServiceLog::open_file(Slot& slot) {
  slot.fd.reset();
  slot.budget.reset();
  const std::string& path = slot.target.path;
  sys::Fd fd(::open(path.c_str(),
                    O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
                    0640));
  if (!fd) {
    log::error("{}: cannot open the log file: {}; its services log to the daemon's log",
               log::escaped(path), std::strerror(errno));
    return;
  }
  struct stat st {};
  if (fstat(fd.get(), &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
    log::error("{}: not a regular file of one link; its services log to the daemon's log",
               log::escaped(path));
    return;
  }
  slot.budget.emplace(slot.target.soft_limit, slot.target.hard_limit,
                      static_cast<std::uint64_t>(st.st_size));
  slot.fd = std::move(fd);
}

void ServiceLog::write_file(Slot& slot, std::string_view line) {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char stamp[40];
  if (std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S%z", &local) == 0) stamp[0] = '\0';
  std::string text = fmt::format("{} ninetd[{}]: {}\n", stamp, pid_, line);
  const std::string& path = slot.target.path;
  switch (slot.budget->take(text.size())) {
    case log::FileBudget::Verdict::stopped:
      return;
    case log::FileBudget::Verdict::reached_hard:
      log::warning(
          "{}: the log file reached its hard limit of {} bytes; nothing more is written "
          "to it until a reload opens it again",
          log::escaped(path), slot.target.hard_limit);
      return;
    case log::FileBudget::Verdict::write_past_soft:
      log::warning("{}: the log file is past its soft limit of {} bytes", log::escaped(path),
                   slot.target.soft_limit);
      break;
    case log::FileBudget::Verdict::write:
      break;
  }
  bool failed = ::write(slot.fd.get(), text.data(), text.size()) < 0;
  // Once per run of failures (a full disk would otherwise give a line per client).
  if (failed && !slot.write_failed)
    log::error("{}: write: {}", log::escaped(path), std::strerror(errno));
  slot.write_failed = failed;
}

void ServiceLog::write(std::uint8_t log_target, std::string_view line) {
  if (log_target == 0 || log_target > slots_.size()) return log::info("{}", line);
  Slot& slot = slots_[log_target - 1];
  if (!slot.used) return log::info("{}", line);
  if (slot.target.kind == config::LogTarget::Kind::syslog)
    return log::write_at(slot.target.priority, line);
  if (!slot.fd) return log::info("{}", line);
  write_file(slot, line);
}

}  // namespace ninetd::daemon
