// The moderation resources (see api_resources.h):
//   GET  /lists/{list}/held                        held posts
//   GET  /lists/{list}/held/{id}                   one, as a safe outline
//   POST /lists/{list}/held/{id}/approve           send it on
//   POST /lists/{list}/held/{id}/reject            {reason}: the author is told
//   POST /lists/{list}/held/{id}/discard           drop it
//   GET  /lists/{list}/requests                    subscription requests waiting
//   POST /lists/{list}/requests/{id}/approve       subscribe
//   POST /lists/{list}/requests/{id}/reject        {reason}: the requester is told
#include "web/api_fields.h"
#include "web/api_resources.h"

namespace web {
namespace {

// The body's "reason", or `fallback`.
base::Result<std::string> ReasonOf(const ApiRequest& request, const std::string& fallback) {
  auto body = request.JsonBody();
  if (!body) return body.failure();
  std::string reason = OptionalString(*body, "reason").value_or("");
  return reason.empty() ? fallback : reason;
}

}  // namespace

void AddModerationRoutes(ApiRoutes& routes, ModerationOperations& moderation) {
  routes.Add("GET", "/lists/{list}/held", Access::kListModerator,
             [&moderation](const ApiRequest& request) -> base::Result<ApiReply> {
               return Reply(moderation.HeldPosts(request.path.at("list")));
             });
  routes.Add("GET", "/lists/{list}/held/{id}", Access::kListModerator,
             [&moderation](const ApiRequest& request) -> base::Result<ApiReply> {
               auto id = PathId(request, "id");
               if (!id) return id.failure();
               return Reply(moderation.HeldPost(request.path.at("list"), *id));
             });
  routes.Add(
      "POST", "/lists/{list}/held/{id}/approve", Access::kListModerator,
      [&moderation](const ApiRequest& request) -> base::Result<ApiReply> {
        auto id = PathId(request, "id");
        if (!id) return id.failure();
        return Reply(moderation.Approve(request.principal.actor, request.path.at("list"), *id));
      });
  routes.Add("POST", "/lists/{list}/held/{id}/reject", Access::kListModerator,
             [&moderation](const ApiRequest& request) -> base::Result<ApiReply> {
               auto id = PathId(request, "id");
               if (!id) return id.failure();
               auto reason = ReasonOf(request, "a moderator rejected it");
               if (!reason) return reason.failure();
               return Reply(moderation.Reject(request.principal.actor, request.path.at("list"), *id,
                                              *reason));
             });
  routes.Add(
      "POST", "/lists/{list}/held/{id}/discard", Access::kListModerator,
      [&moderation](const ApiRequest& request) -> base::Result<ApiReply> {
        auto id = PathId(request, "id");
        if (!id) return id.failure();
        return Reply(moderation.Discard(request.principal.actor, request.path.at("list"), *id));
      });
  routes.Add("GET", "/lists/{list}/requests", Access::kListModerator,
             [&moderation](const ApiRequest& request) -> base::Result<ApiReply> {
               return Reply(moderation.Requests(request.path.at("list")));
             });
  routes.Add("POST", "/lists/{list}/requests/{id}/approve", Access::kListModerator,
             [&moderation](const ApiRequest& request) -> base::Result<ApiReply> {
               auto id = PathId(request, "id");
               if (!id) return id.failure();
               return Reply(moderation.ApproveRequest(request.principal.actor,
                                                      request.path.at("list"), *id, request.now));
             });
  routes.Add("POST", "/lists/{list}/requests/{id}/reject", Access::kListModerator,
             [&moderation](const ApiRequest& request) -> base::Result<ApiReply> {
               auto id = PathId(request, "id");
               if (!id) return id.failure();
               auto reason = ReasonOf(request, "");
               if (!reason) return reason.failure();
               return Reply(moderation.RejectRequest(
                   request.principal.actor, request.path.at("list"), *id, *reason, request.now));
             });
}

}  // namespace web
