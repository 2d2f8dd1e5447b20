// template_text: kainjow Mustache for the plain-text bodies of listd's own
// mail.
//
// STANDARDS
//   Mustache(5) as implemented by kainjow Mustache; no HTML escaping.
// LIMITS
//   Template files up to 64 KiB (mime::kMaxTemplateBytes).
#include "listd/outbound/template_text.h"

#include <kainjow/mustache.hpp>

#include "listd/mime/template_files.h"

namespace listd::outbound {
namespace {

// Only values that are set go in: kainjow counts "" as true, and a mail
// that says "if the list has an archive" must not print an empty line.
kainjow::mustache::data Object(const std::map<std::string, std::string>& values) {
  kainjow::mustache::data data;
  for (const auto& [name, value] : values) {
    if (!value.empty()) data.set(name, value);
  }
  return data;
}

}  // namespace

base::Result<std::string> RenderTemplateText(std::string_view mustache_template,
                                             std::string_view name, const TemplateValues& values) {
  kainjow::mustache::mustache renderer{std::string(mustache_template)};
  if (!renderer.is_valid()) {
    return base::Invalid("The template " + std::string(name) +
                         " has a syntax error: " + renderer.error_message() + ".");
  }
  // Mail bodies are plain text: a list named "Q&A" must not read "Q&amp;A".
  renderer.set_custom_escape([](const std::string& text) { return text; });
  kainjow::mustache::data data = Object(values.text);
  for (const auto& [list_name, items] : values.lists) {
    kainjow::mustache::data list{kainjow::mustache::data::type::list};
    for (const auto& item : items) list.push_back(Object(item));
    // An empty list is false in {{#name}} and true in {{^name}}, as wanted.
    data.set(list_name, list);
  }
  std::string rendered = renderer.render(data);
  if (!renderer.is_valid()) {
    return base::Invalid("The template " + std::string(name) +
                         " could not be rendered: " + renderer.error_message() + ".");
  }
  return rendered;
}

base::Result<std::string> RenderTemplate(const std::vector<std::string>& dirs,
                                         std::string_view name, const TemplateValues& values) {
  base::Result<std::string> text = mime::ReadTemplate(dirs, name);
  if (!text) return text.failure();
  return RenderTemplateText(*text, name, values);
}

}  // namespace listd::outbound
