// Web sessions: a login's session, over the web_sessions table
// (storage/schema.cc, step 9). The session id is made by the caller from
// the CSPRNG and handed to the browser once; only its SHA-256 is stored
// (token_hash.h), so a copy of the database opens no session. When a
// session ends (idle or age) is the service's policy: this keeps when it
// was opened, last used and closed.
//
// Thread-safety: as the Database (one per thread).
#ifndef LISTD_STORAGE_WEB_SESSION_REPOSITORY_H_
#define LISTD_STORAGE_WEB_SESSION_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/database.h"

namespace storage {

struct WebSessionRecord {
  int64_t id = 0;
  int64_t user_id = 0;
  int64_t created_at = 0;
  int64_t last_used_at = 0;
  std::optional<int64_t> closed_at;
};

class WebSessionRepository {
 public:
  explicit WebSessionRepository(Database& db) : db_(db) {}

  // Stores the hash of `session_id` for user `user_id`; returns the row id.
  Result<int64_t> Add(std::string_view session_id, int64_t user_id, int64_t now);
  // The session of `session_id`, open or closed; none when unknown.
  Result<std::optional<WebSessionRecord>> Find(std::string_view session_id);
  // Records a use of session `id` at `now`.
  Status Touch(int64_t id, int64_t now);
  // Closes the open session of `session_id`; false when there was none.
  Result<bool> Close(std::string_view session_id, int64_t now);
  // Closes every open session of user `user_id` (a new password); returns
  // how many.
  Result<int64_t> CloseAllFor(int64_t user_id, int64_t now);

 private:
  Database& db_;
};

}  // namespace storage

#endif  // LISTD_STORAGE_WEB_SESSION_REPOSITORY_H_
