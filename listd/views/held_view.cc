// The held-post view (see held_view.h).
#include "listd/views/held_view.h"

#include "base/iso_time.h"

namespace listd::views {

Json HeldPostView(const storage::HeldPost& held) {
  return {
      {"id", held.id},       {"post", held.post_id},    {"held_at", base::IsoTime(held.held_at)},
      {"from", held.sender}, {"subject", held.subject}, {"reason", held.reason},
      {"kind", std::string(storage::ToString(held.kind))}};
}

}  // namespace listd::views
