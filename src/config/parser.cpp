#include "config/parser.h"

#include <fmt/format.h>

#include <array>

#include "config/fields.h"
#include "config/key_values.h"
#include "config/lexer.h"

namespace ninetd::config {
namespace {

// The service and protocol of an entry that could not be parsed, as far as
// its words show them, so that a reload keeps the running definition.
FailedEntry name_failed_entry(const Entry& entry) {
  if (entry.key_values) return name_failed_key_values(entry);
  FailedEntry failed;
  failed.line = entry.line();
  const auto& words = entry.words;
  if (words.size() > 2) failed.protocol = words[2].text.substr(0, words[2].text.find(','));
  if (!words.empty()) {
    failed.service = words[0].text;
    auto colon = failed.service.rfind(':');
    if (failed.protocol != "unix" && colon != std::string::npos) failed.service.erase(0, colon + 1);
  }
  return failed;
}

// Returns one spec per bind host ("a,b:echo" gives two), none on error.
std::vector<ServiceSpec> parse_classic(const std::string& file, const Entry& entry,
                                       const DefaultHost& default_host,
                                       std::vector<Diagnostic>& diagnostics, FailedEntry& failed) {
  static constexpr std::array<const char*, 6> kFields{
      "service name", "socket type", "protocol", "wait/nowait", "user", "server program"};
  static constexpr std::array<const char*, 6> kForms{
      "[host:]service", "stream, dgram, raw or seqpacket", kExpectedProtocols,
      "wait or nowait", "user[:group][/login-class]",      "an absolute path or \"internal\""};
  const auto& words = entry.words;
  if (words.size() < kFields.size()) {
    const Word& last = words.back();
    diagnostics.push_back({file, last.line, last.column + static_cast<int>(last.text.size()),
                           Severity::error,
                           fmt::format("missing {} field (expected {}); entry has {} of the 6 "
                                       "required fields",
                                       kFields[words.size()], kForms[words.size()], words.size())});
    failed = name_failed_entry(entry);
    return {};
  }
  FieldParser fields(file, entry.line(), diagnostics);
  std::vector<std::string> hosts;
  fields.parse_protocol(words[2]);
  fields.parse_service(words[0], default_host, hosts);
  fields.parse_socket_type(words[1]);
  fields.parse_wait(words[3]);
  fields.parse_user(words[4]);
  fields.parse_program(words[5], std::span<const Word>(words).subspan(6));
  if (fields.ok()) fields.check_combination(words[1], words[2], words[3]);
  return finish_specs(fields, hosts, failed);
}

// A line that is only "host:" sets the bind address of the entries after it,
// as in OpenBSD inetd; "*:" goes back to any address.
bool is_host_line(const Entry& entry) {
  return !entry.key_values && entry.words.size() == 1 && entry.words[0].text.ends_with(':');
}

}  // namespace

std::vector<ServiceSpec> finish_specs(FieldParser& fields, const std::vector<std::string>& hosts,
                                      FailedEntry& failed) {
  const ServiceSpec& spec = fields.spec();
  if (!fields.ok()) {
    failed = {spec.line, spec.service, spec.protocol};
    return {};
  }
  std::vector<ServiceSpec> specs;
  if (hosts.empty()) specs.push_back(spec);
  for (const auto& host : hosts) {
    specs.push_back(spec);
    specs.back().host = host;
  }
  return specs;
}

ParseResult parse_config(std::string_view text, const std::string& file) {
  ParseResult result;
  DefaultHost default_host;
  std::vector<Entry> entries = split_entries(text, file, result.diagnostics);
  // Most entries make one spec: reserving spares the moves of a growing vector.
  result.services.reserve(entries.size());
  for (const Entry& entry : entries) {
    if (entry.broken) {
      if (!is_directive(entry)) result.failed.push_back(name_failed_entry(entry));
      continue;
    }
    if (is_directive(entry)) {
      IncludeDirective include;
      if (!parse_include(entry, file, include, result.diagnostics)) continue;
      include.position = result.services.size();
      result.includes.push_back(std::move(include));
      continue;
    }
    if (is_host_line(entry)) {
      FieldParser(file, entry.line(), result.diagnostics)
          .parse_host_line(entry.words[0], default_host);
      continue;
    }
    FailedEntry failed;
    bool switched_off = false;
    std::size_t first_diagnostic = result.diagnostics.size();
    auto specs =
        entry.key_values
            ? parse_key_values(file, entry, default_host, result.diagnostics, failed, switched_off)
            : parse_classic(file, entry, default_host, result.diagnostics, failed);
    if (specs.empty() && !switched_off) result.failed.push_back(std::move(failed));
    // Written "off": its settings are checked, but not warned about.
    if (entry.key_values && entry.words.size() > 1 && entry.words[1].text == "off")
      drop_warnings(result.diagnostics, first_diagnostic);
    for (auto& spec : specs) {
      if (switched_off)
        result.switched_off.push_back({result.services.size(), std::move(spec)});
      else
        result.services.push_back(std::move(spec));
    }
  }
  return result;
}

}  // namespace ninetd::config
