// A bounce report as JSON (`listctl bounce parse --json`, later the REST
// API's view of a returned mail).
#ifndef LISTD_LISTD_VIEWS_BOUNCE_VIEW_H_
#define LISTD_LISTD_VIEWS_BOUNCE_VIEW_H_

#include "listd/service/bounce_report.h"
#include "listd/views/json.h"

namespace listd::views {

// {"kind", "recogniser", "reason", "truncated", "recipients": [{"address",
// "status", "action", "class", "diagnostic", "remote_mta", "recogniser"}],
// "refused": [...], and for a complaint "complaint": {"feedback_type",
// "original_rcpt", "list_id", "message_id", "to"}}
Json BounceView(const service::BounceReport& report);

}  // namespace listd::views

#endif  // LISTD_LISTD_VIEWS_BOUNCE_VIEW_H_
