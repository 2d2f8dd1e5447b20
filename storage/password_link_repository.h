// Password links: the one-time tokens of the emailed "set your password"
// links, over the password_links table (storage/schema.cc, step 9). Only
// the SHA-256 of a token is stored (token_hash.h). A link is for an
// address, not a user row: a list's owner may have none until the link
// is used. How long a link lives and how many an hour are mailed is the
// service's policy; CountSince gives it the count.
//
// Thread-safety: as the Database (one per thread).
#ifndef LISTD_STORAGE_PASSWORD_LINK_REPOSITORY_H_
#define LISTD_STORAGE_PASSWORD_LINK_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/database.h"

namespace storage {

struct PasswordLinkRecord {
  int64_t id = 0;
  std::string address;
  int64_t created_at = 0;
  int64_t expires_at = 0;
};

class PasswordLinkRepository {
 public:
  explicit PasswordLinkRepository(Database& db) : db_(db) {}

  // Stores the hash of `token` for `address`, valid until `expires_at`.
  Status Add(std::string_view token, const std::string& address, int64_t now, int64_t expires_at);
  // The link of `token` when unused and unexpired at `now`; changes nothing.
  Result<std::optional<PasswordLinkRecord>> FindLive(std::string_view token, int64_t now);
  // Like FindLive, and marks the link used, atomically: a link works once.
  Result<std::optional<PasswordLinkRecord>> Redeem(std::string_view token, int64_t now);
  // Marks every unused link of `address` (any case) used.
  Status UseAllFor(const std::string& address, int64_t now);
  // How many links were made for `address` (any case) at or after `since`.
  Result<int64_t> CountSince(const std::string& address, int64_t since);

 private:
  Database& db_;
};

}  // namespace storage

#endif  // LISTD_STORAGE_PASSWORD_LINK_REPOSITORY_H_
