// A member as JSON (`member ls --json`, later GET /api/v1/lists/{l}/members).
#ifndef LISTD_LISTD_VIEWS_MEMBER_VIEW_H_
#define LISTD_LISTD_VIEWS_MEMBER_VIEW_H_

#include "listd/views/json.h"
#include "storage/member_repository.h"

namespace listd::views {

// {"address", "name", "role", "delivery", "bounce_score", "moderated",
//  "subscribed_at"}
Json MemberView(const storage::MemberRecord& member);

}  // namespace listd::views

#endif  // LISTD_LISTD_VIEWS_MEMBER_VIEW_H_
