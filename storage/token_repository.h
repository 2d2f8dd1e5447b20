// Tokens for confirmation flows (double opt-in, unsubscribe, moderation by
// mail). Only a SHA-256 hash of each token is stored, so a copy of the
// database cannot be used to confirm anything; the token itself is made by
// the caller from the CSPRNG and sent to the person once.
#ifndef LISTD_STORAGE_TOKEN_REPOSITORY_H_
#define LISTD_STORAGE_TOKEN_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "storage/database.h"

namespace storage {

struct TokenRecord {
  int64_t id = 0;
  int64_t list_id = 0;
  std::string purpose;  // "subscribe", "unsubscribe", "approve", ...
  std::string address;
  std::string payload;  // purpose-specific data
  int64_t created_at = 0;
  int64_t expires_at = 0;
};

class TokenRepository {
 public:
  explicit TokenRepository(Database& db) : db_(db) {}
  // Stores the hash of `token`.
  Status Add(const std::string& token, const TokenRecord& record);
  // Finds an unexpired, unused token and marks it used, atomically; nullopt
  // when unknown, expired or already used.
  Result<std::optional<TokenRecord>> Redeem(const std::string& token, int64_t now);
  // Deletes expired tokens; returns how many.
  Result<int64_t> Purge(int64_t now);

 private:
  Database& db_;
};

// A new token: 32 bytes from the CSPRNG, base64url without padding.
std::string NewToken();

}  // namespace storage

#endif  // LISTD_STORAGE_TOKEN_REPOSITORY_H_
