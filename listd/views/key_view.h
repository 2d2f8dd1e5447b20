// Keys as JSON: one view of a stored key (in `list show`, `key ls`, later
// the REST API) and one of a DNS check. Private keys never appear.
#ifndef LISTD_LISTD_VIEWS_KEY_VIEW_H_
#define LISTD_LISTD_VIEWS_KEY_VIEW_H_

#include <string>

#include "listd/service/key_service.h"
#include "listd/views/json.h"

namespace listd::views {

// {"selector", "algorithm", "bits", "state", "record_name", "public_key",
// "created_at", "activated_at", "retired_at"}; `signing_domain` names the
// record.
Json KeyView(const storage::KeyRecord& key, const std::string& signing_domain);

// {"selector", "algorithm", "state", "name", "result", "detail"}
Json KeyCheckView(const service::KeyCheck& check);

}  // namespace listd::views

#endif  // LISTD_LISTD_VIEWS_KEY_VIEW_H_
