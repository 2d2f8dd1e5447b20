// Lists as JSON: one object per list in `list ls` (and later GET
// /api/v1/lists), the whole of one list in `list show` (GET
// /api/v1/lists/{address}).
#ifndef LISTD_LISTD_VIEWS_LIST_VIEW_H_
#define LISTD_LISTD_VIEWS_LIST_VIEW_H_

#include "listd/service/list_service.h"
#include "listd/views/json.h"

namespace listd::views {

// {"address", "name", "created_at", "members"}
Json ListSummaryView(const service::ListSummary& summary);

// {"address", "name", "created_at", "members": {"member", "moderator",
// "owner", "total"}, "settings": {NAME: {"value", "default"}}, "keys":
// [KeyView]}
Json ListDetailsView(const service::ListDetails& details);

}  // namespace listd::views

#endif  // LISTD_LISTD_VIEWS_LIST_VIEW_H_
