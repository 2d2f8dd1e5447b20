// The settings form (see admin_settings_form.h).
#include "web/admin_settings_form.h"

namespace web::admin {
namespace {

bool Included(const std::set<std::string>& only, const std::string& name) {
  return only.empty() || only.count(name) > 0;
}

std::string Text(const Json& entry, const char* name) {
  auto found = entry.find(name);
  return found != entry.end() && found->is_string() ? found->get<std::string>() : "";
}

}  // namespace

const std::set<std::string>& SigningSettingNames() {
  static const std::set<std::string> kNames = {"signing.domain",
                                               "signing.algorithms",
                                               "signing.headers",
                                               "signing.oversign",
                                               "signing.expire",
                                               "signing.canonicalization",
                                               "arc",
                                               "dmarc_mitigation",
                                               "dmarc_mitigate_unconditionally"};
  return kNames;
}

SettingsChange ChangeFromForm(const Json& catalogue, const PageRequest& request,
                              const std::set<std::string>& only) {
  SettingsChange change;
  for (const Json& entry : catalogue) {
    const std::string name = Text(entry, "name");
    if (!Included(only, name)) continue;
    const bool is_default = entry.value("is_default", true);
    if (request.fields.count("reset:" + name)) {
      if (!is_default) change.reset.push_back(name);
      continue;
    }
    auto posted = request.fields.find("value:" + name);
    if (posted == request.fields.end()) continue;
    if (posted->second != Text(entry, "value")) {
      change.assignments.emplace_back(name, posted->second);
    }
  }
  return change;
}

Json SettingsFields(const Json& catalogue, const PageRequest* posted, const Json& errors,
                    const std::set<std::string>& only) {
  Json fields = Json::array();
  for (const Json& entry : catalogue) {
    const std::string name = Text(entry, "name");
    if (!Included(only, name)) continue;
    std::string value = Text(entry, "value");
    if (posted) {
      auto given = posted->fields.find("value:" + name);
      if (given != posted->fields.end()) value = given->second;
    }
    Json field = {{"name", name},
                  {"id", "setting-" + name},
                  {"input", "value:" + name},
                  {"reset", "reset:" + name},
                  {"description", Text(entry, "description")},
                  {"allowed", Text(entry, "allowed")},
                  {"type", Text(entry, "type")},
                  {"default_value", Text(entry, "default_value")},
                  {"is_default", entry.value("is_default", true)},
                  {"value", value}};
    auto choices = entry.find("choices");
    if (choices != entry.end() && choices->is_array() && !choices->empty()) {
      Json options = Json::array();
      for (const Json& choice : *choices) {
        const std::string text = choice.is_string() ? choice.get<std::string>() : "";
        options.push_back({{"value", text}, {"selected", text == value}});
      }
      field["choices"] = options;
      field["has_choices"] = true;
    } else {
      field["has_choices"] = false;
    }
    if (errors.is_object() && errors.contains(name)) field["error"] = errors[name];
    fields.push_back(field);
  }
  return fields;
}

}  // namespace web::admin
