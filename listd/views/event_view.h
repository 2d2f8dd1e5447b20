// An event of the log as JSON (`list events --json`, later the REST API's
// audit log).
#ifndef LISTD_LISTD_VIEWS_EVENT_VIEW_H_
#define LISTD_LISTD_VIEWS_EVENT_VIEW_H_

#include "listd/views/json.h"
#include "storage/event_log.h"

namespace listd::views {

// {"id", "at" (ISO 8601 UTC), "actor", "action", "detail"}
Json EventView(const storage::EventRecord& event);

}  // namespace listd::views

#endif  // LISTD_LISTD_VIEWS_EVENT_VIEW_H_
