// The moderation pages (see admin_pages.h): held posts with a safe view
// and the three decisions, subscription requests, and the events log.
//
// The safe view shows a held post's header fields and its text/plain
// parts as text, escaped like every value; any other part (HTML above
// all) is named by its type and size and never shown, so nothing an
// author sent runs in a moderator's browser.
#include "web/admin_page_common.h"
#include "web/admin_pages.h"
#include "web/http_status.h"

namespace web {
namespace {

using admin::Json;

std::string HeldPath(const PageRequest& request) {
  return admin::ListPagePath(admin::ListOf(request), "held");
}
std::string RequestsPath(const PageRequest& request) {
  return admin::ListPagePath(admin::ListOf(request), "requests");
}

base::Result<PageReply> HeldListPage(AdminOperations& ops, const PageRequest& request,
                                     const std::optional<base::Error>& failure, int status) {
  auto held = ops.moderation.HeldPosts(admin::ListOf(request));
  if (!held) return held.failure();
  Json values = admin::ListPageValues(request, "Held posts");
  admin::AddNotice(values, request);
  if (failure) admin::AddError(values, *failure);
  Json rows = Json::array();
  for (const Json& post : *held) {
    Json row = post;
    row["href"] = HeldPath(request) + "/" + std::to_string(post.value("id", int64_t{0}));
    rows.push_back(row);
  }
  values["held"] = rows;
  return PageReply::Render("admin_held", std::move(values), status);
}

// A held post's decision: approve, reject (with the reason the author
// reads) or discard; a refusal (decided already, not this list's) comes
// back on the list of held posts.
using Decision = std::function<base::Result<Json>(const PageRequest&, int64_t)>;
PageHandler Decide(AdminOperations& ops, Decision decision, std::string done) {
  return [&ops, decision = std::move(decision),
          done = std::move(done)](const PageRequest& request) -> base::Result<PageReply> {
    auto id = admin::IdOf(request);
    if (!id) return id.failure();
    auto decided = decision(request, *id);
    if (!decided) {
      if (base::IsSystemFailure(decided.failure())) return decided.failure();
      return HeldListPage(ops, request, decided.failure(), HttpStatusOf(decided.failure().kind));
    }
    return PageReply::Redirect(HeldPath(request) + "?done=" + done);
  };
}

base::Result<PageReply> RequestsPage(AdminOperations& ops, const PageRequest& request,
                                     const std::optional<base::Error>& failure, int status) {
  auto waiting = ops.moderation.Requests(admin::ListOf(request));
  if (!waiting) return waiting.failure();
  Json values = admin::ListPageValues(request, "Requests");
  admin::AddNotice(values, request);
  if (failure) admin::AddError(values, *failure);
  values["requests"] = *waiting;
  return PageReply::Render("admin_requests", std::move(values), status);
}

}  // namespace

void AdminPages::InstallModeration(PageRoutes& pages) {
  const std::string held = "/admin/lists/{list}/held";
  pages.Add("GET", held, PageAccess::kListModerator,
            [this](const PageRequest& request) -> base::Result<PageReply> {
              return HeldListPage(ops_, request, std::nullopt, 200);
            });

  pages.Add("GET", held + "/{id}", PageAccess::kListModerator,
            [this](const PageRequest& request) -> base::Result<PageReply> {
              auto id = admin::IdOf(request);
              if (!id) return id.failure();
              auto post = ops_.moderation.HeldPost(admin::ListOf(request), *id);
              if (!post) return post.failure();
              Json values = admin::ListPageValues(request, "Held post");
              Json parts = Json::array();
              for (const Json& part : post->value("parts", Json::array())) {
                Json shown = {{"content_type", part.value("content_type", "")},
                              {"size", part.value("size", int64_t{0})}};
                // Only text/plain comes with its text; anything else is
                // named and never shown.
                if (part.contains("text") && part["text"].is_string()) shown["text"] = part["text"];
                parts.push_back(shown);
              }
              Json shown_post = *post;
              shown_post["parts"] = parts;
              shown_post["action"] = HeldPath(request) + "/" + std::to_string(*id);
              values["post"] = shown_post;
              return PageReply::Render("admin_held_post", std::move(values));
            });

  pages.Add("POST", held + "/{id}/approve", PageAccess::kListModerator,
            Decide(
                ops_,
                [this](const PageRequest& request, int64_t id) {
                  return ops_.moderation.Approve(admin::ActorOf(request), admin::ListOf(request),
                                                 id);
                },
                "approved"));
  pages.Add("POST", held + "/{id}/reject", PageAccess::kListModerator,
            Decide(
                ops_,
                [this](const PageRequest& request, int64_t id) {
                  return ops_.moderation.Reject(admin::ActorOf(request), admin::ListOf(request), id,
                                                request.Field("reason"));
                },
                "rejected"));
  pages.Add("POST", held + "/{id}/discard", PageAccess::kListModerator,
            Decide(
                ops_,
                [this](const PageRequest& request, int64_t id) {
                  return ops_.moderation.Discard(admin::ActorOf(request), admin::ListOf(request),
                                                 id);
                },
                "discarded"));

  const std::string requests = "/admin/lists/{list}/requests";
  pages.Add("GET", requests, PageAccess::kListModerator,
            [this](const PageRequest& request) -> base::Result<PageReply> {
              return RequestsPage(ops_, request, std::nullopt, 200);
            });
  auto decide_request = [this](bool approve) -> PageHandler {
    return [this, approve](const PageRequest& request) -> base::Result<PageReply> {
      auto id = admin::IdOf(request);
      if (!id) return id.failure();
      auto decided =
          approve ? ops_.moderation.ApproveRequest(admin::ActorOf(request), admin::ListOf(request),
                                                   *id, request.now)
                  : ops_.moderation.RejectRequest(admin::ActorOf(request), admin::ListOf(request),
                                                  *id, request.Field("reason"), request.now);
      if (!decided) {
        if (base::IsSystemFailure(decided.failure())) return decided.failure();
        return RequestsPage(ops_, request, decided.failure(), HttpStatusOf(decided.failure().kind));
      }
      return PageReply::Redirect(RequestsPath(request) +
                                 "?done=" + (approve ? "request-approved" : "request-rejected"));
    };
  };
  pages.Add("POST", requests + "/{id}/approve", PageAccess::kListModerator, decide_request(true));
  pages.Add("POST", requests + "/{id}/reject", PageAccess::kListModerator, decide_request(false));

  pages.Add("GET", "/admin/lists/{list}/events", PageAccess::kListModerator,
            [this](const PageRequest& request) -> base::Result<PageReply> {
              const int limit =
                  static_cast<int>(admin::NumberField(request, "limit", 100, 1, 1000));
              auto events = ops_.reports.Events(admin::ListOf(request), limit);
              if (!events) return events.failure();
              Json values = admin::ListPageValues(request, "Events");
              values["events"] = *events;
              values["limit"] = limit;
              return PageReply::Render("admin_events", std::move(values));
            });
}

void AdminPages::InstallBans(PageRoutes& pages) {
  const std::string bans = "/admin/lists/{list}/bans";
  auto page = [this](const PageRequest& request, const std::optional<base::Error>& failure,
                     int status) -> base::Result<PageReply> {
    auto found = ops_.bans.Bans(admin::ListOf(request));
    if (!found) return found.failure();
    Json values = admin::ListPageValues(request, "Bans");
    admin::AddNotice(values, request);
    if (failure) admin::AddError(values, *failure);
    values["bans"] = *found;
    return PageReply::Render("admin_bans", std::move(values), status);
  };
  pages.Add("GET", bans, PageAccess::kListModerator,
            [page](const PageRequest& request) { return page(request, std::nullopt, 200); });
  pages.Add("POST", bans + "/add", PageAccess::kListOwner,
            [this, page](const PageRequest& request) -> base::Result<PageReply> {
              auto added =
                  ops_.bans.AddBan(admin::ActorOf(request), admin::ListOf(request),
                                   request.Field("pattern"), request.Field("reason"), request.now);
              if (!added) {
                if (base::IsSystemFailure(added.failure())) return added.failure();
                return page(request, added.failure(), HttpStatusOf(added.failure().kind));
              }
              return PageReply::Redirect(admin::ListPagePath(admin::ListOf(request), "bans") +
                                         "?done=banned");
            });
  pages.Add("POST", bans + "/remove", PageAccess::kListOwner,
            [this, page](const PageRequest& request) -> base::Result<PageReply> {
              base::Status lifted =
                  ops_.bans.RemoveBan(admin::ActorOf(request), admin::ListOf(request),
                                      request.Field("pattern"), request.now);
              if (!lifted) {
                if (base::IsSystemFailure(lifted.failure())) return lifted.failure();
                return page(request, lifted.failure(), HttpStatusOf(lifted.failure().kind));
              }
              return PageReply::Redirect(admin::ListPagePath(admin::ListOf(request), "bans") +
                                         "?done=unbanned");
            });
}

}  // namespace web
