// The member view (see member_view.h).
#include "listd/views/member_view.h"

namespace listd::views {

Json MemberView(const storage::MemberRecord& member) {
  return {{"address", member.address.ToString()},
          {"name", member.address.display_name},
          {"role", std::string(storage::ToString(member.role))},
          {"delivery", std::string(storage::ToString(member.delivery))},
          {"bounce_score", member.bounce_score},
          {"moderated", member.moderated},
          {"subscribed_at", member.subscribed_at}};
}

}  // namespace listd::views
