// Held posts: posts the admit stage would not pass, kept with the reason
// until a moderator approves, rejects or discards them.
#ifndef LISTD_STORAGE_HELD_REPOSITORY_H_
#define LISTD_STORAGE_HELD_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.h"

namespace storage {

// Why a post waits: a moderator's decision before it goes to the members,
// or the smarthost's refusal of the message after it was queued (its
// batches are parked: SpoolRepository::ParkBatch).
enum class HoldKind { kModeration, kRefused };
std::string_view ToString(HoldKind kind);  // "moderation", "refused"

struct HeldPost {
  int64_t id = 0;
  int64_t list_id = 0;
  int64_t post_id = 0;  // the spooled post
  std::string reason;
  std::string sender;
  std::string subject;
  int64_t held_at = 0;
  HoldKind kind = HoldKind::kModeration;  // schema step 8
};

class HeldRepository {
 public:
  explicit HeldRepository(Database& db) : db_(db) {}
  Result<int64_t> Add(const HeldPost& held);
  Result<std::vector<HeldPost>> ForList(int64_t list_id);
  Result<std::optional<HeldPost>> Find(int64_t held_id);
  // The hold of post `post_id` of that kind, if any (a post is held for a
  // refusal once, however many of its batches were refused).
  Result<std::optional<HeldPost>> FindForPost(int64_t post_id, HoldKind kind);
  // Removes the hold (after approve, reject or discard).
  Status Remove(int64_t held_id);

 private:
  Database& db_;
};

}  // namespace storage

#endif  // LISTD_STORAGE_HELD_REPOSITORY_H_
