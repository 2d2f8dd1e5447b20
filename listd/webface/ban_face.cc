// BanFace (see ban_face.h).
#include "listd/webface/ban_face.h"

#include "listd/service/ban_service.h"
#include "listd/service/list_lookup.h"
#include "listd/views/ban_view.h"

namespace listd::webface {
namespace {

using Json = nlohmann::json;

std::optional<std::string_view> Scope(const std::optional<std::string>& list) {
  if (!list) return std::nullopt;
  return std::string_view(*list);
}

// The list's address as the view names it (null for the site's bans).
base::Result<std::optional<std::string>> ScopeAddress(storage::Store& store,
                                                      const std::optional<std::string>& list) {
  if (!list) return std::optional<std::string>();
  auto found = service::FindList(store, *list);
  if (!found) return found.failure();
  return std::optional<std::string>(found->address.ToString());
}

}  // namespace

base::Result<Json> BanFace::Bans(const std::optional<std::string>& list) {
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    auto address = ScopeAddress(store, list);
    if (!address) return address.failure();
    auto bans = service::BanService(store, "").ListBans(Scope(list));
    if (!bans) return bans.failure();
    Json out = Json::array();
    for (const storage::BanRecord& ban : *bans) out.push_back(views::BanView(ban, *address));
    return out;
  });
}

base::Result<Json> BanFace::AddBan(const std::string& actor, const std::optional<std::string>& list,
                                   const std::string& pattern, const std::string& reason,
                                   int64_t now) {
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    auto address = ScopeAddress(store, list);
    if (!address) return address.failure();
    auto ban = service::BanService(store, actor).AddBan(Scope(list), pattern, reason, now);
    if (!ban) return ban.failure();
    return views::BanView(*ban, *address);
  });
}

base::Status BanFace::RemoveBan(const std::string& actor, const std::optional<std::string>& list,
                                const std::string& pattern, int64_t now) {
  return store_.With([&](storage::Store& store) {
    return service::BanService(store, actor).RemoveBan(Scope(list), pattern, now);
  });
}

}  // namespace listd::webface
