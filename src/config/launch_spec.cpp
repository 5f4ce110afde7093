#include "config/launch_spec.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <charconv>

namespace ninetd::config {
namespace {

constexpr std::array<RlimitKind, kRlimitKinds> kKinds{{
    {"rlimit_as", RLIMIT_AS, true},
    {"rlimit_cpu", RLIMIT_CPU, false},
    {"rlimit_data", RLIMIT_DATA, true},
    {"rlimit_rss", RLIMIT_RSS, true},
    {"rlimit_stack", RLIMIT_STACK, true},
    {"rlimit_files", RLIMIT_NOFILE, true},
}};

// The variables every launch writes itself (spawn/launch_template.cpp): one
// given by the configuration too would be a second, conflicting definition.
bool set_per_connection(std::string_view name) {
  if (name == "PROTO" || name == "LISTEN_FDS" || name == "LISTEN_PID") return true;
  for (std::string_view prefix : {"TCP6", "UDP6", "TCP", "UDP"}) {
    if (!name.starts_with(prefix)) continue;
    std::string_view rest = name.substr(prefix.size());
    if (rest == "REMOTEIP" || rest == "REMOTEPORT" || rest == "LOCALIP" || rest == "LOCALPORT")
      return true;
  }
  return false;
}

}  // namespace

const std::array<RlimitKind, kRlimitKinds>& rlimit_kinds() {
  return kKinds;
}

const RlimitKind& rlimit_kind(Rlimit which) {
  return kKinds[static_cast<std::size_t>(which)];
}

std::string variable_name_problem(std::string_view name) {
  if (name.empty()) return "the variable's name is empty";
  if (name.find('=') != std::string_view::npos) return "a variable's name may not hold '='";
  if (name.find('\0') != std::string_view::npos) return "a variable's name may not hold a NUL";
  if (name.size() >= kMaxVariableBytes)
    return fmt::format("the variable's name is longer than {} bytes", kMaxVariableBytes - 1);
  if (set_per_connection(name))
    return fmt::format("{} is set by ninetd for every connection", name);
  return {};
}

std::string env_entry_problem(std::string_view entry) {
  std::size_t equals = entry.find('=');
  if (equals == std::string_view::npos) return "expected NAME=VALUE (no '=')";
  if (std::string problem = variable_name_problem(entry.substr(0, equals)); !problem.empty())
    return problem;
  if (entry.find('\0') != std::string_view::npos) return "a value may not hold a NUL";
  if (entry.size() > kMaxVariableBytes)
    return fmt::format("NAME=VALUE is {} bytes, more than the limit of {}", entry.size(),
                       kMaxVariableBytes);
  return {};
}

std::optional<int> parse_nice(std::string_view text) {
  int value = 0;
  const char* first = text.data();
  if (!text.empty() && text.front() == '+') ++first;
  auto [end, ec] = std::from_chars(first, text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || first == end) return std::nullopt;
  if (value < -20 || value > 19) return std::nullopt;
  return value;
}

std::optional<std::uint32_t> parse_umask(std::string_view text) {
  if (text.empty() || text.size() > 8) return std::nullopt;
  std::uint32_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '7') return std::nullopt;
    value = value * 8 + static_cast<std::uint32_t>(c - '0');
  }
  if (value > 0777) return std::nullopt;
  return value;
}

// xinetd's get_limit: digits, then K or M (either case) for KiB and MiB.
std::optional<std::uint64_t> parse_rlimit(Rlimit which, std::string_view text,
                                          std::string& problem) {
  const RlimitKind& kind = rlimit_kind(which);
  std::string_view what =
      kind.sizes ? "a number (with K or M) or UNLIMITED" : "seconds or UNLIMITED";
  if (text == "UNLIMITED" || text == "unlimited") return kUnlimited;
  std::uint64_t scale = 1;
  std::string_view digits = text;
  if (kind.sizes && !digits.empty()) {
    char last = digits.back();
    if (last == 'k' || last == 'K') scale = 1024;
    if (last == 'm' || last == 'M') scale = std::uint64_t{1024} * 1024;
    if (scale != 1) digits.remove_suffix(1);
  }
  std::uint64_t number = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  bool all_digits = !digits.empty() && end == digits.data() + digits.size() &&
                    digits.find_first_not_of("0123456789") == std::string_view::npos;
  if (!all_digits) {
    problem = fmt::format("{} takes {}, got \"{}\"", kind.key, what, text);
    return std::nullopt;
  }
  // The largest limit the kernel takes below its own "unlimited".
  if (ec == std::errc::result_out_of_range || number > (kUnlimited - 1) / scale) {
    problem = fmt::format("{} = \"{}\" is too large (UNLIMITED has no limit)", kind.key, text);
    return std::nullopt;
  }
  return number * scale;
}

}  // namespace ninetd::config

namespace ninetd::config {
namespace {

class SettingReader {
 public:
  SettingReader(const Word& key, const std::vector<Word>& values, LaunchSpec& launch)
      : key_(key), values_(values), launch_(launch) {}

  std::vector<LaunchProblem> read();

 private:
  void error(const Word& where, std::string message) {
    problems_.push_back({where, std::move(message), false});
  }
  void read_env();
  void read_passenv();
  void read_rlimit(Rlimit which);
  void check_count();

  const Word& key_;
  const std::vector<Word>& values_;
  LaunchSpec& launch_;
  std::vector<LaunchProblem> problems_;
};

void SettingReader::read_env() {
  std::vector<std::string> env;
  for (const Word& value : values_) {
    if (std::string problem = env_entry_problem(value.text); !problem.empty()) {
      error(value, fmt::format("env: \"{}\": {}", value.text, problem));
      continue;
    }
    env.push_back(value.text);
  }
  if (problems_.empty()) launch_.env = std::move(env);
}

void SettingReader::read_passenv() {
  std::vector<std::string> names;
  for (const Word& value : values_) {
    if (std::string problem = variable_name_problem(value.text); !problem.empty()) {
      error(value, fmt::format("passenv: \"{}\": {}", value.text, problem));
      continue;
    }
    if (std::find(names.begin(), names.end(), value.text) == names.end())
      names.push_back(value.text);
  }
  if (problems_.empty()) launch_.passenv = std::move(names);
}

void SettingReader::read_rlimit(Rlimit which) {
  const Word& word = values_[0];
  std::string problem;
  auto value = parse_rlimit(which, word.text, problem);
  if (!value) {
    error(word, std::move(problem));
    return;
  }
  // xinetd applies no limit of 0 (it would stop the server at once, or
  // leave it no descriptor to open).
  if (*value == 0) {
    problems_.push_back(
        {word, fmt::format("{} = 0 is ignored (as xinetd does): it sets no limit", key_.text),
         true});
    return;
  }
  launch_.rlimits.push_back({which, *value});
}

void SettingReader::check_count() {
  std::size_t total = launch_.env.size() + launch_.passenv.size();
  if (total <= kMaxVariables) return;
  error(key_, fmt::format("env and passenv name {} variables, more than the limit of {}", total,
                          kMaxVariables));
  (key_.text == "env" ? launch_.env : launch_.passenv).clear();
}

std::vector<LaunchProblem> SettingReader::read() {
  const std::string& key = key_.text;
  if (key == "env") {
    read_env();
    check_count();
  } else if (key == "passenv") {
    read_passenv();
    check_count();
  } else if (key == "nice") {
    if (auto nice = parse_nice(values_[0].text))
      launch_.nice = *nice;
    else
      error(values_[0],
            fmt::format("nice takes a number from -20 to 19, got \"{}\"", values_[0].text));
  } else if (key == "umask") {
    if (auto mask = parse_umask(values_[0].text))
      launch_.umask = *mask;
    else
      error(values_[0],
            fmt::format("umask takes an octal mask from 0 to 0777, got \"{}\"", values_[0].text));
  } else {
    for (std::size_t i = 0; i < kRlimitKinds; ++i)
      if (kKinds[i].key == key) read_rlimit(static_cast<Rlimit>(i));
  }
  return std::move(problems_);
}

}  // namespace

bool is_launch_key(std::string_view key) {
  if (key == "env" || key == "passenv" || key == "nice" || key == "umask") return true;
  for (const RlimitKind& kind : kKinds)
    if (kind.key == key) return true;
  return false;
}

std::vector<LaunchProblem> read_launch_setting(const Word& key, const std::vector<Word>& values,
                                               LaunchSpec& launch) {
  return SettingReader(key, values, launch).read();
}

}  // namespace ninetd::config
