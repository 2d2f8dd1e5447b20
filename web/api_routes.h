// ApiRoutes: the table of the REST API's routes (/api/v1/...) and the one
// place that turns an HTTP request into an operation call and its result
// into JSON.
//
// A route is a method, a pattern with named segments
// ("/lists/{list}/members/{address}") and the access it needs. Dispatch
// authenticates the request ("Authorization: Bearer TOKEN", through
// AccessOperations), checks the access before the handler runs (a token
// for one list gets 403 on every other list's routes), and writes every
// failure in one shape: {"error": {"kind": "...", "message": "..."}}, the
// kind mapped to a status by http_status.h. Path segments are decoded
// before matching, and each named segment is handed to the handler as is.
//
// Routes are added before the server starts and never after; Dispatch is
// then safe to call from any thread.
#ifndef LISTD_WEB_API_ROUTES_H_
#define LISTD_WEB_API_ROUTES_H_

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "web/access_operations.h"
#include "web/principal.h"
#include "web/route_pattern.h"

namespace web {

using Json = nlohmann::json;

// What a route needs of its caller.
enum class Access {
  kPublic,         // no token needed (the OpenAPI document)
  kAnyone,         // any valid token; the handler filters what it shows
  kSite,           // a site token or a site admin
  kListModerator,  // May(path "list", moderator)
  kListOwner,      // May(path "list", owner)
};

struct ApiRequest {
  const Principal& principal;                     // empty for kPublic routes
  std::map<std::string, std::string> path;        // the pattern's named segments
  std::multimap<std::string, std::string> query;  // ?start=0&count=50
  std::string body;
  int64_t now = 0;

  // The body as JSON; kind invalid when it does not parse (an empty body
  // is an empty object).
  base::Result<Json> JsonBody() const;
  // The first value of query parameter `name`, if given.
  std::optional<std::string> Query(const std::string& name) const;
  // A non-negative integer query parameter, `fallback` when absent; kind
  // invalid when it is not one.
  base::Result<int64_t> QueryCount(const std::string& name, int64_t fallback) const;
};

// A handler's answer: JSON with a status (200 unless it says otherwise), or
// a text body (an export) with its content type.
struct ApiReply {
  ApiReply(Json json) : body(std::move(json)) {}  // NOLINT: implicit on purpose
  ApiReply(int status_code, Json json) : status(status_code), body(std::move(json)) {}
  static ApiReply Text(std::string text, std::string content_type);
  static ApiReply NoContent() { return ApiReply(204, Json()); }

  int status = 200;
  Json body;
  std::string text;          // when content_type is set, sent instead of body
  std::string content_type;  // "" = application/json
};

using ApiHandler = std::function<base::Result<ApiReply>(const ApiRequest&)>;

// One route as the table holds it (and as the OpenAPI check reads it).
struct ApiRoute {
  std::string method;   // "GET", "POST", "PATCH", "PUT", "DELETE"
  std::string pattern;  // "/lists/{list}/members" (after /api/v1)
  Access access = Access::kAnyone;
};

// The reply Dispatch makes, ready to be written.
struct HttpAnswer {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
};

class ApiRoutes {
 public:
  explicit ApiRoutes(AccessOperations& access) : access_(access) {}

  // Adds a route. `pattern` starts with "/" and is relative to /api/v1.
  void Add(std::string method, std::string pattern, Access access, ApiHandler handler);
  // Every route, in the order they were added.
  std::vector<ApiRoute> Routes() const;

  // Answers one request: `path` is relative to /api/v1 and already
  // decoded; `authorization` is the Authorization header ("" if none).
  HttpAnswer Dispatch(const std::string& method, const std::string& path,
                      const std::multimap<std::string, std::string>& query, const std::string& body,
                      std::string_view authorization, int64_t now) const;

 private:
  struct Entry {
    ApiRoute route;
    RoutePattern pattern;
    ApiHandler handler;
  };
  AccessOperations& access_;
  std::vector<Entry> entries_;
};

// The error document every failure has: {"error": {"kind", "message"}}.
Json ErrorDocument(const base::Error& error);

// The text of `document` (`indent` -1: one line). Every JSON answer is
// written through this: bytes that are not UTF-8 (an error message quotes
// the path or a value the client sent) become U+FFFD instead of making
// nlohmann throw in the middle of an answer.
std::string JsonText(const Json& document, int indent = -1);

}  // namespace web

#endif  // LISTD_WEB_API_ROUTES_H_
