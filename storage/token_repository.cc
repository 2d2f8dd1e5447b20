// Confirmation tokens over the tokens table (storage/schema.cc, step 2).
//
// Only SHA-256(token) is stored; the token has 128 bits from the CSPRNG,
// so its hash needs no salt or slow KDF to resist guessing (2^128 guesses
// against a hash as against the token). Redeem is one
// UPDATE ... RETURNING, so two processes redeeming the same token cannot
// both succeed: SQLite runs the update under its write lock and the second
// finds used_at already set.
#include "storage/token_repository.h"
#include "storage/scopes.h"
#include "storage/token_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>

namespace storage {

using base::Ok;

namespace {

// 128 bits: beyond guessing, and short enough (22 characters) that
// "<list>-confirm+TOKEN" stays within the 64 octets RFC 5321 section
// 4.5.3.1.1 allows a local part, for list names of up to 33 characters.
constexpr size_t kTokenBytes = 16;

}  // namespace

Status TokenRepository::Add(const std::string& token, const TokenRecord& record) {
  const std::string what = "storing a " + record.purpose + " token for " + record.address;
  if (token.empty()) return base::Invalid(what + ": the token is empty");
  WriteScope scope(db_);
  if (!scope.begun()) return scope.begun().failure().Prefixed(what);
  Result<Statement*> insert = db_.Prepare(
      "INSERT INTO tokens (token_hash, list_id, purpose, address, payload, created_at, "
      "expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!insert) return insert.failure().Prefixed(what);
  Status ran = (*insert)
                   ->BindBlob(1, TokenHash(token))
                   .Bind(2, record.list_id)
                   .Bind(3, record.purpose)
                   .Bind(4, record.address)
                   .Bind(5, record.payload)
                   .Bind(6, record.created_at)
                   .Bind(7, record.expires_at)
                   .Run();
  if (!ran) return ran.failure().Prefixed(what);
  Status committed = scope.Commit();
  if (!committed) return committed.failure().Prefixed(what);
  return Ok();
}

Result<std::optional<TokenRecord>> TokenRepository::Redeem(const std::string& token, int64_t now) {
  const std::string what = "redeeming a token";
  WriteScope scope(db_);
  if (!scope.begun()) return scope.begun().failure().Prefixed(what);
  Result<Statement*> update = db_.Prepare(
      "UPDATE tokens SET used_at = ?2 "
      "WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2 "
      "RETURNING id, list_id, purpose, address, payload, created_at, expires_at");
  if (!update) return update.failure().Prefixed(what);
  Statement& statement = (*update)->BindBlob(1, TokenHash(token)).Bind(2, now);
  std::optional<TokenRecord> redeemed;
  {
    ResetOnExit reset(statement);
    Result<bool> row = statement.Step();
    if (!row) return row.failure().Prefixed(what);
    if (*row) {
      TokenRecord record;
      record.id = statement.ColumnInt(0);
      record.list_id = statement.ColumnInt(1);
      record.purpose = statement.ColumnText(2);
      record.address = statement.ColumnText(3);
      record.payload = statement.ColumnText(4);
      record.created_at = statement.ColumnInt(5);
      record.expires_at = statement.ColumnInt(6);
      redeemed = std::move(record);
      // token_hash is UNIQUE: at most one row; step to the end so the
      // statement is finished before the commit.
      Result<bool> more = statement.Step();
      if (!more) return more.failure().Prefixed(what);
    }
  }
  Status committed = scope.Commit();
  if (!committed) return committed.failure().Prefixed(what);
  return redeemed;
}

Result<std::optional<TokenState>> TokenRepository::Find(const std::string& token) {
  const std::string what = "looking up a token";
  Result<Statement*> query = db_.Prepare(
      "SELECT id, list_id, purpose, address, payload, created_at, expires_at, used_at "
      "FROM tokens WHERE token_hash = ?1");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)->BindBlob(1, TokenHash(token));
  ResetOnExit reset(statement);
  Result<bool> row = statement.Step();
  if (!row) return row.failure().Prefixed(what);
  if (!*row) return std::optional<TokenState>();
  TokenState state;
  state.record.id = statement.ColumnInt(0);
  state.record.list_id = statement.ColumnInt(1);
  state.record.purpose = statement.ColumnText(2);
  state.record.address = statement.ColumnText(3);
  state.record.payload = statement.ColumnText(4);
  state.record.created_at = statement.ColumnInt(5);
  state.record.expires_at = statement.ColumnInt(6);
  state.used_at = statement.ColumnOptionalInt(7);
  return std::optional<TokenState>(std::move(state));
}

Status TokenRepository::UseAllFor(const std::string& purpose, const std::string& payload,
                                  int64_t now) {
  return WriteOne(db_, "retiring the " + purpose + " tokens of " + payload,
                  "UPDATE tokens SET used_at = ?3 "
                  "WHERE purpose = ?1 AND payload = ?2 AND used_at IS NULL",
                  [&](Statement& s) { s.Bind(1, purpose).Bind(2, payload).Bind(3, now); });
}

Result<int64_t> TokenRepository::Purge(int64_t now) {
  const std::string what = "purging expired tokens";
  WriteScope scope(db_);
  if (!scope.begun()) return scope.begun().failure().Prefixed(what);
  Result<Statement*> remove = db_.Prepare("DELETE FROM tokens WHERE expires_at <= ?1");
  if (!remove) return remove.failure().Prefixed(what);
  Status ran = (*remove)->Bind(1, now).Run();
  if (!ran) return ran.failure().Prefixed(what);
  const int64_t purged = db_.Changes();
  Status committed = scope.Commit();
  if (!committed) return committed.failure().Prefixed(what);
  return purged;
}

std::string NewToken() {
  unsigned char random[kTokenBytes];
  if (RAND_bytes(random, sizeof random) != 1) {
    // A token that is not random lets anyone confirm anything; there is no
    // safe fallback, and the CSPRNG failing means the system is broken.
    std::fputs("listd: the CSPRNG (RAND_bytes) failed; cannot make a token\n", stderr);
    std::abort();
  }
  // base64 then the URL-safe alphabet of RFC 4648 section 5, no padding.
  unsigned char encoded[4 * ((kTokenBytes + 2) / 3) + 1];
  const int size = EVP_EncodeBlock(encoded, random, sizeof random);
  std::string token(reinterpret_cast<const char*>(encoded), static_cast<size_t>(size));
  OPENSSL_cleanse(random, sizeof random);
  OPENSSL_cleanse(encoded, sizeof encoded);
  while (!token.empty() && token.back() == '=') token.pop_back();
  for (char& c : token) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return token;
}

}  // namespace storage
