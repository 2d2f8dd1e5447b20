// A subscription request as JSON (`sub pending --json`, later the REST
// API's pending requests).
#ifndef LISTD_LISTD_VIEWS_REQUEST_VIEW_H_
#define LISTD_LISTD_VIEWS_REQUEST_VIEW_H_

#include "listd/service/subscription_service.h"
#include "listd/views/json.h"

namespace listd::views {

// {"id", "list", "address", "name", "action" (join|leave), "state"
// (confirming|moderating), "via", "created_at", "expires_at" (ISO 8601 UTC)}
Json RequestView(const service::PendingRequest& pending);

}  // namespace listd::views

#endif  // LISTD_LISTD_VIEWS_REQUEST_VIEW_H_
