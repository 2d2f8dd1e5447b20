// ListOperations: what the REST API's list resources need of listd: the
// lists, one list's details, its settings (read and written through the
// settings catalogue's validation), creating and removing a list. listd
// implements it over its services (listd/webface/list_face.h); answers are
// listd's JSON views, the same documents `listctl --json` prints.
//
// Contract: errors have kinds (base/result.h); a list that does not exist
// is not_found, a setting the catalogue refuses invalid, with nothing
// changed. `actor` is recorded with every event a write causes; `now` is
// seconds since the epoch.
// Thread-safety: an implementation must allow calls from several threads.
#ifndef LISTD_WEB_LIST_OPERATIONS_H_
#define LISTD_WEB_LIST_OPERATIONS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace web {

class ListOperations {
 public:
  virtual ~ListOperations() = default;

  // Every list as a summary ({"address", "name", "created_at", "members"}).
  virtual base::Result<nlohmann::json> Lists() = 0;
  // Creates a list, with `owner` as its first owner when given.
  virtual base::Result<nlohmann::json> CreateList(const std::string& actor,
                                                  const std::string& address,
                                                  const std::string& name,
                                                  const std::optional<std::string>& owner,
                                                  int64_t now) = 0;
  // The list's details: member counts, settings, keys.
  virtual base::Result<nlohmann::json> ShowList(const std::string& list) = 0;
  // Removes the list and everything it holds.
  virtual base::Status RemoveList(const std::string& actor, const std::string& list,
                                  int64_t now) = 0;
  // The settings in force: {NAME: {"value", "default", "description",
  // "allowed"}}.
  virtual base::Result<nlohmann::json> Settings(const std::string& list) = 0;
  // Sets every NAME=VALUE and resets every name in `reset`, all or none;
  // returns the settings as they now are.
  virtual base::Result<nlohmann::json> ChangeSettings(
      const std::string& actor, const std::string& list,
      const std::vector<std::pair<std::string, std::string>>& assignments,
      const std::vector<std::string>& reset, int64_t now) = 0;
  // The catalogue as a settings form needs it, in the catalogue's order:
  // [{"name", "description", "type", "allowed", "choices" (an enum's
  // values, else []), "default_value", "value", "is_default"}].
  virtual base::Result<nlohmann::json> SettingsCatalogue(const std::string& list) = 0;
  // Checks every NAME=VALUE with the catalogue's validation, changing
  // nothing: {NAME: why it is refused} for each refused one ({} when all
  // are good), so a form can show each complaint beside its field.
  virtual base::Result<nlohmann::json> CheckSettings(
      const std::vector<std::pair<std::string, std::string>>& assignments) = 0;
};

}  // namespace web

#endif  // LISTD_WEB_LIST_OPERATIONS_H_
