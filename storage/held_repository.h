// Held posts: posts the admit stage would not pass, kept with the reason
// until a moderator approves, rejects or discards them.
#ifndef LISTD_STORAGE_HELD_REPOSITORY_H_
#define LISTD_STORAGE_HELD_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace storage {

struct HeldPost {
  int64_t id = 0;
  int64_t list_id = 0;
  int64_t post_id = 0;  // the spooled post
  std::string reason;
  std::string sender;
  std::string subject;
  int64_t held_at = 0;
};

class HeldRepository {
 public:
  explicit HeldRepository(Database& db) : db_(db) {}
  Result<int64_t> Add(const HeldPost& held);
  Result<std::vector<HeldPost>> ForList(int64_t list_id);
  Result<std::optional<HeldPost>> Find(int64_t held_id);
  // Removes the hold (after approve, reject or discard).
  Status Remove(int64_t held_id);

 private:
  Database& db_;
};

}  // namespace storage

#endif  // LISTD_STORAGE_HELD_REPOSITORY_H_
