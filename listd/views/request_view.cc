// The subscription-request view (see request_view.h).
#include "listd/views/request_view.h"

#include "base/iso_time.h"

namespace listd::views {

Json RequestView(const service::PendingRequest& pending) {
  const storage::RequestRecord& r = pending.request;
  return {{"id", r.id},
          {"list", pending.list},
          {"address", r.address.ToString()},
          {"name", r.address.display_name},
          {"action", storage::ToString(r.action)},
          {"state", storage::ToString(r.state)},
          {"via", r.via},
          {"created_at", base::IsoTime(r.created_at)},
          {"expires_at", base::IsoTime(r.expires_at)}};
}

}  // namespace listd::views
