// A ban as JSON (`ban ls --json`, later GET /api/v1/bans).
#ifndef LISTD_LISTD_VIEWS_BAN_VIEW_H_
#define LISTD_LISTD_VIEWS_BAN_VIEW_H_

#include <optional>
#include <string>

#include "listd/views/json.h"
#include "storage/ban_repository.h"

namespace listd::views {

// {"id", "list" (the list's address, null for a site-wide ban), "pattern",
// "reason", "created_at" (ISO 8601 UTC)}
Json BanView(const storage::BanRecord& ban, const std::optional<std::string>& list_address);

}  // namespace listd::views

#endif  // LISTD_LISTD_VIEWS_BAN_VIEW_H_
