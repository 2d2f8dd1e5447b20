// The ban view (see ban_view.h).
#include "listd/views/ban_view.h"

#include "base/iso_time.h"

namespace listd::views {

Json BanView(const storage::BanRecord& ban, const std::optional<std::string>& list_address) {
  return {{"id", ban.id},
          {"list", list_address ? Json(*list_address) : Json(nullptr)},
          {"pattern", ban.pattern},
          {"reason", ban.reason},
          {"created_at", base::IsoTime(ban.created_at)}};
}

}  // namespace listd::views
