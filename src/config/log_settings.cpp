#include "config/log_settings.h"

#include <fmt/format.h>
#include <syslog.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>

namespace ninetd::config {
namespace {

struct NamedValue {
  std::string_view name;
  int value;
};

// xinetd.conf(5)'s lists (kern is a facility only the kernel logs at).
constexpr std::array<NamedValue, 17> kFacilities{{
    {"daemon", LOG_DAEMON},
    {"auth", LOG_AUTH},
    {"authpriv", LOG_AUTHPRIV},
    {"user", LOG_USER},
    {"mail", LOG_MAIL},
    {"lpr", LOG_LPR},
    {"news", LOG_NEWS},
    {"uucp", LOG_UUCP},
    {"ftp", LOG_FTP},
    {"local0", LOG_LOCAL0},
    {"local1", LOG_LOCAL1},
    {"local2", LOG_LOCAL2},
    {"local3", LOG_LOCAL3},
    {"local4", LOG_LOCAL4},
    {"local5", LOG_LOCAL5},
    {"local6", LOG_LOCAL6},
    {"local7", LOG_LOCAL7},
}};

constexpr std::array<NamedValue, 8> kLevels{{
    {"emerg", LOG_EMERG},
    {"alert", LOG_ALERT},
    {"crit", LOG_CRIT},
    {"err", LOG_ERR},
    {"warning", LOG_WARNING},
    {"notice", LOG_NOTICE},
    {"info", LOG_INFO},
    {"debug", LOG_DEBUG},
}};

constexpr std::array<NamedValue, 6> kSuccessFlags{{
    {"PID", log_success::kPid},
    {"HOST", log_success::kHost},
    {"USERID", log_success::kUserid},
    {"EXIT", log_success::kExit},
    {"DURATION", log_success::kDuration},
    {"TRAFFIC", log_success::kTraffic},
}};

constexpr std::array<NamedValue, 3> kFailureFlags{{
    {"HOST", log_failure::kHost},
    {"USERID", log_failure::kUserid},
    {"ATTEMPT", log_failure::kAttempt},
}};

template <std::size_t N>
const NamedValue* find(const std::array<NamedValue, N>& table, std::string_view name) {
  for (const NamedValue& row : table)
    if (row.name == name) return &row;
  return nullptr;
}

template <std::size_t N>
std::string names(const std::array<NamedValue, N>& table) {
  std::string out;
  for (const NamedValue& row : table) {
    if (!out.empty()) out += ", ";
    out += row.name;
  }
  return out;
}

constexpr std::uint64_t kExtraMin = std::uint64_t{5} * 1024;   // xinetd's LOG_EXTRA_MIN
constexpr std::uint64_t kExtraMax = std::uint64_t{20} * 1024;  // and LOG_EXTRA_MAX

// A size as xinetd reads it: digits, then an optional K or M (KiB, MiB).
std::optional<std::uint64_t> parse_limit(std::string_view text) {
  std::uint64_t multiplier = 1;
  if (!text.empty() && (text.back() == 'k' || text.back() == 'K')) multiplier = 1024;
  if (!text.empty() && (text.back() == 'm' || text.back() == 'M'))
    multiplier = std::uint64_t{1024} * 1024;
  if (multiplier != 1) text.remove_suffix(1);
  if (text.empty() || text.size() > 15) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  // 15 digits of MiB pass 64 bits: refused rather than wrapped, with room
  // left for the hard limit a soft one implies.
  if (value > (std::numeric_limits<std::uint64_t>::max() - kExtraMax) / multiplier)
    return std::nullopt;
  return value * multiplier;
}

std::optional<LogTarget> parse_syslog(std::span<const Word> words, const LogReport& report) {
  if (words.size() > 3) {
    report(words[3], Severity::error, "log_type SYSLOG takes a facility and an optional level");
    return std::nullopt;
  }
  const NamedValue* facility = find(kFacilities, words[1].text);
  if (facility == nullptr) {
    report(words[1], Severity::error,
           fmt::format("log_type: unknown syslog facility \"{}\" (expected {})", words[1].text,
                       names(kFacilities)));
    return std::nullopt;
  }
  int level = LOG_INFO;
  if (words.size() == 3) {
    const NamedValue* named = find(kLevels, words[2].text);
    if (named == nullptr) {
      report(words[2], Severity::error,
             fmt::format("log_type: unknown syslog level \"{}\" (expected {})", words[2].text,
                         names(kLevels)));
      return std::nullopt;
    }
    level = named->value;
  }
  LogTarget target;
  target.kind = LogTarget::Kind::syslog;
  target.priority = static_cast<std::uint8_t>(facility->value | level);
  return target;
}

std::optional<LogTarget> parse_file(std::span<const Word> words, const LogReport& report) {
  LogTarget target;
  target.kind = LogTarget::Kind::file;
  target.path = words[1].text;
  if (!target.path.starts_with('/')) {
    report(words[1], Severity::error,
           fmt::format("log_type FILE needs an absolute path, got \"{}\"", target.path));
    return std::nullopt;
  }
  if (words.size() < 3) return target;
  auto soft = parse_limit(words[2].text);
  if (!soft) {
    report(words[2], Severity::error,
           fmt::format("log_type: soft limit \"{}\" is not a size (a number, K or M after it)",
                       words[2].text));
    return std::nullopt;
  }
  target.soft_limit = *soft;
  std::uint64_t extra = std::clamp(*soft / 100, kExtraMin, kExtraMax);
  target.hard_limit = *soft + extra;
  if (words.size() == 4) {
    auto hard = parse_limit(words[3].text);
    if (!hard || *hard < *soft) {
      report(words[3], Severity::error,
             fmt::format("log_type: hard limit \"{}\" must be a size no less than the soft limit",
                         words[3].text));
      return std::nullopt;
    }
    target.hard_limit = *hard;
  }
  return target;
}

// A size as parse_limit reads it back: with the largest of M and K that
// divides it, so a limit read with a suffix stays within its 15 digits.
std::string limit_word(std::uint64_t bytes) {
  constexpr std::uint64_t kMiB = std::uint64_t{1024} * 1024;
  if (bytes != 0 && bytes % kMiB == 0) return fmt::format("{}M", bytes / kMiB);
  if (bytes != 0 && bytes % 1024 == 0) return fmt::format("{}K", bytes / 1024);
  return std::to_string(bytes);
}

template <std::size_t N>
std::string name_of(const std::array<NamedValue, N>& table, int value) {
  for (const NamedValue& row : table)
    if (row.value == value) return std::string(row.name);
  return std::to_string(value);
}

}  // namespace

std::optional<std::uint8_t> parse_log_flags(std::span<const Word> words, bool success,
                                            std::string_view attribute, const LogReport& report) {
  std::uint8_t flags = 0;
  bool ok = true;
  for (const Word& word : words) {
    const NamedValue* row =
        success ? find(kSuccessFlags, word.text) : find(kFailureFlags, word.text);
    if (row == nullptr) {
      report(word, Severity::error,
             fmt::format("{}: unknown flag \"{}\" (expected {})", attribute, word.text,
                         success ? names(kSuccessFlags) : names(kFailureFlags)));
      ok = false;
      continue;
    }
    if (word.text == "USERID")
      report(word, Severity::warning,
             fmt::format("{}: USERID (an RFC 1413 ident lookup) is not supported by ninetd; the "
                         "other flags apply",
                         attribute));
    else if (word.text == "TRAFFIC")
      report(word, Severity::warning,
             fmt::format("{}: TRAFFIC counts the bytes of a redirected service, which ninetd "
                         "does not have; the other flags apply",
                         attribute));
    flags |= static_cast<std::uint8_t>(row->value);
  }
  if (!ok) return std::nullopt;
  return flags;
}

std::optional<LogTarget> parse_log_type(std::span<const Word> words, const Word& at,
                                        const LogReport& report) {
  if (words.empty()) {
    report(at, Severity::error, "log_type needs SYSLOG facility [level] or FILE path");
    return std::nullopt;
  }
  const Word& kind = words[0];
  if (kind.text != "SYSLOG" && kind.text != "FILE") {
    report(kind, Severity::error,
           fmt::format("log_type: \"{}\" is neither SYSLOG nor FILE", kind.text));
    return std::nullopt;
  }
  bool syslog = kind.text == "SYSLOG";
  if (words.size() < 2 || (!syslog && words.size() > 4)) {
    report(words.size() < 2 ? kind : words[4], Severity::error,
           syslog ? "log_type SYSLOG needs a facility and an optional level"
                  : "log_type FILE needs a path, then an optional soft and hard limit");
    return std::nullopt;
  }
  return syslog ? parse_syslog(words, report) : parse_file(words, report);
}

std::vector<std::string> log_flag_names(std::uint8_t flags, bool success) {
  std::vector<std::string> out;
  auto add = [&](const auto& table) {
    for (const NamedValue& row : table)
      if ((flags & row.value) != 0) out.emplace_back(row.name);
  };
  if (success)
    add(kSuccessFlags);
  else
    add(kFailureFlags);
  return out;
}

std::vector<std::string> log_type_words(const LogTarget& target) {
  if (target.kind == LogTarget::Kind::syslog)
    return {"SYSLOG", name_of(kFacilities, target.priority & LOG_FACMASK),
            name_of(kLevels, target.priority & LOG_PRIMASK)};
  std::vector<std::string> out{"FILE", target.path};
  if (target.soft_limit == 0 && target.hard_limit == 0) return out;
  out.push_back(limit_word(target.soft_limit));
  std::uint64_t implied =
      target.soft_limit + std::clamp(target.soft_limit / 100, kExtraMin, kExtraMax);
  if (target.hard_limit != implied) out.push_back(limit_word(target.hard_limit));
  return out;
}

}  // namespace ninetd::config
