#include "config/xinetd/merge.h"

#include <fmt/format.h>

#include <algorithm>

namespace ninetd::config::xinetd {

const Setting* find_setting(const std::vector<Setting>& settings, std::string_view name) {
  for (const Setting& setting : settings)
    if (setting.row->name == name) return &setting;
  return nullptr;
}

namespace {

Setting& setting_for(std::vector<Setting>& settings, const AttributeRow& row) {
  for (Setting& setting : settings)
    if (setting.row == &row) return setting;
  settings.push_back(Setting{&row, {}, {}, false, {}});
  return settings.back();
}

void apply_one(Setting& setting, const Attribute& attribute, const std::string& file, bool defaults,
               std::vector<Diagnostic>& diagnostics) {
  switch (attribute.op) {
    case Operator::set:
      setting.values = attribute.values;
      break;
    case Operator::add:
      if (setting.values.size() + attribute.values.size() > kMaxValues) {
        diagnostics.push_back({file, attribute.name.line, attribute.name.column, Severity::error,
                               fmt::format("{} would have more than {} values; not added",
                                           attribute.name.text, kMaxValues)});
        return;
      }
      setting.values.insert(setting.values.end(), attribute.values.begin(), attribute.values.end());
      break;
    case Operator::remove:
      std::erase_if(setting.values, [&](const Word& value) {
        return std::any_of(attribute.values.begin(), attribute.values.end(),
                           [&](const Word& gone) { return gone.text == value.text; });
      });
      break;
  }
  setting.name = attribute.name;
  setting.file = file;
  setting.from_defaults = defaults;
}

}  // namespace

void apply_attributes(std::vector<Setting>& settings, const std::vector<Attribute>& attributes,
                      const std::string& file, bool defaults,
                      std::vector<Diagnostic>& diagnostics) {
  for (const Attribute& attribute : attributes) {
    const AttributeRow* row = find_attribute(attribute.name.text);
    if (row == nullptr) continue;  // check_block reported it
    apply_one(setting_for(settings, *row), attribute, file, defaults, diagnostics);
  }
}

}  // namespace ninetd::config::xinetd
