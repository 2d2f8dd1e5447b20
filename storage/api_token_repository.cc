// API tokens over the api_tokens table (see api_token_repository.h).
// A lookup is by SHA-256(token) through the UNIQUE index, and the row
// found is compared again in constant time before it counts.
#include "storage/api_token_repository.h"

#include "storage/scopes.h"
#include "storage/token_hash.h"

namespace storage {
namespace {

constexpr std::string_view kColumns =
    "id, name, list_id, role, created_at, last_used_at, revoked_at, token_hash";

ApiTokenRecord ReadToken(const Statement& row) {
  ApiTokenRecord token;
  token.id = row.ColumnInt(0);
  token.name = row.ColumnText(1);
  token.list_id = row.ColumnOptionalInt(2);
  token.role = ParseMemberRole(row.ColumnText(3)).value_or(MemberRole::kOwner);
  token.created_at = row.ColumnInt(4);
  token.last_used_at = row.ColumnOptionalInt(5);
  token.revoked_at = row.ColumnOptionalInt(6);
  return token;
}

}  // namespace

Result<int64_t> ApiTokenRepository::Add(std::string_view token, const ApiTokenRecord& record) {
  const std::string what = "storing the API token '" + record.name + "'";
  if (token.empty()) return base::Invalid(what + ": the token is empty");
  if (record.list_id && record.role == MemberRole::kMember) {
    return base::Invalid(what + ": a list token is an owner's or a moderator's");
  }
  std::optional<std::string> role;
  if (record.list_id) role = std::string(ToString(record.role));
  return InsertOne(db_, what,
                   "INSERT INTO api_tokens (token_hash, name, list_id, role, created_at) "
                   "VALUES (?1, ?2, ?3, ?4, ?5)",
                   [&](Statement& s) {
                     s.BindBlob(1, TokenHash(token))
                         .Bind(2, record.name)
                         .Bind(3, record.list_id)
                         .Bind(4, role)
                         .Bind(5, record.created_at);
                   });
}

Result<std::optional<ApiTokenRecord>> ApiTokenRepository::Find(std::string_view token) {
  const std::string what = "looking up an API token";
  const std::string hash = TokenHash(token);
  Result<Statement*> query =
      db_.Prepare("SELECT " + std::string(kColumns) + " FROM api_tokens WHERE token_hash = ?1");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)->BindBlob(1, hash);
  ResetOnExit reset(statement);
  Result<bool> row = statement.Step();
  if (!row) return row.failure().Prefixed(what);
  if (!*row || !SameHash(statement.ColumnBlob(7), hash)) return std::optional<ApiTokenRecord>();
  return std::optional<ApiTokenRecord>(ReadToken(statement));
}

Status ApiTokenRepository::Touch(int64_t id, int64_t now) {
  return WriteOne(db_, "recording the use of API token " + std::to_string(id),
                  "UPDATE api_tokens SET last_used_at = max(ifnull(last_used_at, 0), ?2) "
                  "WHERE id = ?1",
                  [&](Statement& s) { s.Bind(1, id).Bind(2, now); });
}

Result<bool> ApiTokenRepository::Revoke(int64_t id, int64_t now) {
  const std::string what = "revoking API token " + std::to_string(id);
  WriteScope scope(db_);
  if (!scope.begun()) return scope.begun().failure().Prefixed(what);
  Result<Statement*> exists = db_.Prepare("SELECT revoked_at FROM api_tokens WHERE id = ?1");
  if (!exists) return exists.failure().Prefixed(what);
  bool revoked_already = false;
  {
    Statement& statement = (*exists)->Bind(1, id);
    ResetOnExit reset(statement);
    Result<bool> row = statement.Step();
    if (!row) return row.failure().Prefixed(what);
    if (!*row) return base::NotFound("no API token " + std::to_string(id));
    revoked_already = !statement.ColumnIsNull(0);
  }
  if (revoked_already) return false;
  Result<Statement*> update = db_.Prepare("UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1");
  if (!update) return update.failure().Prefixed(what);
  Status ran = (*update)->Bind(1, id).Bind(2, now).Run();
  if (!ran) return ran.failure().Prefixed(what);
  Status committed = scope.Commit();
  if (!committed) return committed.failure().Prefixed(what);
  return true;
}

Result<std::vector<ApiTokenRecord>> ApiTokenRepository::All() {
  const std::string what = "listing the API tokens";
  Result<Statement*> query =
      db_.Prepare("SELECT " + std::string(kColumns) + " FROM api_tokens ORDER BY id");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = **query;
  ResetOnExit reset(statement);
  std::vector<ApiTokenRecord> tokens;
  for (;;) {
    Result<bool> row = statement.Step();
    if (!row) return row.failure().Prefixed(what);
    if (!*row) break;
    tokens.push_back(ReadToken(statement));
  }
  return tokens;
}

}  // namespace storage
