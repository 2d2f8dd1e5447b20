// Password links over the password_links table (see
// password_link_repository.h). Redeem is one UPDATE ... RETURNING, so two
// requests spending the same link cannot both succeed.
#include "storage/password_link_repository.h"

#include "storage/scopes.h"
#include "storage/token_hash.h"

namespace storage {
namespace {

// The one link a bound query returns (id, address, created_at,
// expires_at, token_hash), if its hash matches `hash`.
Result<std::optional<PasswordLinkRecord>> ReadLink(Statement& statement, const std::string& hash,
                                                   const std::string& what) {
  Result<bool> row = statement.Step();
  if (!row) return row.failure().Prefixed(what);
  if (!*row) return std::optional<PasswordLinkRecord>();
  PasswordLinkRecord link;
  link.id = statement.ColumnInt(0);
  link.address = statement.ColumnText(1);
  link.created_at = statement.ColumnInt(2);
  link.expires_at = statement.ColumnInt(3);
  const bool same = SameHash(statement.ColumnBlob(4), hash);
  // token_hash is UNIQUE: step to the end so the statement is done.
  Result<bool> more = statement.Step();
  if (!more) return more.failure().Prefixed(what);
  if (!same) return std::optional<PasswordLinkRecord>();
  return std::optional<PasswordLinkRecord>(std::move(link));
}

}  // namespace

Status PasswordLinkRepository::Add(std::string_view token, const std::string& address, int64_t now,
                                   int64_t expires_at) {
  if (token.empty()) return base::Invalid("storing a password link: the token is empty");
  return RunInWriteScope(
      db_, "storing a password link for " + address,
      "INSERT INTO password_links (token_hash, address, created_at, expires_at) "
      "VALUES (?1, ?2, ?3, ?4)",
      [&](Statement& s) {
        s.BindBlob(1, TokenHash(token)).Bind(2, address).Bind(3, now).Bind(4, expires_at);
      });
}

Result<std::optional<PasswordLinkRecord>> PasswordLinkRepository::FindLive(std::string_view token,
                                                                           int64_t now) {
  const std::string what = "looking up a password link";
  const std::string hash = TokenHash(token);
  Result<Statement*> query = db_.Prepare(
      "SELECT id, address, created_at, expires_at, token_hash FROM password_links "
      "WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)->BindBlob(1, hash).Bind(2, now);
  ResetOnExit reset(statement);
  return ReadLink(statement, hash, what);
}

Result<std::optional<PasswordLinkRecord>> PasswordLinkRepository::Redeem(std::string_view token,
                                                                         int64_t now) {
  const std::string what = "spending a password link";
  const std::string hash = TokenHash(token);
  WriteScope scope(db_);
  if (!scope.begun()) return scope.begun().failure().Prefixed(what);
  Result<Statement*> update = db_.Prepare(
      "UPDATE password_links SET used_at = ?2 "
      "WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2 "
      "RETURNING id, address, created_at, expires_at, token_hash");
  if (!update) return update.failure().Prefixed(what);
  Statement& statement = (*update)->BindBlob(1, hash).Bind(2, now);
  std::optional<PasswordLinkRecord> link;
  {
    ResetOnExit reset(statement);
    auto read = ReadLink(statement, hash, what);
    if (!read) return read.failure();
    link = std::move(*read);
  }
  Status committed = scope.Commit();
  if (!committed) return committed.failure().Prefixed(what);
  return link;
}

Status PasswordLinkRepository::UseAllFor(const std::string& address, int64_t now) {
  return WriteOne(db_, "retiring the password links of " + address,
                  "UPDATE password_links SET used_at = ?2 "
                  "WHERE lower(address) = lower(?1) AND used_at IS NULL",
                  [&](Statement& s) { s.Bind(1, address).Bind(2, now); });
}

Result<int64_t> PasswordLinkRepository::CountSince(const std::string& address, int64_t since) {
  const std::string what = "counting the password links of " + address;
  Result<Statement*> query = db_.Prepare(
      "SELECT count(*) FROM password_links WHERE lower(address) = lower(?1) AND created_at >= ?2");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)->Bind(1, address).Bind(2, since);
  ResetOnExit reset(statement);
  Result<bool> row = statement.Step();
  if (!row) return row.failure().Prefixed(what);
  return statement.ColumnInt(0);
}

}  // namespace storage
