// MemberFace (see member_face.h).
#include "listd/webface/member_face.h"

#include <sstream>

#include "listd/service/member_service.h"
#include "listd/views/member_view.h"

namespace listd::webface {
namespace {

using Json = nlohmann::json;

base::Result<storage::MemberRole> RoleOf(const std::string& text) {
  auto role = storage::ParseMemberRole(text);
  if (!role) return base::Invalid("role must be member, moderator or owner, not \"" + text + "\"");
  return *role;
}

// As `listctl member set`: "disabled" is the member's own choice.
base::Result<storage::Delivery> DeliveryOf(const std::string& text) {
  auto delivery =
      text == "disabled" ? storage::Delivery::kDisabledByUser : storage::ParseDelivery(text);
  if (!delivery) {
    return base::Invalid(
        "delivery must be enabled, disabled, disabled-by-user or disabled-by-bounce, not \"" +
        text + "\"");
  }
  return *delivery;
}

}  // namespace

base::Result<Json> MemberFace::Members(const std::string& list, const web::MemberPageQuery& query) {
  storage::MemberSearch search;
  if (query.role) {
    auto role = RoleOf(*query.role);
    if (!role) return role.failure();
    search.filter.role = *role;
  }
  if (query.delivery) {
    auto delivery = DeliveryOf(*query.delivery);
    if (!delivery) return delivery.failure();
    search.filter.delivery = *delivery;
  }
  search.contains = query.contains;
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    auto page = service::MemberService(store, "").Page(list, search, query.start, query.count);
    if (!page) return page.failure();
    Json entries = Json::array();
    for (const storage::MemberRecord& member : page->members) {
      entries.push_back(views::MemberView(member));
    }
    return Json{
        {"entries", std::move(entries)}, {"start", query.start}, {"total_size", page->total}};
  });
}

base::Result<Json> MemberFace::Member(const std::string& list, const std::string& address) {
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    auto member = service::MemberService(store, "").FindMember(list, address);
    if (!member) return member.failure();
    return views::MemberView(*member);
  });
}

base::Result<Json> MemberFace::AddMember(const std::string& actor, const std::string& list,
                                         const std::string& address, const std::string& role,
                                         int64_t now) {
  auto parsed_role = RoleOf(role);
  if (!parsed_role) return parsed_role.failure();
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    service::MemberService members(store, actor);
    auto report = members.AddMembers(list, {address}, *parsed_role, now);
    if (!report) return report.failure();
    if (report->changed.empty()) {
      return base::Conflict(address + " is already a member of " + list);
    }
    auto member = members.FindMember(list, report->changed.front());
    if (!member) return member.failure();
    return views::MemberView(*member);
  });
}

base::Status MemberFace::RemoveMember(const std::string& actor, const std::string& list,
                                      const std::string& address, int64_t now) {
  return store_.With([&](storage::Store& store) -> base::Status {
    auto report = service::MemberService(store, actor).RemoveMembers(list, {address}, now);
    if (!report) return report.failure();
    if (report->changed.empty()) return base::NotFound(address + " is not a member of " + list);
    return base::Ok();
  });
}

base::Result<Json> MemberFace::ChangeMember(const std::string& actor, const std::string& list,
                                            const std::string& address,
                                            const web::MemberChange& change, int64_t now) {
  service::MemberOptions options;
  if (change.role) {
    auto role = RoleOf(*change.role);
    if (!role) return role.failure();
    options.role = *role;
  }
  if (change.delivery) {
    auto delivery = DeliveryOf(*change.delivery);
    if (!delivery) return delivery.failure();
    options.delivery = *delivery;
  }
  options.moderated = change.moderated;
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    auto member =
        service::MemberService(store, actor).SetMemberOptions(list, address, options, now);
    if (!member) return member.failure();
    return views::MemberView(*member);
  });
}

base::Result<Json> MemberFace::Import(const std::string& actor, const std::string& list,
                                      const std::string& text, int64_t now) {
  std::istringstream in(text);
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    auto report = service::MemberService(store, actor).ImportMembers(list, in, now);
    if (!report) return report.failure();
    Json rejected = Json::array();
    for (const service::ImportReport::Rejected& r : report->rejected) {
      rejected.push_back({{"line", r.line}, {"text", r.text}, {"reason", r.reason}});
    }
    return Json{{"added", report->added},
                {"duplicates", report->duplicates},
                {"rejected_count", report->rejected_count},
                {"rejected", std::move(rejected)}};
  });
}

base::Result<std::string> MemberFace::Export(const std::string& list) {
  return store_.With([&](storage::Store& store) -> base::Result<std::string> {
    std::ostringstream out;
    auto written = service::MemberService(store, "").ExportMembers(list, out);
    if (!written) return written.failure();
    return out.str();
  });
}

}  // namespace listd::webface
