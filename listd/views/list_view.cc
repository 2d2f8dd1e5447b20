// List views (see list_view.h).
#include "listd/views/list_view.h"

#include "listd/views/key_view.h"

namespace listd::views {

Json ListSummaryView(const service::ListSummary& summary) {
  return {{"address", summary.list.address.ToString()},
          {"name", summary.list.address.display_name},
          {"created_at", summary.list.created_at},
          {"members", summary.members}};
}

Json ListDetailsView(const service::ListDetails& details) {
  Json settings = Json::object();
  std::string signing_domain = details.list.address.domain;
  for (const settings::EffectiveSetting& s : details.settings) {
    settings[std::string(s.spec->name)] = {{"value", s.value}, {"default", s.is_default}};
    if (s.spec->id == settings::SettingId::kSigningDomain) signing_domain = s.value;
  }
  Json keys = Json::array();
  for (const storage::KeyRecord& key : details.keys) keys.push_back(KeyView(key, signing_domain));
  return {{"address", details.list.address.ToString()},
          {"name", details.list.address.display_name},
          {"created_at", details.list.created_at},
          {"members",
           {{"member", details.members},
            {"moderator", details.moderators},
            {"owner", details.owners},
            {"total", details.members + details.moderators + details.owners}}},
          {"settings", settings},
          {"keys", keys}};
}

}  // namespace listd::views
