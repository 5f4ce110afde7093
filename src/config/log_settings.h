// The per-service log settings xinetd.conf(5) names and ninetd's key=value
// form shares: log_on_success and log_on_failure (sets of flags), log_type
// (SYSLOG facility [level] or FILE path [soft [hard]]). Words in, values and
// problems out. Pure.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.h"
#include "config/lexer.h"

namespace ninetd::config {

// log_on_success's flags, one bit each. USERID (an RFC 1413 lookup) and
// TRAFFIC (bytes of a redirected service) are read and warned about: ninetd
// has neither, so they only make a START line be written, as any flag does.
namespace log_success {
inline constexpr std::uint8_t kPid = 1;
inline constexpr std::uint8_t kHost = 2;
inline constexpr std::uint8_t kUserid = 4;
inline constexpr std::uint8_t kExit = 8;
inline constexpr std::uint8_t kDuration = 16;
inline constexpr std::uint8_t kTraffic = 32;
}  // namespace log_success

// log_on_failure's flags. ATTEMPT is implied by the others: any flag at all
// makes a FAIL line.
namespace log_failure {
inline constexpr std::uint8_t kHost = 1;
inline constexpr std::uint8_t kUserid = 2;
inline constexpr std::uint8_t kAttempt = 4;
}  // namespace log_failure

// Where a service's START, EXIT and FAIL lines go (log_type).
struct LogTarget {
  enum class Kind : std::uint8_t { syslog, file };
  Kind kind = Kind::syslog;
  std::uint8_t priority = 0;     // syslog: facility | level, as syslog(3) takes it
  std::string path;              // file: an absolute path
  std::uint64_t soft_limit = 0;  // file: bytes; 0 none
  std::uint64_t hard_limit = 0;  // file: bytes; 0 none
  bool operator==(const LogTarget&) const = default;
};

// A problem at a word: the caller turns it into a diagnostic at its file.
using LogReport = std::function<void(const Word&, Severity, std::string)>;

// The flags of a log_on_success (success true) or log_on_failure value; a
// word that is no flag is an error, USERID and TRAFFIC warnings (`attribute`
// names the setting in messages). nullopt when there was an error.
std::optional<std::uint8_t> parse_log_flags(std::span<const Word> words, bool success,
                                            std::string_view attribute, const LogReport& report);

// log_type's words: SYSLOG facility [level] or FILE path [soft [hard]]. The
// limits are xinetd's: a number with an optional K or M; a hard limit left
// out is the soft one plus 1% of it, kept between 5 KiB and 20 KiB. `at` is
// where an error with no word of its own (too few words) is reported.
std::optional<LogTarget> parse_log_type(std::span<const Word> words, const Word& at,
                                        const LogReport& report);

// The other way, for ninetd --convert and -t: the flags' names in the
// table's order, and log_type's words (SYSLOG facility level, FILE path
// [soft [hard]], the hard limit left out when it is the one soft implies),
// which parse_log_flags and parse_log_type read back into the same values.
std::vector<std::string> log_flag_names(std::uint8_t flags, bool success);
std::vector<std::string> log_type_words(const LogTarget& target);

}  // namespace ninetd::config
