#include "config/value_words.h"

#include <fmt/format.h>

#include <iterator>

namespace ninetd::config::written {

bool limit(const std::optional<unsigned>& value, Words& out) {
  if (!value || *value == 0) return false;  // 0 is no limit, as the resolver reads it
  out.push_back(std::to_string(*value));
  return true;
}

bool size(const std::optional<int>& value, Words& out) {
  if (!value) return false;
  out.push_back(std::to_string(*value));
  return true;
}

bool text(const std::optional<std::string>& value, Words& out) {
  if (!value) return false;
  out.push_back(*value);
  return true;
}

bool yes(bool value, Words& out) {
  if (!value) return false;
  out.emplace_back("yes");
  return true;
}

// A yes-or-no key whose default is yes: written only when no.
bool no(bool value, Words& out) {
  if (value) return false;
  out.emplace_back("no");
  return true;
}

bool text(const std::string& value, Words& out) {
  if (value.empty()) return false;
  out.push_back(value);
  return true;
}

namespace {

// A prefix as allow and deny take it: one address without its /32 or /128.
std::string prefix_text(const limits::AddressPrefix& prefix) {
  std::string shown = limits::to_string(prefix);
  std::string_view whole = prefix.v4 ? "/32" : "/128";
  if (shown.ends_with(whole)) shown.resize(shown.size() - whole.size());
  return shown;
}

}  // namespace

bool access(const ServiceSpec& spec, bool allow, Words& out) {
  if (!(allow ? spec.allow_given : spec.deny_given)) return false;
  for (const auto& rule : spec.access_rules)
    if (rule.allow == allow) out.push_back(prefix_text(rule.prefix));
  return true;
}

bool has_address(const ServiceSpec& spec) {
  return spec.transport != Transport::local && !spec.tcpmux;
}

bool words(std::vector<std::string> values, Words& out) {
  if (values.empty()) return false;
  out.insert(out.end(), std::make_move_iterator(values.begin()),
             std::make_move_iterator(values.end()));
  return true;
}

bool banner(const ServiceSpec& spec, BannerKind kind, Words& out) {
  const std::string& path = spec.policy.banners[static_cast<std::size_t>(kind)].path;
  if (path.empty()) return false;
  out.push_back(path);
  return true;
}

namespace {

std::string clock_word(unsigned minute) {
  return fmt::format("{}:{:02}", minute / 60, minute % 60);
}

}  // namespace

// "8:00-12:30": each range as it reads back; a range to 23:59 followed by
// one from 0:00 that ends before it starts is one range across midnight
// ("22:00-6:00"), which is what the reader split (and the only way to write
// a half of one minute, as "23:59-0:00" gives).
bool access_times(const ServiceSpec& spec, Words& out) {
  const auto& ranges = spec.policy.access_times;
  if (!spec.policy.access_times_given || ranges.empty()) return false;
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    const limits::MinuteRange& range = ranges[i];
    if (range.last == limits::kMinutesPerDay - 1 && i + 1 < ranges.size() &&
        ranges[i + 1].first == 0 && ranges[i + 1].last < range.first) {
      out.push_back(clock_word(range.first) + "-" + clock_word(ranges[++i].last));
      continue;
    }
    out.push_back(clock_word(range.first) + "-" + clock_word(range.last));
  }
  return true;
}

}  // namespace ninetd::config::written
