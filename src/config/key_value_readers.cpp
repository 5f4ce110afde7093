// The value readers the key table's rows share (key_value_parser.h): each
// reads one key's values into the spec, and reports a mistake at the word
// that holds it. The rows with a reader of their own keep it in the table.
#include <fmt/format.h>

#include <optional>
#include <string>
#include <string_view>

#include "config/key_value_parser.h"
#include "config/launch_spec.h"
#include "config/log_settings.h"
#include "config/policy_fields.h"
#include "limits/access_list.h"

namespace ninetd::config::key_values_detail {

bool yes_or_no(KeyValueParser& p, const Word& word, bool& out) {
  if (word.text == "yes" || word.text == "no") {
    out = word.text == "yes";
    return true;
  }
  p.fields().error(word, 0, fmt::format("expected yes or no, got \"{}\"", word.text));
  return false;
}

std::optional<unsigned> limit_value(KeyValueParser& p, const Option& option) {
  const Word& word = option.values[0];
  auto value = parse_number(word.text, kMaxLimit);
  if (!value) {
    p.fields().error(word, 0,
                     fmt::format("{} must be a number from 0 to {}, got \"{}\"", option.key.text,
                                 kMaxLimit, word.text));
    return std::nullopt;
  }
  if (*value == 0 && !p.admits_nothing) p.admits_nothing = option.key;
  return static_cast<unsigned>(*value);
}

void buffer_size(KeyValueParser& p, const Option& option, std::optional<int>& target,
                 std::string_view protocol_option) {
  const Word& word = option.values[0];
  if (target) {
    p.fields().error(option.key, 0,
                     fmt::format("{} is given twice: here and as the protocol's ,{}=",
                                 option.key.text, protocol_option));
    return;
  }
  auto size = parse_size(word.text);
  if (!size)
    p.fields().error(word, 0,
                     fmt::format("{} needs a size in bytes, with an optional k or m, got \"{}\"",
                                 option.key.text, word.text));
  else
    target = size;
}

void positive_limit(KeyValueParser& p, const Option& option, std::optional<unsigned>& target,
                    std::string_view netbsd_key) {
  const Word& word = option.values[0];
  if (target) {
    p.fields().error(
        option.key, 0,
        fmt::format("{} and {} set the same limit; give one", option.key.text, netbsd_key));
    return;
  }
  auto value = parse_number(word.text, kMaxLimit);
  if (!value || *value == 0) {
    p.fields().error(word, 0,
                     fmt::format("{} must be a number from 1 up (leave it out for no limit), got "
                                 "\"{}\"",
                                 option.key.text, word.text));
    return;
  }
  target = static_cast<unsigned>(*value);
}

// allow and deny: prefixes, as separate values, or joined by commas in one
// quoted value (a bare comma ends the key). A mistake is reported at the
// value that holds it, and names the prefix.
void access_rules(KeyValueParser& p, const Option& option, bool allow) {
  (allow ? p.spec().allow_given : p.spec().deny_given) = true;
  for (const Word& value : option.values) {
    std::string_view text = value.text;
    std::size_t start = 0;
    for (;;) {
      std::size_t comma = text.find(',', start);
      std::string_view one =
          text.substr(start, comma == std::string_view::npos ? comma : comma - start);
      std::string problem;
      if (auto prefix = limits::parse_prefix(one, problem))
        p.spec().access_rules.push_back({*prefix, allow});
      else
        p.fields().error(value, 0, fmt::format("{}: {}", option.key.text, problem));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
}

// env, passenv, nice, umask and rlimit_*: xinetd's attributes of the same
// names and values (config/launch_spec.h).
void launch_key(KeyValueParser& p, const Option& option) {
  for (LaunchProblem& problem : read_launch_setting(option.key, option.values, p.spec().launch)) {
    if (problem.warning)
      p.fields().warning(problem.where, 0, std::move(problem.message));
    else
      p.fields().error(problem.where, 0, std::move(problem.message));
  }
}

LogReport reporter(KeyValueParser& p) {
  return [&p](const Word& word, Severity severity, std::string message) {
    if (severity == Severity::error)
      p.fields().error(word, 0, std::move(message));
    else
      p.fields().warning(word, 0, std::move(message));
  };
}

void log_flags(KeyValueParser& p, const Option& option, bool success) {
  auto flags = parse_log_flags(option.values, success, option.key.text, reporter(p));
  if (flags) (success ? p.spec().log_on_success : p.spec().log_on_failure) = *flags;
}

void banner(KeyValueParser& p, const Option& option, BannerKind kind) {
  const Word& value = option.values[0];
  if (auto problem = banner_path_problem(value.text); !problem.empty())
    return p.fields().error(value, 0, fmt::format("{} {}", option.key.text, problem));
  auto index = static_cast<std::size_t>(kind);
  p.spec().policy.banners[index] = {value.text, {}, {value.line, value.column}};
  p.banner_keys[index] = option.key;
}

}  // namespace ninetd::config::key_values_detail
