// Footer template: the Mustache text an admin writes (templates/
// footer.mustache by default) rendered with one list's addresses into the
// plain-text footer that AddFooter appends.
//
// Contract: rendering is for plain text, so {{var}} inserts the value as is
// (HTML escaping is switched off: "&" stays "&"). Errors are sentences that
// name the template. Thread-safety: plain functions.
#ifndef LISTD_LISTD_MIME_FOOTER_TEMPLATE_H_
#define LISTD_LISTD_MIME_FOOTER_TEMPLATE_H_

#include <string>
#include <string_view>

#include "base/result.h"

namespace listd::mime {

// The values a footer template may use, by the same names.
struct FooterContext {
  std::string list_name;
  std::string list_address;
  std::string list_id;
  std::string post_address;
  std::string request_address;
  std::string subscribe_address;
  std::string unsubscribe_address;
  std::string owner_address;
  std::string archive_url;
};

// `mustache_template` rendered with `context`; Error on a syntax error.
// `template_name` only names the template in that error.
base::Result<std::string> RenderFooter(std::string_view mustache_template,
                                       const FooterContext& context,
                                       std::string_view template_name = "the footer template");

// The directory of the templates listd ships (the source tree's templates/,
// fixed at build time), where template names are looked up unless a
// --templates option says otherwise.
std::string BuiltInTemplatesDir();

// The contents of the template file at `path`, read as template_files.h
// reads templates (no link, a regular file, at most 64 KiB); Error naming
// it if it cannot be read.
base::Result<std::string> LoadTemplate(const std::string& path);

}  // namespace listd::mime

#endif  // LISTD_LISTD_MIME_FOOTER_TEMPLATE_H_
