// API tokens: the bearer tokens of the REST API, over the api_tokens
// table (storage/schema.cc, step 9). A token's scope is the site, or one
// list with a role (owner or moderator); a list's tokens go with the
// list. The token is made by the caller from the CSPRNG and shown once;
// only its SHA-256 is stored (token_hash.h), and no call here returns it.
//
// Thread-safety: as the Database (one per thread).
#ifndef LISTD_STORAGE_API_TOKEN_REPOSITORY_H_
#define LISTD_STORAGE_API_TOKEN_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.h"
#include "storage/member_repository.h"

namespace storage {

struct ApiTokenRecord {
  int64_t id = 0;
  std::string name;
  std::optional<int64_t> list_id;        // absent: a site token
  MemberRole role = MemberRole::kOwner;  // a list token's role (owner or moderator)
  int64_t created_at = 0;
  std::optional<int64_t> last_used_at;
  std::optional<int64_t> revoked_at;
};

class ApiTokenRepository {
 public:
  explicit ApiTokenRepository(Database& db) : db_(db) {}

  // Stores the hash of `token` with the scope of `record` (its id and
  // times other than created_at are ignored); returns the new id. A list
  // token's role must be owner or moderator (kind invalid).
  Result<int64_t> Add(std::string_view token, const ApiTokenRecord& record);
  // The token `token`, revoked or not; none when unknown.
  Result<std::optional<ApiTokenRecord>> Find(std::string_view token);
  // Records a use of token `id` at `now`.
  Status Touch(int64_t id, int64_t now);
  // Revokes token `id`; kind not_found when there is no such token, and
  // false (no change) when it was revoked already.
  Result<bool> Revoke(int64_t id, int64_t now);
  // Every token, by id.
  Result<std::vector<ApiTokenRecord>> All();

 private:
  Database& db_;
};

}  // namespace storage

#endif  // LISTD_STORAGE_API_TOKEN_REPOSITORY_H_
