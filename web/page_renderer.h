// PageRenderer: HTML pages from the Mustache templates in templates/web/.
//
// Every page is its own template (NAME.mustache) rendered inside
// layout.mustache, which includes it as the partial {{> content}}, so the
// page sees the same values as the layout (title, who is logged in, the
// CSRF token). Values come as JSON: objects and arrays become Mustache
// sections, strings and numbers text, false, null and "" are false.
// Every value is HTML-escaped ({{ }}): the templates never use {{{ }}},
// and a test keeps it that way, so a list named "<script>" is shown, never
// run.
//
// Templates are read once, at construction; a missing or broken one is an
// error then, not at the first request.
//
// Thread-safety: Render() may be called from any thread.
#ifndef LISTD_WEB_PAGE_RENDERER_H_
#define LISTD_WEB_PAGE_RENDERER_H_

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/result.h"

namespace web {

class PageRenderer {
 public:
  // Reads every *.mustache in `dir` (templates/web).
  static base::Result<std::unique_ptr<PageRenderer>> Load(const std::string& dir);

  // The page `name` ("lists" for lists.mustache) with `values`, in the
  // layout. Kind internal when the template is unknown or fails.
  base::Result<std::string> Render(std::string_view name, const nlohmann::json& values) const;
  // Whether a template `name` exists.
  bool Has(std::string_view name) const;

 private:
  std::map<std::string, std::string, std::less<>> templates_;
};

}  // namespace web

#endif  // LISTD_WEB_PAGE_RENDERER_H_
