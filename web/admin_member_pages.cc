// The members pages (see admin_pages.h): a page of members found by
// address substring, role and delivery state; adding, removing and
// changing one (role, moderation flag, delivery); importing a file with
// the per-line report `listctl member import` prints; exporting.
// Moderators read; owners change.
#include "web/admin_page_common.h"
#include "web/admin_pages.h"
#include "web/http_status.h"

namespace web {
namespace {

using admin::Json;

constexpr int64_t kPageSize = 50;
constexpr const char* kRoles[] = {"member", "moderator", "owner"};
constexpr const char* kDeliveries[] = {"enabled", "disabled-by-user", "disabled-by-bounce"};

Json Options(const char* const* names, size_t count, const std::string& chosen) {
  Json options = Json::array();
  for (size_t i = 0; i < count; ++i) {
    options.push_back({{"value", names[i]}, {"selected", chosen == names[i]}});
  }
  return options;
}

// The query a search form asks for; an unknown role or delivery is
// passed on for the operations to refuse.
MemberPageQuery QueryOf(const PageRequest& request) {
  MemberPageQuery query;
  if (!request.Field("role").empty()) query.role = request.Field("role");
  if (!request.Field("delivery").empty()) query.delivery = request.Field("delivery");
  query.contains = request.Field("contains");
  query.start = admin::NumberField(request, "start", 0, 0, int64_t{1} << 40);
  query.count = kPageSize;
  return query;
}

// The search's link for the page starting at `start`.
std::string PageLink(const PageRequest& request, int64_t start) {
  return admin::ListPagePath(admin::ListOf(request), "members") +
         "?contains=" + admin::QueryValue(request.Field("contains")) +
         "&role=" + admin::QueryValue(request.Field("role")) +
         "&delivery=" + admin::QueryValue(request.Field("delivery")) +
         "&start=" + std::to_string(start);
}

base::Result<PageReply> MembersPage(AdminOperations& ops, const PageRequest& request,
                                    const std::optional<base::Error>& failure, int status,
                                    const Json& report) {
  const std::string& list = admin::ListOf(request);
  const bool get = request.method == "GET";
  MemberPageQuery query = get ? QueryOf(request) : MemberPageQuery{};
  Json values = admin::ListPageValues(request, "Members");
  admin::AddNotice(values, request);
  if (failure) admin::AddError(values, *failure);
  if (!report.is_null()) values["report"] = report;
  auto page = ops.members.Members(list, query);
  if (!page) {
    if (base::IsSystemFailure(page.failure())) return page.failure();
    admin::AddError(values, page.failure());
    query = MemberPageQuery{};
    page = ops.members.Members(list, query);
    if (!page) return page.failure();
  }
  const bool owner = values["list"]["owner"].get<bool>();
  Json rows = Json::array();
  for (const Json& member : (*page)["entries"]) {
    Json row = member;
    const std::string role = member.value("role", "member");
    const std::string delivery = member.value("delivery", "enabled");
    row["roles"] = Options(kRoles, 3, role);
    row["deliveries"] = Options(kDeliveries, 3, delivery);
    row["bounce_disabled"] = delivery == "disabled-by-bounce";
    row["can_change"] = owner;
    rows.push_back(row);
  }
  const int64_t total = page->value("total_size", int64_t{0});
  values["members"] = rows;
  values["total"] = total;
  values["from"] = total == 0 ? 0 : query.start + 1;
  values["to"] = query.start + static_cast<int64_t>(rows.size());
  if (query.start > 0) {
    values["previous"] = PageLink(request, query.start > kPageSize ? query.start - kPageSize : 0);
  }
  if (query.start + kPageSize < total) values["next"] = PageLink(request, query.start + kPageSize);
  values["search"] = {
      {"contains", get ? request.Field("contains") : ""},
      {"roles", Options(kRoles, 3, get ? request.Field("role") : "")},
      {"deliveries", Options(kDeliveries, 3, get ? request.Field("delivery") : "")}};
  values["new_roles"] = Options(kRoles, 3, "member");
  return PageReply::Render("admin_members", std::move(values), status);
}

// A refusal comes back on the members page; a system failure is an error.
base::Result<PageReply> Refused(AdminOperations& ops, const PageRequest& request,
                                const base::Error& error) {
  if (base::IsSystemFailure(error)) return error;
  return MembersPage(ops, request, error, HttpStatusOf(error.kind), Json());
}

std::string Done(const PageRequest& request, const std::string& code) {
  return admin::ListPagePath(admin::ListOf(request), "members") + "?done=" + code;
}

}  // namespace

void AdminPages::InstallMembers(PageRoutes& pages) {
  const std::string base = "/admin/lists/{list}/members";
  pages.Add("GET", base, PageAccess::kListModerator,
            [this](const PageRequest& request) -> base::Result<PageReply> {
              return MembersPage(ops_, request, std::nullopt, 200, Json());
            });

  pages.Add("GET", base + "/export", PageAccess::kListOwner,
            [this](const PageRequest& request) -> base::Result<PageReply> {
              auto text = ops_.members.Export(admin::ListOf(request));
              if (!text) return text.failure();
              return PageReply::Download(*text, "text/plain; charset=utf-8", "members.txt");
            });

  pages.Add("POST", base + "/add", PageAccess::kListOwner,
            [this](const PageRequest& request) -> base::Result<PageReply> {
              auto added = ops_.members.AddMember(
                  admin::ActorOf(request), admin::ListOf(request), request.Field("address"),
                  request.Field("role").empty() ? "member" : request.Field("role"), request.now);
              if (!added) return Refused(ops_, request, added.failure());
              return PageReply::Redirect(Done(request, "added"));
            });

  pages.Add("POST", base + "/remove", PageAccess::kListOwner,
            [this](const PageRequest& request) -> base::Result<PageReply> {
              base::Status removed =
                  ops_.members.RemoveMember(admin::ActorOf(request), admin::ListOf(request),
                                            request.Field("address"), request.now);
              if (!removed) return Refused(ops_, request, removed.failure());
              return PageReply::Redirect(Done(request, "member-removed"));
            });

  pages.Add("POST", base + "/change", PageAccess::kListOwner,
            [this](const PageRequest& request) -> base::Result<PageReply> {
              MemberChange change;
              if (!request.Field("role").empty()) change.role = request.Field("role");
              if (!request.Field("delivery").empty()) change.delivery = request.Field("delivery");
              // A checkbox is absent when unticked; the form says it was there.
              if (request.Field("has_moderated") == "1") {
                change.moderated = request.Field("moderated") == "1";
              }
              auto changed =
                  ops_.members.ChangeMember(admin::ActorOf(request), admin::ListOf(request),
                                            request.Field("address"), change, request.now);
              if (!changed) return Refused(ops_, request, changed.failure());
              return PageReply::Redirect(Done(request, "changed"));
            });

  pages.Add("POST", base + "/import", PageAccess::kListOwner,
            [this](const PageRequest& request) -> base::Result<PageReply> {
              auto file = request.files.find("file");
              std::string text =
                  file != request.files.end() ? file->second.content : request.Field("addresses");
              if (text.empty()) {
                return Refused(ops_, request,
                               base::Invalid("Choose a file (one address a line) to import."));
              }
              auto report = ops_.members.Import(admin::ActorOf(request), admin::ListOf(request),
                                                text, request.now);
              if (!report) return Refused(ops_, request, report.failure());
              // The report is the answer: shown once, not kept.
              return MembersPage(ops_, request, std::nullopt, 200, *report);
            });
}

}  // namespace web
