// The member resources (see api_resources.h):
//   GET    /lists/{list}/members            a page: ?start=0&count=50&role=&delivery=&q=
//   POST   /lists/{list}/members            add {address, role}
//   POST   /lists/{list}/members/import     text/plain, one address a line
//   GET    /lists/{list}/members/export     text/plain, in import form
//   GET    /lists/{list}/members/{address}  one member
//   PATCH  /lists/{list}/members/{address}  {role, moderated, delivery}
//   DELETE /lists/{list}/members/{address}  remove
// Pages are Mailman's: {"entries", "start", "total_size"}. "import" and
// "export" cannot be member addresses (those hold an '@'), and their
// routes come first.
#include "web/api_fields.h"
#include "web/api_resources.h"

namespace web {

void AddMemberRoutes(ApiRoutes& routes, MemberOperations& members) {
  routes.Add(
      "GET", "/lists/{list}/members", Access::kListModerator,
      [&members](const ApiRequest& request) -> base::Result<ApiReply> {
        MemberPageQuery query;
        auto start = request.QueryCount("start", 0);
        if (!start) return start.failure();
        auto count = request.QueryCount("count", 50);
        if (!count) return count.failure();
        if (*count == 0 || *count > kMaxMembersPage) {
          return base::Invalid("count must be between 1 and " + std::to_string(kMaxMembersPage));
        }
        query.start = *start;
        query.count = *count;
        query.role = request.Query("role");
        query.delivery = request.Query("delivery");
        query.contains = request.Query("q").value_or("");
        return Reply(members.Members(request.path.at("list"), query));
      });
  routes.Add("POST", "/lists/{list}/members", Access::kListOwner,
             [&members](const ApiRequest& request) -> base::Result<ApiReply> {
               auto body = request.JsonBody();
               if (!body) return body.failure();
               auto address = RequiredString(*body, "address");
               if (!address) return address.failure();
               return Reply(
                   members.AddMember(request.principal.actor, request.path.at("list"), *address,
                                     OptionalString(*body, "role").value_or("member"), request.now),
                   201);
             });
  routes.Add("POST", "/lists/{list}/members/import", Access::kListOwner,
             [&members](const ApiRequest& request) -> base::Result<ApiReply> {
               return Reply(members.Import(request.principal.actor, request.path.at("list"),
                                           request.body, request.now));
             });
  routes.Add("GET", "/lists/{list}/members/export", Access::kListModerator,
             [&members](const ApiRequest& request) -> base::Result<ApiReply> {
               base::Result<std::string> text = members.Export(request.path.at("list"));
               if (!text) return text.failure();
               return ApiReply::Text(std::move(*text), "text/plain; charset=utf-8");
             });
  routes.Add("GET", "/lists/{list}/members/{address}", Access::kListModerator,
             [&members](const ApiRequest& request) -> base::Result<ApiReply> {
               return Reply(members.Member(request.path.at("list"), request.path.at("address")));
             });
  routes.Add("PATCH", "/lists/{list}/members/{address}", Access::kListOwner,
             [&members](const ApiRequest& request) -> base::Result<ApiReply> {
               auto body = request.JsonBody();
               if (!body) return body.failure();
               if (!body->is_object()) return base::Invalid("the body must be a JSON object");
               MemberChange change;
               change.role = OptionalString(*body, "role");
               change.delivery = OptionalString(*body, "delivery");
               if (body->contains("moderated") && !body->at("moderated").is_null()) {
                 change.moderated = body->at("moderated").get<bool>();
               }
               if (!change.role && !change.delivery && !change.moderated) {
                 return base::Invalid("nothing to change: give role, moderated or delivery");
               }
               return Reply(members.ChangeMember(request.principal.actor, request.path.at("list"),
                                                 request.path.at("address"), change, request.now));
             });
  routes.Add(
      "DELETE", "/lists/{list}/members/{address}", Access::kListOwner,
      [&members](const ApiRequest& request) -> base::Result<ApiReply> {
        return NoContentOr(members.RemoveMember(request.principal.actor, request.path.at("list"),
                                                request.path.at("address"), request.now));
      });
}

}  // namespace web
