// ApiRoutes (see api_routes.h).
#include "web/api_routes.h"

#include <charconv>

#include "web/http_status.h"
#include "web/route_pattern.h"

namespace web {
namespace {

constexpr std::string_view kBearer = "Bearer ";

HttpAnswer Failure(const base::Error& error) {
  return HttpAnswer{HttpStatusOf(error.kind), JsonText(ErrorDocument(error)), "application/json"};
}

bool Allowed(Access access, const Principal& principal,
             const std::map<std::string, std::string>& path) {
  switch (access) {
    case Access::kPublic:
    case Access::kAnyone:
      return true;
    case Access::kSite:
      return principal.site_admin;
    case Access::kListModerator:
    case Access::kListOwner: {
      auto list = path.find("list");
      if (list == path.end()) return principal.site_admin;
      return principal.May(list->second,
                           access == Access::kListOwner ? ListRole::kOwner : ListRole::kModerator);
    }
  }
  return false;
}

}  // namespace

base::Result<Json> ApiRequest::JsonBody() const {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return Json::object();
  Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return base::Invalid("the request body is not JSON");
  return parsed;
}

std::optional<std::string> ApiRequest::Query(const std::string& name) const {
  auto found = query.find(name);
  if (found == query.end()) return std::nullopt;
  return found->second;
}

base::Result<int64_t> ApiRequest::QueryCount(const std::string& name, int64_t fallback) const {
  auto given = Query(name);
  if (!given) return fallback;
  int64_t value = 0;
  auto [end, error] = std::from_chars(given->data(), given->data() + given->size(), value);
  if (error != std::errc() || end != given->data() + given->size() || value < 0) {
    return base::Invalid(name + " must be a non-negative integer, not \"" + *given + "\"");
  }
  return value;
}

ApiReply ApiReply::Text(std::string text, std::string content_type) {
  ApiReply reply(Json{});
  reply.text = std::move(text);
  reply.content_type = std::move(content_type);
  return reply;
}

void ApiRoutes::Add(std::string method, std::string pattern, Access access, ApiHandler handler) {
  RoutePattern compiled(pattern);
  entries_.push_back(Entry{ApiRoute{std::move(method), std::move(pattern), access},
                           std::move(compiled), std::move(handler)});
}

std::vector<ApiRoute> ApiRoutes::Routes() const {
  std::vector<ApiRoute> routes;
  for (const Entry& entry : entries_) routes.push_back(entry.route);
  return routes;
}

HttpAnswer ApiRoutes::Dispatch(const std::string& method, const std::string& path,
                               const std::multimap<std::string, std::string>& query,
                               const std::string& body, std::string_view authorization,
                               int64_t now) const {
  RouteFound<Entry> route = FindRoute(entries_, method, path);
  const Entry* matched = route.entry;
  if (matched == nullptr) {
    if (route.path_known) {
      HttpAnswer answer = Failure(base::Invalid(method + " is not allowed on " + path));
      answer.status = 405;
      return answer;
    }
    return Failure(base::NotFound("no such resource: " + path));
  }
  std::map<std::string, std::string> named = std::move(route.path);

  Principal principal;
  if (matched->route.access != Access::kPublic) {
    if (authorization.substr(0, kBearer.size()) != kBearer) {
      HttpAnswer answer =
          Failure(base::Forbidden("an API token is needed: Authorization: Bearer TOKEN"));
      answer.status = 401;
      return answer;
    }
    auto found = access_.ForApiToken(authorization.substr(kBearer.size()), now);
    if (!found) return Failure(found.failure());
    if (!*found) {
      HttpAnswer answer = Failure(base::Forbidden("the API token is unknown or revoked"));
      answer.status = 401;
      return answer;
    }
    principal = std::move(**found);
  }
  if (!Allowed(matched->route.access, principal, named)) {
    return Failure(base::Forbidden("this token may not do that"));
  }
  ApiRequest request{principal, std::move(named), query, body, now};
  base::Result<ApiReply> reply = [&]() -> base::Result<ApiReply> {
    try {
      return matched->handler(request);
    } catch (const std::exception& thrown) {
      // nlohmann::json throws on a wrong type (a number where a string
      // was expected): the request's fault, and said so.
      return base::Invalid(std::string("the request has a value of the wrong type: ") +
                           thrown.what());
    }
  }();
  if (!reply) return Failure(reply.failure());
  if (!reply->content_type.empty())
    return HttpAnswer{reply->status, reply->text, reply->content_type};
  if (reply->status == 204) return HttpAnswer{204, "", "application/json"};
  return HttpAnswer{reply->status, JsonText(reply->body, 2), "application/json"};
}

std::string JsonText(const Json& document, int indent) {
  return document.dump(indent, ' ', false, Json::error_handler_t::replace);
}

Json ErrorDocument(const base::Error& error) {
  return Json{
      {"error", {{"kind", std::string(base::ToString(error.kind))}, {"message", error.message}}}};
}

}  // namespace web
