// ListFace: web::ListOperations over ListService and the list views, on
// the web face's shared store. Each write is the call `listctl list
// create | set | rm` makes, with the caller's actor in its event.
// Thread-safety: any thread (SharedStore serialises the calls).
#ifndef LISTD_LISTD_WEBFACE_LIST_FACE_H_
#define LISTD_LISTD_WEBFACE_LIST_FACE_H_

#include "listd/webface/shared_store.h"
#include "web/list_operations.h"

namespace listd::webface {

class ListFace : public web::ListOperations {
 public:
  explicit ListFace(SharedStore& store) : store_(store) {}

  base::Result<nlohmann::json> Lists() override;
  base::Result<nlohmann::json> CreateList(const std::string& actor, const std::string& address,
                                          const std::string& name,
                                          const std::optional<std::string>& owner,
                                          int64_t now) override;
  base::Result<nlohmann::json> ShowList(const std::string& list) override;
  base::Status RemoveList(const std::string& actor, const std::string& list, int64_t now) override;
  base::Result<nlohmann::json> Settings(const std::string& list) override;
  base::Result<nlohmann::json> ChangeSettings(
      const std::string& actor, const std::string& list,
      const std::vector<std::pair<std::string, std::string>>& assignments,
      const std::vector<std::string>& reset, int64_t now) override;
  base::Result<nlohmann::json> SettingsCatalogue(const std::string& list) override;
  base::Result<nlohmann::json> CheckSettings(
      const std::vector<std::pair<std::string, std::string>>& assignments) override;

 private:
  SharedStore& store_;
};

}  // namespace listd::webface

#endif  // LISTD_LISTD_WEBFACE_LIST_FACE_H_
