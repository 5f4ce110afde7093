// AccessList: which client addresses a service serves, as xinetd's only_from
// and no_access decide it. Rules are IPv4 and IPv6 prefixes; an IPv4-mapped
// IPv6 client is matched as the IPv4 address it is.
//
//   - no rules: everyone is served;
//   - the longest prefix that matches decides: allow serves, deny refuses,
//     and a prefix in both lists refuses;
//   - no prefix matches: refused when an allow list was given (even an
//     empty one), served otherwise.
//
// Built once per configuration into tables by prefix length, so a check is a
// binary search per distinct length, with no text parsed per client. Pure.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ninetd::limits {

// One address prefix, the address in network byte order (IPv4 in the first
// four bytes), the bits past `length` zero.
struct AddressPrefix {
  bool v4 = true;
  std::uint8_t length = 0;
  std::array<std::uint8_t, 16> bytes{};
  bool operator==(const AddressPrefix&) const = default;
};

// "192.0.2.0/24", "2001:db8::/32", a single address ("127.0.0.1", "::1"),
// or an IPv4-mapped IPv6 prefix, read as the IPv4 prefix it covers. A prefix
// with bits set past its length is refused (a typo, most often), as is any
// other text; `error` says why.
std::optional<AddressPrefix> parse_prefix(std::string_view text, std::string& error);
std::string to_string(const AddressPrefix& prefix);
// The prefix with its address bits past `length` cleared: the network it names.
AddressPrefix network_of(AddressPrefix prefix);

// One rule of a list as the configuration keeps it.
struct AccessRule {
  AddressPrefix prefix;
  bool allow = true;
  bool operator==(const AccessRule&) const = default;
};

class AccessList {
 public:
  enum class Verdict : std::uint8_t { allowed, denied, not_allowed };

  AccessList() = default;  // no rules: everyone is served
  // `allow_given`: an allow list was configured, so an address it does not
  // cover is refused (with no rule at all in it, every address).
  AccessList(const std::vector<AccessRule>& rules, bool allow_given);

  // `bytes` is 4 bytes for IPv4, 16 for IPv6.
  Verdict check(const std::uint8_t* bytes, bool v4) const;
  bool restricts() const { return allow_given_ || !v4_.empty() || !v6_.empty(); }

 private:
  template <typename Word>
  struct Level {
    std::uint8_t length = 0;
    std::vector<Word> allow;  // sorted, masked to `length`
    std::vector<Word> deny;
  };
  using Word6 = unsigned __int128;

  std::vector<Level<std::uint32_t>> v4_;  // longest prefix first
  std::vector<Level<Word6>> v6_;
  bool allow_given_ = false;
};

}  // namespace ninetd::limits
