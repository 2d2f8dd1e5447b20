// footer_template: Mustache for plain-text footers.
//
// STANDARDS
//   Mustache(5) as implemented by kainjow Mustache; no HTML escaping.
// LIMITS
//   Template files up to 64 KiB (a footer is a few lines).
#include "listd/mime/footer_template.h"

#include <kainjow/mustache.hpp>

#include <utility>

#include "listd/mime/template_files.h"

namespace listd::mime {

base::Result<std::string> RenderFooter(std::string_view mustache_template,
                                       const FooterContext& context,
                                       std::string_view template_name) {
  kainjow::mustache::mustache renderer{std::string(mustache_template)};
  if (!renderer.is_valid()) {
    return base::Error{"The footer template " + std::string(template_name) +
                       " has a syntax error: " + renderer.error_message() + "."};
  }
  // A footer is plain text: a list named "Q&A" must not read "Q&amp;A".
  renderer.set_custom_escape([](const std::string& text) { return text; });
  kainjow::mustache::data data;
  // Only values that are set go in, so {{#archive_url}}...{{/archive_url}}
  // works as "if the list has one" (kainjow counts "" as true).
  const std::pair<const char*, const std::string*> values[] = {
      {"list_name", &context.list_name},
      {"list_address", &context.list_address},
      {"list_id", &context.list_id},
      {"post_address", &context.post_address},
      {"request_address", &context.request_address},
      {"subscribe_address", &context.subscribe_address},
      {"unsubscribe_address", &context.unsubscribe_address},
      {"owner_address", &context.owner_address},
      {"archive_url", &context.archive_url},
  };
  for (const auto& [name, value] : values) {
    if (!value->empty()) data.set(name, *value);
  }
  std::string rendered = renderer.render(data);
  if (!renderer.is_valid()) {
    return base::Error{"The footer template " + std::string(template_name) +
                       " could not be rendered: " + renderer.error_message() + "."};
  }
  return rendered;
}

base::Result<std::string> LoadTemplate(const std::string& path) { return ReadTemplateFile(path); }

std::string BuiltInTemplatesDir() {
#ifdef LISTD_TEMPLATES_DIR
  return LISTD_TEMPLATES_DIR;
#else
  return "templates";
#endif
}

}  // namespace listd::mime
