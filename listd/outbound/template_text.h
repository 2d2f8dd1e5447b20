// Template text: the body of a mail listd writes itself, from a Mustache
// template in templates/ (or a site's or a list's override, looked up as
// listd/mime/template_files.h says) and the values the caller fills in.
//
// Contract: the result is plain text (HTML escaping is off: "Q&A" stays
// "Q&A"), line ends as in the template file (LF), ready for
// WriteTextMail. A value that is "" counts as false, so {{#name}}...
// {{/name}} means "if it is set". Partials ({{> name}}) are not looked up
// and render as nothing. Every template gets the list's usual values from
// the caller (list_name, list_address, request_address, join_address,
// leave_address, owner_address); templates/README.md names the rest, per
// template. Errors name the template.
//
// Thread-safety: plain functions.
#ifndef LISTD_LISTD_OUTBOUND_TEMPLATE_TEXT_H_
#define LISTD_LISTD_OUTBOUND_TEMPLATE_TEXT_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace listd::outbound {

struct TemplateValues {
  std::map<std::string, std::string> text;  // {{name}}; "" counts as false in {{#name}}
  std::map<std::string, std::vector<std::map<std::string, std::string>>>
      lists;  // {{#results}}{{command}}: {{result}}{{/results}}
};

// The template `name` looked up in `dirs` (mime::ReadTemplate's search),
// rendered as plain text (no HTML escaping). Errors name the template.
base::Result<std::string> RenderTemplate(const std::vector<std::string>& dirs,
                                         std::string_view name, const TemplateValues& values);

// `mustache_template` (the text of the template `name`) rendered as
// RenderTemplate does, for a caller that already holds the text.
base::Result<std::string> RenderTemplateText(std::string_view mustache_template,
                                             std::string_view name, const TemplateValues& values);

}  // namespace listd::outbound

#endif  // LISTD_LISTD_OUTBOUND_TEMPLATE_TEXT_H_
