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

namespace {

// The catalogue's own names for its types, as a form shows them.
std::string_view TypeName(settings::SettingType type) {
  switch (type) {
    case settings::SettingType::kEnum:
      return "enum";
    case settings::SettingType::kBytes:
      return "bytes";
    case settings::SettingType::kSeconds:
      return "seconds";
    case settings::SettingType::kHeaderList:
      return "header-list";
    case settings::SettingType::kDomain:
      return "domain";
    case settings::SettingType::kAuthservId:
      return "authserv-id";
    case settings::SettingType::kText:
      return "text";
    case settings::SettingType::kTemplateName:
      return "template";
    case settings::SettingType::kCanonicalization:
      return "canonicalization";
    case settings::SettingType::kCount:
      return "count";
    case settings::SettingType::kScore:
      return "score";
  }
  return "text";
}

}  // namespace

base::Result<Json> ListFace::SettingsCatalogue(const std::string& list) {
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    auto found = service::FindListWithSettings(store, list);
    if (!found) return found.failure();
    Json entries = Json::array();
    for (const settings::EffectiveSetting& s : found->settings.All()) {
      Json choices = Json::array();
      for (std::string_view choice : s.spec->allowed) choices.push_back(std::string(choice));
      entries.push_back({{"name", std::string(s.spec->name)},
                         {"description", std::string(s.spec->description)},
                         {"type", std::string(TypeName(s.spec->type))},
                         {"allowed", settings::DescribeAllowed(*s.spec)},
                         {"choices", choices},
                         {"default_value", s.spec->default_for(found->record.address)},
                         {"value", s.value},
                         {"is_default", s.is_default}});
    }
    return entries;
  });
}

base::Result<Json> ListFace::CheckSettings(
    const std::vector<std::pair<std::string, std::string>>& assignments) {
  // The catalogue alone: no store, nothing changed.
  Json refused = Json::object();
  for (const auto& [name, value] : assignments) {
    auto checked = settings::Validate(name, value);
    if (!checked) refused[name] = checked.failure().message;
  }
  return refused;
}

}  // namespace listd::webface
