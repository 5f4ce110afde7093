#include "config/xinetd/address.h"

#include <fmt/format.h>

#include <optional>

namespace ninetd::config::xinetd {
namespace {

constexpr std::size_t kMaxFactors = 256;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// One dotted part: 0-255, at most three digits.
std::optional<unsigned> part_value(std::string_view text) {
  if (text.empty() || text.size() > 3) return std::nullopt;
  unsigned value = 0;
  for (char c : text) {
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 255) return std::nullopt;
  return value;
}

// "a.b.c" into its parts; nullopt if any is not 0-255 or there are more than `max`.
std::optional<std::vector<unsigned>> dotted_parts(std::string_view text, std::size_t max) {
  std::vector<unsigned> parts;
  for (;;) {
    std::size_t dot = text.find('.');
    auto value = part_value(text.substr(0, dot));
    if (!value || parts.size() == max) return std::nullopt;
    parts.push_back(*value);
    if (dot == std::string_view::npos) return parts;
    text.remove_prefix(dot + 1);
  }
}

AddressForm bad(std::string problem) {
  AddressForm form;
  form.problem = std::move(problem);
  return form;
}

// `parts` given, the rest wildcards: the prefix of the parts' length.
AddressForm add_prefix(AddressForm form, const std::vector<unsigned>& parts) {
  std::string text = fmt::format("{}.{}.{}.{}/{}", parts.size() > 0 ? parts[0] : 0,
                                 parts.size() > 1 ? parts[1] : 0, parts.size() > 2 ? parts[2] : 0,
                                 parts.size() > 3 ? parts[3] : 0, parts.size() * 8);
  std::string problem;
  auto prefix = limits::parse_prefix(text, problem);
  if (!prefix) return bad(problem);
  form.kind = AddressForm::Kind::prefixes;
  form.prefixes.push_back(*prefix);
  return form;
}

AddressForm factorized(std::string_view text, std::size_t brace) {
  std::string_view head = text.substr(0, brace);
  std::string_view list = text.substr(brace + 1);
  if (!list.ends_with('}') || list.find('{') != std::string_view::npos)
    return bad("a factorized address ends with its {list}: a.b.{c,d}");
  list.remove_suffix(1);
  std::vector<unsigned> parts;
  if (!head.empty()) {
    if (!head.ends_with('.')) return bad("expected '.' before '{'");
    auto given = dotted_parts(head.substr(0, head.size() - 1), 3);
    if (!given) return bad("each part of an IPv4 address is a number from 0 to 255");
    parts = *given;
  }
  AddressForm form;
  std::size_t count = 0;
  for (;;) {
    std::size_t comma = list.find(',');
    auto value = part_value(list.substr(0, comma));
    if (!value) return bad("each value in {} is a number from 0 to 255");
    if (++count > kMaxFactors) return bad("more than 256 values in {}");
    parts.push_back(*value);
    form = add_prefix(std::move(form), parts);
    parts.pop_back();
    if (comma == std::string_view::npos) return form;
    list.remove_prefix(comma + 1);
  }
}

bool name_like(std::string_view text) {
  bool letter = false;
  for (char c : text) {
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    letter = letter || alpha;
    if (!alpha && !is_digit(c) && c != '.' && c != '-' && c != '_') return false;
  }
  return letter;
}

}  // namespace

AddressForm parse_address_form(std::string_view text) {
  if (std::size_t brace = text.find('{'); brace != std::string_view::npos)
    return factorized(text, brace);
  bool v6 = text.find(':') != std::string_view::npos;
  if (v6 || text.find('/') != std::string_view::npos) {
    std::string problem;
    auto prefix = limits::parse_prefix(text, problem);
    if (!prefix) return bad(problem);
    AddressForm form;
    form.kind = AddressForm::Kind::prefixes;
    form.prefixes.push_back(*prefix);
    return form;
  }
  if (name_like(text)) {
    AddressForm form;
    form.kind = AddressForm::Kind::name;
    return form;
  }
  auto parts = dotted_parts(text, 4);
  if (!parts || parts->size() != 4)
    return bad("expected an address (a.b.c.d, a.b.c.0 for a.b.c.*, a.b.{c,d}, a prefix) or a name");
  // xinetd: zero parts at the right are wildcards.
  while (!parts->empty() && parts->back() == 0) parts->pop_back();
  return add_prefix(AddressForm{}, *parts);
}

}  // namespace ninetd::config::xinetd
