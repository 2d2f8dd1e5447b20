// ListFace (see list_face.h).
#include "listd/webface/list_face.h"

#include "listd/service/list_lookup.h"
#include "listd/service/list_service.h"
#include "listd/settings/catalogue.h"
#include "listd/views/list_view.h"

namespace listd::webface {
namespace {

using Json = nlohmann::json;

// {NAME: {"value", "default", "description", "allowed"}}: the list view's
// settings with what a form needs to offer them.
base::Result<Json> SettingsOf(storage::Store& store, const std::string& list) {
  auto found = service::FindListWithSettings(store, list);
  if (!found) return found.failure();
  Json settings = Json::object();
  for (const settings::EffectiveSetting& s : found->settings.All()) {
    settings[std::string(s.spec->name)] = {{"value", s.value},
                                           {"default", s.is_default},
                                           {"description", std::string(s.spec->description)},
                                           {"allowed", settings::DescribeAllowed(*s.spec)}};
  }
  return settings;
}

}  // namespace

base::Result<Json> ListFace::Lists() {
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    auto all = service::ListService(store, "").AllLists();
    if (!all) return all.failure();
    Json lists = Json::array();
    for (const service::ListSummary& summary : *all) {
      lists.push_back(views::ListSummaryView(summary));
    }
    return lists;
  });
}

base::Result<Json> ListFace::CreateList(const std::string& actor, const std::string& address,
                                        const std::string& name,
                                        const std::optional<std::string>& owner, int64_t now) {
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    service::ListService lists(store, actor);
    auto created = lists.CreateList(address, name, owner, now);
    if (!created) return created.failure();
    auto details = lists.Show(created->address.ToString());
    if (!details) return details.failure();
    return views::ListDetailsView(*details);
  });
}

base::Result<Json> ListFace::ShowList(const std::string& list) {
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    auto details = service::ListService(store, "").Show(list);
    if (!details) return details.failure();
    return views::ListDetailsView(*details);
  });
}

base::Status ListFace::RemoveList(const std::string& actor, const std::string& list, int64_t now) {
  return store_.With([&](storage::Store& store) {
    return service::ListService(store, actor).RemoveList(list, now);
  });
}

base::Result<Json> ListFace::Settings(const std::string& list) {
  return store_.With([&](storage::Store& store) { return SettingsOf(store, list); });
}

base::Result<Json> ListFace::ChangeSettings(
    const std::string& actor, const std::string& list,
    const std::vector<std::pair<std::string, std::string>>& assignments,
    const std::vector<std::string>& reset, int64_t now) {
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    base::Status set = service::ListService(store, actor).Set(list, assignments, reset, now);
    if (!set) return set.failure().Prefixed("nothing changed");
    return SettingsOf(store, list);
  });
}

}  // namespace listd::webface
