// The member bounce view (see member_bounce_view.h).
#include "listd/views/member_bounce_view.h"

#include <cstdint>
#include <string>

#include "base/iso_time.h"

namespace listd::views {
namespace {

// The store writes 0 for "not yet"; the view says null.
Json TimeOrNull(int64_t seconds) {
  return seconds == 0 ? Json(nullptr) : Json(base::IsoTime(seconds));
}

}  // namespace

Json MemberBounceView(const storage::MemberBounce& entry) {
  const storage::MemberRecord& member = entry.member;
  const storage::BounceInfo& info = entry.info;
  return {{"address", member.address.ToString()},
          {"name", member.address.display_name},
          {"delivery", std::string(storage::ToString(member.delivery))},
          {"bounce_score", member.bounce_score},
          {"last_failure_at", TimeOrNull(info.last_failure_at)},
          {"last_failure", info.last_failure},
          {"disabled_at", TimeOrNull(info.disabled_at)},
          {"owners_told", info.owners_told},
          {"warnings_sent", info.warnings_sent},
          {"last_warning_at", TimeOrNull(info.last_warning_at)},
          {"probe", std::string(storage::ToString(info.probe))},
          {"probe_sent_at", TimeOrNull(info.probe_sent_at)}};
}

}  // namespace listd::views
