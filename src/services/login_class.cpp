#include "services/login_class.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <map>
#include <set>

namespace ninetd::services {
namespace {

enum class Unit { size, time, count };

struct Capability {
  const char* name;
  int resource;
  Unit unit;
};

constexpr std::array<Capability, 10> kCapabilities{{
    {"cputime", RLIMIT_CPU, Unit::time},
    {"filesize", RLIMIT_FSIZE, Unit::size},
    {"datasize", RLIMIT_DATA, Unit::size},
    {"stacksize", RLIMIT_STACK, Unit::size},
    {"coredumpsize", RLIMIT_CORE, Unit::size},
    {"memoryuse", RLIMIT_RSS, Unit::size},
    {"memorylocked", RLIMIT_MEMLOCK, Unit::size},
    {"maxproc", RLIMIT_NPROC, Unit::count},
    {"openfiles", RLIMIT_NOFILE, Unit::count},
    {"vmemoryuse", RLIMIT_AS, Unit::size},
}};

// Joins continuation lines (a trailing backslash) and drops comments, so each
// element is one "name|alias:cap=value:..." record.
std::vector<std::string> records(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.front() == '#') continue;
    bool continued = !line.empty() && line.back() == '\\';
    if (continued) line.remove_suffix(1);
    current.append(line);
    if (!continued) {
      if (current.find_first_not_of(" \t") != std::string::npos) out.push_back(current);
      current.clear();
    }
    if (end == text.size()) break;
  }
  if (!current.empty()) out.push_back(current);
  return out;
}

// Capabilities of the record whose names include `name`, in file order.
std::optional<std::vector<std::string>> capabilities_of(const std::vector<std::string>& all,
                                                        const std::string& name) {
  for (const std::string& record : all) {
    std::size_t colon = record.find(':');
    std::string_view names = std::string_view(record).substr(0, colon);
    bool match = false;
    while (!names.empty() && !match) {
      std::size_t bar = names.find('|');
      std::string_view one = names.substr(0, bar);
      while (!one.empty() && (one.front() == ' ' || one.front() == '\t')) one.remove_prefix(1);
      match = one == name;
      names = bar == std::string_view::npos ? std::string_view() : names.substr(bar + 1);
    }
    if (!match) continue;
    std::vector<std::string> caps;
    std::string_view rest =
        colon == std::string::npos ? "" : std::string_view(record).substr(colon);
    while (!rest.empty()) {
      rest.remove_prefix(1);
      std::size_t next = rest.find(':');
      std::string_view cap = rest.substr(0, next);
      while (!cap.empty() && (cap.front() == ' ' || cap.front() == '\t')) cap.remove_prefix(1);
      if (!cap.empty()) caps.emplace_back(cap);
      rest = next == std::string_view::npos ? std::string_view() : rest.substr(next);
    }
    return caps;
  }
  return std::nullopt;
}

std::optional<rlim_t> parse_value(std::string_view text, Unit unit) {
  if (text == "infinity" || text == "unlimited" || text == "inf") return RLIM_INFINITY;
  // A value may be a sum of parts with units, as "1h30m" or "64m".
  rlim_t total = 0;
  while (!text.empty()) {
    unsigned long long number = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc() || end == text.data()) return std::nullopt;
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    unsigned long long scale = 1;
    if (!text.empty()) {
      char u = static_cast<char>(std::tolower(static_cast<unsigned char>(text.front())));
      if (unit == Unit::size) {
        if (u == 'b') scale = 512;
        if (u == 'k') scale = 1ULL << 10;
        if (u == 'm') scale = 1ULL << 20;
        if (u == 'g') scale = 1ULL << 30;
        if (u == 't') scale = 1ULL << 40;
      } else if (unit == Unit::time) {
        if (u == 's') scale = 1;
        if (u == 'm') scale = 60;
        if (u == 'h') scale = 3600;
        if (u == 'd') scale = 86400;
        if (u == 'w') scale = 604800;
        if (u == 'y') scale = 31536000;
      }
      if (scale == 1 && !(unit == Unit::time && u == 's')) return std::nullopt;
      text.remove_prefix(1);
    }
    total += static_cast<rlim_t>(number * scale);
  }
  return total;
}

}  // namespace

LoginClassResult find_login_class(std::string_view text, const std::string& name) {
  LoginClassResult result;
  auto all = records(text);
  std::map<int, ResourceLimit> limits;
  std::set<std::pair<int, int>> set_parts;  // (resource, 0 soft / 1 hard) already decided
  std::vector<std::string> chain{name};
  std::set<std::string> visited;
  for (std::size_t i = 0; i < chain.size(); ++i) {
    if (!visited.insert(chain[i]).second) continue;
    auto caps = capabilities_of(all, chain[i]);
    if (!caps) continue;
    if (i == 0) result.found = true;
    for (const std::string& cap : *caps) {
      std::size_t eq = cap.find('=');
      if (eq == std::string::npos) continue;
      std::string key = cap.substr(0, eq);
      std::string value = cap.substr(eq + 1);
      if (key == "tc") {
        chain.push_back(value);
        continue;
      }
      bool soft = true, hard = true;
      if (key.ends_with("-cur")) {
        hard = false;
        key.resize(key.size() - 4);
      } else if (key.ends_with("-max")) {
        soft = false;
        key.resize(key.size() - 4);
      }
      for (const Capability& c : kCapabilities) {
        if (key != c.name) continue;
        auto parsed = parse_value(value, c.unit);
        if (!parsed) {
          result.problems.push_back(
              fmt::format("class {}: bad value \"{}\" for {}", chain[i], value, cap.substr(0, eq)));
          break;
        }
        auto& limit = limits.try_emplace(c.resource, ResourceLimit{c.resource}).first->second;
        if (soft && set_parts.insert({c.resource, 0}).second) limit.soft = *parsed;
        if (hard && set_parts.insert({c.resource, 1}).second) limit.hard = *parsed;
      }
    }
    if (i + 1 == chain.size() && chain[i] != "default" && result.found) chain.push_back("default");
  }
  for (auto& [resource, limit] : limits) {
    // A soft limit above the hard one would make setrlimit fail.
    if (limit.soft != RLIM_INFINITY && limit.hard != RLIM_INFINITY && limit.soft > limit.hard)
      limit.soft = limit.hard;
    if (limit.soft == RLIM_INFINITY && limit.hard != RLIM_INFINITY) limit.soft = limit.hard;
    result.limits.push_back(limit);
  }
  return result;
}

}  // namespace ninetd::services
