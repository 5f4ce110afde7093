#include "config/conversion.h"

#include <fmt/format.h>

#include "config/spec_writer.h"

namespace ninetd::config {
namespace {

void write_entry(const ServiceSpec& spec, bool off, Conversion& out) {
  out.text += fmt::format("\n# {}:{}: {}{}\n", comment_text(spec.file), spec.line,
                          comment_text(spec.display_name()),
                          off ? " (switched off: checked, not served)" : "");
  for (const std::string& note : spec.notes) out.text += "# " + comment_text(note) + "\n";
  WrittenSpec written = write_spec(spec, off);
  if (!written.text.empty()) {
    out.text += written.text;
    return;
  }
  out.text += "# not written: " + comment_text(written.problem) + "\n";
  out.problems.push_back({spec.file, spec.line, 0, Severity::error,
                          fmt::format("{} cannot be written as ninetd configuration: {}",
                                      spec.display_name(), written.problem)});
}

}  // namespace

Conversion write_conversion(const TreeResult& tree) {
  Conversion out;
  const std::string main = tree.files.empty() ? std::string() : tree.files.front();
  out.text = fmt::format(
      "# ninetd configuration written by ninetd --convert from {}.\n"
      "# Each entry names the file and line it was read from; a comment under it names\n"
      "# what ninetd does not carry. Check it with ninetd -t before use.\n",
      comment_text(main));
  std::size_t off = 0;
  for (std::size_t i = 0; i <= tree.services.size(); ++i) {
    for (; off < tree.switched_off.size() && tree.switched_off[off].position <= i; ++off)
      write_entry(tree.switched_off[off].spec, true, out);
    if (i < tree.services.size()) write_entry(tree.services[i], false, out);
  }
  return out;
}

}  // namespace ninetd::config
