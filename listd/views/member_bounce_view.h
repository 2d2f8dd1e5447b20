// A member's bounce state as JSON (`listctl bounce ls --json`, later the
// REST API's view of a list's bouncing members): the member's delivery and
// score with what bounce processing keeps beside them
// (storage/bounce_repository.h). A time that was never set (0 in the
// store) is null, so "never failed" cannot be read as 1970.
#ifndef LISTD_LISTD_VIEWS_MEMBER_BOUNCE_VIEW_H_
#define LISTD_LISTD_VIEWS_MEMBER_BOUNCE_VIEW_H_

#include "listd/views/json.h"
#include "storage/bounce_repository.h"

namespace listd::views {

// {"address", "name", "delivery", "bounce_score", "last_failure_at",
//  "last_failure", "disabled_at", "owners_told", "warnings_sent",
//  "last_warning_at", "probe" ("none" | "due" | "sent"), "probe_sent_at"};
// times ISO 8601 UTC or null.
Json MemberBounceView(const storage::MemberBounce& entry);

}  // namespace listd::views

#endif  // LISTD_LISTD_VIEWS_MEMBER_BOUNCE_VIEW_H_
