#include "limits/access_list.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace ninetd::limits {
namespace {

using Word6 = unsigned __int128;

constexpr std::array<std::uint8_t, 12> kMappedPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

std::uint32_t word4(const std::uint8_t* bytes) {
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
         (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

Word6 word6(const std::uint8_t* bytes) {
  Word6 word = 0;
  for (int i = 0; i < 16; ++i) word = (word << 8) | bytes[i];
  return word;
}

template <typename Word>
Word mask_of(unsigned length) {
  constexpr unsigned kBits = sizeof(Word) * 8;
  return length == 0 ? Word{0} : static_cast<Word>(~Word{0} << (kBits - length));
}

template <typename Word>
AccessList::Verdict search(const auto& levels, Word address) {
  for (const auto& level : levels) {
    Word masked = address & mask_of<Word>(level.length);
    // Deny first: a prefix in both lists refuses.
    if (std::binary_search(level.deny.begin(), level.deny.end(), masked))
      return AccessList::Verdict::denied;
    if (std::binary_search(level.allow.begin(), level.allow.end(), masked))
      return AccessList::Verdict::allowed;
  }
  return AccessList::Verdict::not_allowed;  // the caller decides what no match means
}

template <typename Word>
void add_rule(auto& levels, std::uint8_t length, Word word, bool allow) {
  auto level =
      std::find_if(levels.begin(), levels.end(), [&](const auto& l) { return l.length == length; });
  if (level == levels.end()) {
    levels.emplace_back();
    level = levels.end() - 1;
    level->length = length;
  }
  (allow ? level->allow : level->deny).push_back(word);
}

template <typename Levels>
void finish(Levels& levels) {
  std::sort(levels.begin(), levels.end(),
            [](const auto& a, const auto& b) { return a.length > b.length; });
  for (auto& level : levels) {
    std::sort(level.allow.begin(), level.allow.end());
    std::sort(level.deny.begin(), level.deny.end());
  }
}

}  // namespace

std::optional<AddressPrefix> parse_prefix(std::string_view text, std::string& error) {
  std::size_t slash = text.find('/');
  std::string address(text.substr(0, slash));
  AddressPrefix prefix;
  in6_addr v6{};
  if (inet_pton(AF_INET, address.c_str(), prefix.bytes.data()) == 1) {
    prefix.v4 = true;
    prefix.length = 32;
  } else if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) {
    prefix.v4 = false;
    prefix.length = 128;
    std::memcpy(prefix.bytes.data(), &v6, 16);
  } else {
    error = fmt::format("\"{}\" is not an IPv4 or IPv6 address", address);
    return std::nullopt;
  }
  if (slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    unsigned length = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
        length > prefix.length) {
      error = fmt::format("\"/{}\" is not a prefix length for {} (0 to {})", digits,
                          prefix.v4 ? "IPv4" : "IPv6", prefix.length);
      return std::nullopt;
    }
    prefix.length = static_cast<std::uint8_t>(length);
  }
  if (AddressPrefix network = network_of(prefix); network != prefix) {
    error = fmt::format("\"{}\" has address bits set past /{}: the network is {}", text,
                        prefix.length, to_string(network));
    return std::nullopt;
  }
  // ::ffff:a.b.c.d/96+n covers the IPv4 clients a.b.c.d/n, and is kept as that.
  if (!prefix.v4 && prefix.length >= 96 &&
      std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), prefix.bytes.begin())) {
    AddressPrefix v4;
    v4.v4 = true;
    v4.length = static_cast<std::uint8_t>(prefix.length - 96);
    std::copy(prefix.bytes.begin() + 12, prefix.bytes.end(), v4.bytes.begin());
    return v4;
  }
  return prefix;
}

AddressPrefix network_of(AddressPrefix prefix) {
  std::size_t size = prefix.v4 ? 4 : 16;
  for (std::size_t i = 0; i < size; ++i) {
    unsigned first_bit = static_cast<unsigned>(i) * 8;
    if (prefix.length >= first_bit + 8) continue;
    unsigned kept = prefix.length > first_bit ? prefix.length - first_bit : 0;
    prefix.bytes[i] &= static_cast<std::uint8_t>(0xff00u >> kept);
  }
  return prefix;
}

std::string to_string(const AddressPrefix& prefix) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(prefix.v4 ? AF_INET : AF_INET6, prefix.bytes.data(), text, sizeof(text));
  return fmt::format("{}/{}", text, prefix.length);
}

AccessList::AccessList(const std::vector<AccessRule>& rules, bool allow_given)
    : allow_given_(allow_given) {
  for (const AccessRule& rule : rules) {
    const AddressPrefix& p = rule.prefix;
    if (p.v4)
      add_rule(v4_, p.length, word4(p.bytes.data()), rule.allow);
    else
      add_rule(v6_, p.length, word6(p.bytes.data()), rule.allow);
  }
  finish(v4_);
  finish(v6_);
}

AccessList::Verdict AccessList::check(const std::uint8_t* bytes, bool v4) const {
  if (!v4 && std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), bytes)) {
    bytes += 12;
    v4 = true;
  }
  Verdict verdict = v4 ? search(v4_, word4(bytes)) : search(v6_, word6(bytes));
  if (verdict == Verdict::not_allowed && !allow_given_) return Verdict::allowed;
  return verdict;
}

}  // namespace ninetd::limits
