// A held post as JSON (`held ls --json`, later GET /api/v1/held).
#ifndef LISTD_LISTD_VIEWS_HELD_VIEW_H_
#define LISTD_LISTD_VIEWS_HELD_VIEW_H_

#include "listd/views/json.h"
#include "storage/held_repository.h"

namespace listd::views {

// {"id", "post", "held_at" (ISO 8601 UTC, as listctl has always printed
// it), "from", "subject", "reason", "kind" ("moderation", or "refused":
// the smarthost refused the message and its batches wait)}
Json HeldPostView(const storage::HeldPost& held);

}  // namespace listd::views

#endif  // LISTD_LISTD_VIEWS_HELD_VIEW_H_
