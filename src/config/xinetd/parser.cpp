#include "config/xinetd/parser.h"

#include <fmt/format.h>

#include <set>
#include <tuple>

#include "config/xinetd/attributes.h"
#include "config/xinetd/mapping.h"
#include "config/xinetd/syntax.h"

namespace ninetd::config::xinetd {
namespace {

// The service and protocol of a block that could not be read, as far as its
// lines show them, so that a reload keeps the running definition.
FailedEntry name_failed(const Block& block) {
  FailedEntry failed;
  failed.line = block.keyword.line;
  failed.service = block.name.text;
  std::string socket_type;
  for (const Attribute& attribute : block.attributes) {
    if (attribute.values.empty()) continue;
    if (attribute.name.text == "protocol") failed.protocol = attribute.values[0].text;
    if (attribute.name.text == "socket_type") socket_type = attribute.values[0].text;
  }
  if (failed.protocol.empty() && !socket_type.empty())
    failed.protocol = socket_type == "dgram" ? "udp" : "tcp";
  return failed;
}

// "disable = yes" among a block's lines: a block with errors that is off
// anyway is not named as failed (a reload has nothing of it to keep).
bool disabled_as_written(const Block& block) {
  for (const Attribute& attribute : block.attributes)
    if (attribute.name.text == "disable" && attribute.values.size() == 1 &&
        attribute.values[0].text == "yes")
      return true;
  return false;
}

// xinetd has one defaults block, applied to every service wherever it stands.
void read_defaults(const Document& document, const std::string& file, Defaults& defaults,
                   std::vector<Diagnostic>& diagnostics) {
  const Block* first = nullptr;
  for (const Block& block : document.blocks) {
    if (block.kind != BlockKind::defaults) continue;
    if (first != nullptr) {
      diagnostics.push_back({file, block.keyword.line, block.keyword.column, Severity::error,
                             fmt::format("a second defaults block (the first is at line {}): "
                                         "it is not read",
                                         first->keyword.line)});
      continue;
    }
    first = &block;
    bool had_errors = false;
    auto attributes = check_block(block, file, diagnostics, had_errors);
    apply_attributes(defaults.settings, attributes, file, true, diagnostics);
  }
}

// A service switched off is read for its errors, as xinetd reads it, but
// what it would not use is not warned about: a distribution's disabled
// blocks (flags = SENSOR, deny_time, ...) stay quiet until they are enabled.
void read_service(const Block& block, const std::string& file, const Defaults& defaults,
                  ParseResult& result) {
  std::size_t first_diagnostic = result.diagnostics.size();
  bool had_errors = false;
  auto attributes = check_block(block, file, result.diagnostics, had_errors);
  if (block.broken || had_errors) {
    if (disabled_as_written(block))
      drop_warnings(result.diagnostics, first_diagnostic);
    else
      result.failed.push_back(name_failed(block));
    return;
  }
  std::vector<Setting> settings = defaults.settings;
  apply_attributes(settings, attributes, file, false, result.diagnostics);
  MapResult mapped = map_service(file, block, settings, result.diagnostics);
  if (mapped.switched_off) {
    drop_warnings(result.diagnostics, first_diagnostic);
    for (auto& spec : mapped.specs)
      result.switched_off.push_back({result.services.size(), std::move(spec)});
    return;
  }
  if (mapped.failed) result.failed.push_back(std::move(mapped.failed_entry));
  for (auto& spec : mapped.specs) result.services.push_back(std::move(spec));
}

// A problem in the defaults is found again at every service they apply to:
// each is reported once.
void drop_repeats(std::vector<Diagnostic>& diagnostics) {
  std::set<std::tuple<std::string, int, int, std::string>> seen;
  std::vector<Diagnostic> kept;
  kept.reserve(diagnostics.size());
  for (auto& diagnostic : diagnostics)
    if (seen.emplace(diagnostic.file, diagnostic.line, diagnostic.column, diagnostic.message)
            .second)
      kept.push_back(std::move(diagnostic));
  diagnostics = std::move(kept);
}

}  // namespace

ParseResult parse_xinetd_config(std::string_view text, const std::string& file) {
  return parse_xinetd_config(text, file, Defaults{}, nullptr);
}

ParseResult parse_xinetd_config(std::string_view text, const std::string& file,
                                const Defaults& inherited, Defaults* found) {
  ParseResult result;
  Document document = parse_syntax(text, file, result.diagnostics);
  Defaults defaults = inherited;
  read_defaults(document, file, defaults, result.diagnostics);
  std::vector<std::size_t> services_before(document.blocks.size() + 1, 0);
  for (std::size_t i = 0; i < document.blocks.size(); ++i) {
    services_before[i] = result.services.size();
    const Block& block = document.blocks[i];
    // A '{' with no block line before it is reported and its lines skipped.
    if (block.kind == BlockKind::defaults || block.name.text.empty()) continue;
    read_service(block, file, defaults, result);
  }
  services_before.back() = result.services.size();
  for (const Directive& directive : document.directives)
    result.includes.push_back(
        IncludeDirective{directive.path.text, directive.path.line, directive.path.column,
                         services_before[directive.blocks_before], directive.directory});
  drop_repeats(result.diagnostics);
  if (found != nullptr) *found = std::move(defaults);
  return result;
}

bool looks_like_xinetd(std::string_view text) {
  bool block_line = false;  // the last line read was "defaults" or "service NAME"
  std::size_t at = 0;
  int number = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    std::vector<Word> words = split_line(text.substr(at, end - at), ++number);
    at = end + 1;
    if (words.empty() || words[0].text.starts_with('#')) continue;
    if (block_line && words[0].text == "{") return true;
    const std::string& first = words[0].text;
    std::size_t opens = first == "defaults" ? 1 : first == "service" ? 2 : 0;
    block_line = opens != 0 && words.size() == opens && (opens == 1 || words[1].text != "{");
    if (opens != 0 && words.size() == opens + 1 && words[opens].text == "{" &&
        (opens == 1 || words[1].text != "{"))
      return true;
  }
  return false;
}

}  // namespace ninetd::config::xinetd
