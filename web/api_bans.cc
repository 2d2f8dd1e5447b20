// The ban resources (see api_resources.h):
//   GET    /lists/{list}/bans            the list's bans
//   POST   /lists/{list}/bans            {pattern, reason} (owner)
//   DELETE /lists/{list}/bans/{pattern}  lift (owner)
//   GET    /bans, POST /bans, DELETE /bans/{pattern}: the site's (site)
#include "web/api_fields.h"
#include "web/api_resources.h"

namespace web {
namespace {

// The routes of one scope: a list's ({list} in the path) or the site's.
void AddScope(ApiRoutes& routes, BanOperations& bans, const std::string& prefix, Access read_access,
              Access write_access) {
  auto list_of = [](const ApiRequest& request) -> std::optional<std::string> {
    auto found = request.path.find("list");
    if (found == request.path.end()) return std::nullopt;
    return found->second;
  };
  routes.Add("GET", prefix, read_access,
             [&bans, list_of](const ApiRequest& request) -> base::Result<ApiReply> {
               return Reply(bans.Bans(list_of(request)));
             });
  routes.Add("POST", prefix, write_access,
             [&bans, list_of](const ApiRequest& request) -> base::Result<ApiReply> {
               auto body = request.JsonBody();
               if (!body) return body.failure();
               auto pattern = RequiredString(*body, "pattern");
               if (!pattern) return pattern.failure();
               return Reply(bans.AddBan(request.principal.actor, list_of(request), *pattern,
                                        OptionalString(*body, "reason").value_or(""), request.now),
                            201);
             });
  routes.Add("DELETE", prefix + "/{pattern}", write_access,
             [&bans, list_of](const ApiRequest& request) -> base::Result<ApiReply> {
               return NoContentOr(bans.RemoveBan(request.principal.actor, list_of(request),
                                                 request.path.at("pattern"), request.now));
             });
}

}  // namespace

void AddBanRoutes(ApiRoutes& routes, BanOperations& bans) {
  AddScope(routes, bans, "/lists/{list}/bans", Access::kListModerator, Access::kListOwner);
  AddScope(routes, bans, "/bans", Access::kSite, Access::kSite);
}

}  // namespace web
