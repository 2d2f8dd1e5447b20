// What the admin pages share (admin_pages.h): the list a route names, the
// links to a list's pages, the values every list page shows (its address
// and the navigation between its pages), and reading ids and numbers out
// of a request.
#ifndef LISTD_WEB_ADMIN_PAGE_COMMON_H_
#define LISTD_WEB_ADMIN_PAGE_COMMON_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/result.h"
#include "web/page_routes.h"

namespace web::admin {

using Json = nlohmann::json;

// The path of a list's admin page `page` ("settings"), the address
// percent-encoded where a path needs it.
std::string ListPagePath(const std::string& list, const std::string& page);
// `text` percent-encoded for a query string's value.
std::string QueryValue(const std::string& text);
// The list the route's {list} names.
const std::string& ListOf(const PageRequest& request);
// The actor a change is recorded under.
std::string ActorOf(const PageRequest& request);
// The values every page of a list has: "list" (address, links to its
// pages, whether the login is its owner) and the page's title.
Json ListPageValues(const PageRequest& request, const std::string& title);
// The route's {id} as a positive number; kind invalid otherwise.
base::Result<int64_t> IdOf(const PageRequest& request, const std::string& name = "id");
// The field `name` as a number within [low, high], else `fallback`.
int64_t NumberField(const PageRequest& request, const std::string& name, int64_t fallback,
                    int64_t low, int64_t high);
// A page's values with an error shown at its top: {"kind", "message"}.
void AddError(Json& values, const base::Error& error);
// The words of a notice code a redirect carries (?done=activated), from a
// fixed table so that a link cannot put words of its own on the page;
// "" when unknown.
std::string NoticeText(const std::string& code);
// Adds the notice of the request's "done" field to `values`.
void AddNotice(Json& values, const PageRequest& request);

}  // namespace web::admin

#endif  // LISTD_WEB_ADMIN_PAGE_COMMON_H_
