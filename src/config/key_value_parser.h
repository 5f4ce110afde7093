// The inside of key_values.h, for its own files only: the key table's row
// (key_table.cpp holds the rows), the parser that applies the rows to one
// entry (key_value_parser.cpp), and the value readers the rows share
// (key_value_readers.cpp). Nothing outside src/config/key_*.cpp includes it;
// the rest of ninetd sees the table through key_values.h.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/fields.h"
#include "config/key_values.h"
#include "config/lexer.h"
#include "config/log_settings.h"
#include "config/service_spec.h"

namespace ninetd::config::key_values_detail {

class KeyValueParser;
using KeyHandler = void (*)(KeyValueParser&, const Option&);

// A key: how it is read (apply) and written back (write: its values for a
// spec, or false to leave it out; null for the keys that only the reader
// knows, NetBSD's spellings of a setting another key writes). `classic`: the
// six fields of a classic line carry it, so writing it needs no key=value
// entry. One row, so a key cannot be read without being written or the
// other way round.
struct KeyRow {
  KeyDescription description;
  std::size_t min_values;
  std::size_t max_values;
  KeyHandler apply;
  KeyValues write = nullptr;
  bool classic = false;
};

// The table, in the order its rows are applied (key_table.cpp).
std::span<const KeyRow> key_rows();

// One entry's reading: the table's rows are applied in the table's order,
// so that the protocol is known before the service and the rest are read.
class KeyValueParser {
 public:
  KeyValueParser(const std::string& file, const Entry& entry, std::vector<Diagnostic>& diagnostics)
      : entry_(entry), fields_(file, entry.line(), diagnostics) {}

  std::vector<ServiceSpec> parse(const DefaultHost& default_host, FailedEntry& failed,
                                 bool& switched_off);

  FieldParser& fields() { return fields_; }
  ServiceSpec& spec() { return fields_.spec(); }

  // `port = N`: the socket's port is N and the service word only names it
  // (xinetd's service NAME with port = N; what --convert writes).
  void apply_port(const Word& value);

  // What the handlers leave for the checks at the end.
  std::optional<Word> protocol_word;
  std::optional<Word> type_word;
  std::optional<Word> wait_word;
  std::optional<Word> exec_word;
  std::optional<Word> bind_word;
  std::optional<Word> redirect_word;
  std::optional<bool> wait;
  std::vector<Word> args;
  bool args_given = false;
  // A NetBSD limit of 0, which lets no connection through.
  std::optional<Word> admits_nothing;
  // The policy keys given, for the checks that need the whole service.
  std::array<std::optional<Word>, kBannerKinds> banner_keys;
  std::optional<Word> access_times_key;
  std::optional<Word> max_load_key;

 private:
  const Option* find_checked(const KeyRow& row);
  void check_keys();
  void apply_bind(std::vector<std::string>& hosts);
  void infer_socket_type();
  void check_access_applies();
  void check_policy_applies();
  void settle_program();
  void settle_redirect();

  const Entry& entry_;
  FieldParser fields_;
  std::vector<const Option*> seen_;
};

// The value readers that more than one row uses (key_value_readers.cpp).
// Each reports its mistakes through the parser's fields, at the word that
// holds them.

// yes or no into `out`; false (reported) for anything else.
bool yes_or_no(KeyValueParser& p, const Word& word, bool& out);
// NetBSD's limits: a number from 0, where 0 lets no connection through.
std::optional<unsigned> limit_value(KeyValueParser& p, const Option& option);
// sndbuf and recvbuf, which the protocol's ,sndbuf= and ,rcvbuf= may have set.
void buffer_size(KeyValueParser& p, const Option& option, std::optional<int>& target,
                 std::string_view protocol_option);
// ninetd's own limit keys: a number from 1 (left out, no limit), into a
// limit that one NetBSD key may have set already.
void positive_limit(KeyValueParser& p, const Option& option, std::optional<unsigned>& target,
                    std::string_view netbsd_key);
// allow and deny.
void access_rules(KeyValueParser& p, const Option& option, bool allow);
// env, passenv, nice, umask and rlimit_*.
void launch_key(KeyValueParser& p, const Option& option);
// How log_settings.h's readers report, for the log_* keys.
LogReport reporter(KeyValueParser& p);
// log_on_success (`success`) and log_on_failure.
void log_flags(KeyValueParser& p, const Option& option, bool success);
// banner, banner_success and banner_fail.
void banner(KeyValueParser& p, const Option& option, BannerKind kind);

}  // namespace ninetd::config::key_values_detail
