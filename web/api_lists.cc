// The list resources (see api_resources.h):
//   GET    /lists                  the lists this token sees
//   POST   /lists                  create (site)
//   GET    /lists/{list}           details
//   DELETE /lists/{list}           remove (site)
//   GET    /lists/{list}/settings  the settings in force
//   PATCH  /lists/{list}/settings  {NAME: value, NAME: null (back to the default)}
#include "web/api_fields.h"
#include "web/api_resources.h"

namespace web {
namespace {

// A setting's value as the catalogue reads it: strings as they are,
// numbers and booleans in their JSON spelling ("20", "true").
base::Result<std::string> SettingText(const std::string& name, const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number() || value.is_boolean()) return value.dump();
  return base::Invalid("setting " + name + " must be a string, a number or a boolean");
}

}  // namespace

void AddListRoutes(ApiRoutes& routes, ListOperations& lists) {
  routes.Add("GET", "/lists", Access::kAnyone,
             [&lists](const ApiRequest& request) -> base::Result<ApiReply> {
               base::Result<Json> all = lists.Lists();
               if (!all) return all.failure();
               // A list token sees only its own lists.
               Json seen = Json::array();
               for (const Json& list : *all) {
                 if (request.principal.Sees(list.at("address").get<std::string>())) {
                   seen.push_back(list);
                 }
               }
               return ApiReply(std::move(seen));
             });
  routes.Add("POST", "/lists", Access::kSite,
             [&lists](const ApiRequest& request) -> base::Result<ApiReply> {
               auto body = request.JsonBody();
               if (!body) return body.failure();
               auto address = RequiredString(*body, "address");
               if (!address) return address.failure();
               return Reply(lists.CreateList(request.principal.actor, *address,
                                             OptionalString(*body, "name").value_or(""),
                                             OptionalString(*body, "owner"), request.now),
                            201);
             });
  routes.Add("GET", "/lists/{list}", Access::kListModerator,
             [&lists](const ApiRequest& request) -> base::Result<ApiReply> {
               return Reply(lists.ShowList(request.path.at("list")));
             });
  routes.Add("DELETE", "/lists/{list}", Access::kSite,
             [&lists](const ApiRequest& request) -> base::Result<ApiReply> {
               return NoContentOr(
                   lists.RemoveList(request.principal.actor, request.path.at("list"), request.now));
             });
  routes.Add("GET", "/lists/{list}/settings", Access::kListModerator,
             [&lists](const ApiRequest& request) -> base::Result<ApiReply> {
               return Reply(lists.Settings(request.path.at("list")));
             });
  routes.Add("PATCH", "/lists/{list}/settings", Access::kListOwner,
             [&lists](const ApiRequest& request) -> base::Result<ApiReply> {
               auto body = request.JsonBody();
               if (!body) return body.failure();
               if (!body->is_object() || body->empty()) {
                 return base::Invalid("give an object of settings: {\"NAME\": value}");
               }
               std::vector<std::pair<std::string, std::string>> assignments;
               std::vector<std::string> reset;
               for (auto& [name, value] : body->items()) {
                 if (value.is_null()) {
                   reset.push_back(name);
                   continue;
                 }
                 auto text = SettingText(name, value);
                 if (!text) return text.failure();
                 assignments.emplace_back(name, std::move(*text));
               }
               return Reply(lists.ChangeSettings(request.principal.actor, request.path.at("list"),
                                                 assignments, reset, request.now));
             });
}

}  // namespace web
