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

// A token as stored, and whether it was used.
struct TokenState {
  TokenRecord record;
  std::optional<int64_t> used_at;  // set once redeemed
};

class TokenRepository {
 public:
  explicit TokenRepository(Database& db) : db_(db) {}
  // Stores the hash of `token`.
  Status Add(const std::string& token, const TokenRecord& record);
  // Finds an unexpired, unused token and marks it used, atomically; nullopt
  // when unknown, expired or already used.
  Result<std::optional<TokenRecord>> Redeem(const std::string& token, int64_t now);
  // The token as stored, used or expired or not (so that a person can be
  // told which); nullopt when unknown. Changes nothing.
  Result<std::optional<TokenState>> Find(const std::string& token);
  // Marks every unused token of `purpose` carrying `payload` used: a request
  // decided another way, or mailed again, leaves no older token valid.
  Status UseAllFor(const std::string& purpose, const std::string& payload, int64_t now);
  // Deletes expired tokens; returns how many.
  Result<int64_t> Purge(int64_t now);

 private:
  Database& db_;
};

// A new token: 16 bytes (128 bits) from the CSPRNG, base64url without
// padding: 22 characters.
std::string NewToken();

}  // namespace storage

#endif  // LISTD_STORAGE_TOKEN_REPOSITORY_H_
