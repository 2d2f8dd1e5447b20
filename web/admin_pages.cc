// AdminPages (see admin_pages.h): installing the pages, and the lists
// overview with each list's health at a glance.
#include "web/admin_pages.h"

#include "web/admin_page_common.h"

namespace web {
namespace {

using admin::Json;

std::string SettingValue(const Json& details, const std::string& name) {
  auto settings = details.find("settings");
  if (settings == details.end() || !settings->contains(name)) return "";
  const Json& value = (*settings)[name]["value"];
  return value.is_string() ? value.get<std::string>() : "";
}

std::string DomainOf(const std::string& address) {
  size_t at = address.rfind('@');
  return at == std::string::npos ? "" : address.substr(at + 1);
}

std::string Lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

// Whether d= and the From domain share a parent, the relaxed alignment of
// RFC 7489 section 3.1.1 as far as it can be told without the public
// suffix list: one is the other or under it. The doctor's finding, on the
// signing page, uses the organizational domain itself.
bool Aligned(const std::string& signing_domain, const std::string& from_domain) {
  const std::string d = Lower(signing_domain), f = Lower(from_domain);
  if (d.empty() || f.empty()) return false;
  auto under = [](const std::string& child, const std::string& parent) {
    return child.size() > parent.size() &&
           child.compare(child.size() - parent.size(), parent.size(), parent) == 0 &&
           child[child.size() - parent.size() - 1] == '.' && parent.find('.') != std::string::npos;
  };
  return d == f || under(d, f) || under(f, d);
}

// One list's health: signing per configured algorithm, the keys' DNS
// state as their life cycle tells it (a key became active only once its
// record matched; the live lookup is the signing page's), alignment, the
// held posts waiting and the members bounces disabled.
base::Result<Json> Health(AdminOperations& ops, const std::string& list) {
  auto details = ops.lists.ShowList(list);
  if (!details) return details.failure();
  const std::string algorithms = SettingValue(*details, "signing.algorithms");
  std::string signing_domain = SettingValue(*details, "signing.domain");
  if (signing_domain.empty()) signing_domain = DomainOf(list);
  Json signing = Json::array();
  bool all_signing = true;
  int waiting = 0;
  for (const char* algorithm : {"rsa", "ed25519"}) {
    if (algorithms != "both" && algorithms != algorithm) continue;
    bool active = false;
    for (const Json& key : (*details)["keys"]) {
      if (key.value("algorithm", "") != algorithm) continue;
      if (key.value("state", "") == "active") active = true;
    }
    all_signing = all_signing && active;
    signing.push_back({{"algorithm", algorithm}, {"active", active}});
  }
  for (const Json& key : (*details)["keys"]) {
    if (key.value("state", "") == "generated") ++waiting;
  }
  auto held = ops.moderation.HeldPosts(list);
  if (!held) return held.failure();
  MemberPageQuery bounced;
  bounced.delivery = "disabled-by-bounce";
  bounced.count = 1;
  auto disabled = ops.members.Members(list, bounced);
  if (!disabled) return disabled.failure();
  return Json{{"address", list},
              {"name", details->value("name", "")},
              {"href", admin::ListPagePath(list, "members")},
              {"signing_href", admin::ListPagePath(list, "signing")},
              {"signing", signing},
              {"signing_ok", all_signing && !signing.empty()},
              {"keys_waiting", waiting},
              {"signing_domain", signing_domain},
              {"aligned", Aligned(signing_domain, DomainOf(list))},
              {"held", static_cast<int64_t>(held->size())},
              {"bounce_disabled", disabled->value("total_size", 0)}};
}

}  // namespace

void AdminPages::Install(PageRoutes& pages) {
  InstallOverview(pages);
  InstallSettings(pages);
  InstallSigning(pages);
  InstallMembers(pages);
  InstallModeration(pages);
  InstallBans(pages);
}

void AdminPages::InstallOverview(PageRoutes& pages) {
  pages.Add("GET", "/admin", PageAccess::kLoggedIn,
            [this](const PageRequest& request) -> base::Result<PageReply> {
              auto all = ops_.lists.Lists();
              if (!all) return all.failure();
              Json lists = Json::array();
              for (const Json& summary : *all) {
                const std::string address = summary.value("address", "");
                if (!request.principal->Sees(address)) continue;
                auto health = Health(ops_, address);
                if (!health) return health.failure();
                lists.push_back(*health);
              }
              return PageReply::Render("admin_lists", {{"title", "Your lists"}, {"lists", lists}});
            });
  pages.Add("GET", "/admin/lists/{list}", PageAccess::kListModerator,
            [](const PageRequest& request) -> base::Result<PageReply> {
              return PageReply::Redirect(admin::ListPagePath(admin::ListOf(request), "members"));
            });
}

}  // namespace web
