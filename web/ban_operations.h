// BanOperations: what the REST API's ban resources need of listd: a
// list's bans and the site's, over BanService (listd/webface/ban_face.h).
//
// Contract: `list` absent means the site-wide bans. A pattern is an exact
// address, "*@domain" or "*@*.domain", anything else kind invalid; banning
// a pattern twice is kind conflict, lifting one not there kind not_found.
// Thread-safety: an implementation must allow calls from several threads.
#ifndef LISTD_WEB_BAN_OPERATIONS_H_
#define LISTD_WEB_BAN_OPERATIONS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/result.h"

namespace web {

class BanOperations {
 public:
  virtual ~BanOperations() = default;

  // The bans of `list` (or the site's), oldest first.
  virtual base::Result<nlohmann::json> Bans(const std::optional<std::string>& list) = 0;
  // Bans `pattern`; returns the ban's view.
  virtual base::Result<nlohmann::json> AddBan(const std::string& actor,
                                              const std::optional<std::string>& list,
                                              const std::string& pattern, const std::string& reason,
                                              int64_t now) = 0;
  // Lifts the ban of `pattern`.
  virtual base::Status RemoveBan(const std::string& actor, const std::optional<std::string>& list,
                                 const std::string& pattern, int64_t now) = 0;
};

}  // namespace web

#endif  // LISTD_WEB_BAN_OPERATIONS_H_
