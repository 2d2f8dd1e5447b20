// BanFace: web::BanOperations over BanService and the ban view, on the web
// face's shared store: the calls `listctl ban add | rm | ls` make, with
// the caller's actor in each event.
// Thread-safety: any thread (SharedStore serialises the calls).
#ifndef LISTD_LISTD_WEBFACE_BAN_FACE_H_
#define LISTD_LISTD_WEBFACE_BAN_FACE_H_

#include "listd/webface/shared_store.h"
#include "web/ban_operations.h"

namespace listd::webface {

class BanFace : public web::BanOperations {
 public:
  explicit BanFace(SharedStore& store) : store_(store) {}

  base::Result<nlohmann::json> Bans(const std::optional<std::string>& list) override;
  base::Result<nlohmann::json> AddBan(const std::string& actor,
                                      const std::optional<std::string>& list,
                                      const std::string& pattern, const std::string& reason,
                                      int64_t now) override;
  base::Status RemoveBan(const std::string& actor, const std::optional<std::string>& list,
                         const std::string& pattern, int64_t now) override;

 private:
  SharedStore& store_;
};

}  // namespace listd::webface

#endif  // LISTD_LISTD_WEBFACE_BAN_FACE_H_
