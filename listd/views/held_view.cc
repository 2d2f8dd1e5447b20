// The held-post view (see held_view.h).
#include "listd/views/held_view.h"

#include <ctime>

namespace listd::views {
namespace {

std::string IsoTime(int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

}  // namespace

Json HeldPostView(const storage::HeldPost& held) {
  return {{"id", held.id},       {"post", held.post_id},    {"held_at", IsoTime(held.held_at)},
          {"from", held.sender}, {"subject", held.subject}, {"reason", held.reason}};
}

}  // namespace listd::views
