#include "log/journal.h"

#include <fmt/format.h>

#include <charconv>

namespace ninetd::log {
namespace {

// One decimal number at the front of `text`, which is left past it.
bool take_number(std::string_view& text, std::uint64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end == text.data()) return false;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return true;
}

}  // namespace

std::string journal_line(int priority, std::string_view line) {
  return fmt::format("<{}>{}\n", priority, line);
}

bool names_stream(std::string_view stream, std::uint64_t device, std::uint64_t inode) {
  std::uint64_t given_device = 0;
  std::uint64_t given_inode = 0;
  if (!take_number(stream, given_device) || stream.empty() || stream.front() != ':') return false;
  stream.remove_prefix(1);
  if (!take_number(stream, given_inode) || !stream.empty()) return false;
  return given_device == device && given_inode == inode;
}

Destination choose_destination(bool foreground, bool log_to_stderr, bool stderr_is_journal) {
  if (foreground && stderr_is_journal) return Destination::journal;
  return log_to_stderr ? Destination::stderr_plain : Destination::syslog;
}

}  // namespace ninetd::log
