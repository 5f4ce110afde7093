// LaunchSpec: how a server is started beyond its user and argv: variables
// added to its environment, its nice value, umask and resource limits, as
// xinetd's env, passenv, nice, umask and rlimit_* attributes give them (the
// key=value form has keys of the same names and values). Most services have
// none of them. Pure: the value checks both forms share, text in, values or
// a problem out.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/lexer.h"

namespace ninetd::config {

// The resource limits xinetd names, in its order.
enum class Rlimit : std::uint8_t { as, cpu, data, rss, stack, files };
inline constexpr std::size_t kRlimitKinds = 6;

// An rlimit_* value of UNLIMITED.
inline constexpr std::uint64_t kUnlimited = ~std::uint64_t{0};

// Bounds on what one service may add to its servers' environment: env and
// passenv together, and one NAME=VALUE string. The environment is copied
// into every launch, so it is bounded as any per-launch work is.
inline constexpr std::size_t kMaxVariables = 64;
inline constexpr std::size_t kMaxVariableBytes = 4096;

struct RlimitSetting {
  Rlimit which = Rlimit::as;
  std::uint64_t value = 0;  // kUnlimited for UNLIMITED
  bool operator==(const RlimitSetting&) const = default;
};

struct LaunchSpec {
  std::vector<std::string> env;      // NAME=VALUE, as given
  std::vector<std::string> passenv;  // names, read from the loader's environment
  std::optional<int> nice;
  std::optional<std::uint32_t> umask;
  std::vector<RlimitSetting> rlimits;  // one per kind at most
  bool empty() const {
    return env.empty() && passenv.empty() && !nice && !umask && rlimits.empty();
  }
  bool operator==(const LaunchSpec&) const = default;
};

struct RlimitKind {
  std::string_view key;  // "rlimit_as"
  int resource;          // RLIMIT_AS
  bool sizes;            // takes K and M suffixes (all but rlimit_cpu)
};
const std::array<RlimitKind, kRlimitKinds>& rlimit_kinds();
const RlimitKind& rlimit_kind(Rlimit which);

// Each check returns what is wrong with the text, empty when nothing is.
// A variable's name: not empty, no '=' or NUL, and none of the variables
// ninetd sets per connection (PROTO, the UCSPI ones, LISTEN_FDS/LISTEN_PID).
std::string variable_name_problem(std::string_view name);
// NAME=VALUE for env: the name as above, the whole within kMaxVariableBytes.
std::string env_entry_problem(std::string_view entry);

// -20 to 19, as setpriority takes it.
std::optional<int> parse_nice(std::string_view text);
// Octal, at most 0777.
std::optional<std::uint32_t> parse_umask(std::string_view text);
// A number (with K or M for the sizes: KiB, MiB) or UNLIMITED; nullopt and
// `problem` set for anything else, an overflow included.
std::optional<std::uint64_t> parse_rlimit(Rlimit which, std::string_view text,
                                          std::string& problem);

// One of the keys above (env, passenv, nice, umask, rlimit_*) read into
// `launch`, its values already merged (xinetd's += and -=). What is wrong, in
// order; an error leaves `launch` without the key's setting.
struct LaunchProblem {
  Word where;
  std::string message;
  bool warning = false;
};
bool is_launch_key(std::string_view key);
std::vector<LaunchProblem> read_launch_setting(const Word& key, const std::vector<Word>& values,
                                               LaunchSpec& launch);

}  // namespace ninetd::config
