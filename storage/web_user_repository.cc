// Web users over the web_users table (see web_user_repository.h). Lookups
// go through the unique index on lower(address) with lower(?) on the
// other side, so the case an address was typed in never matters.
#include "storage/web_user_repository.h"

#include "storage/scopes.h"

namespace storage {
namespace {

constexpr std::string_view kColumns = "id, address, password_hash, site_admin, created_at";

WebUserRecord ReadUser(const Statement& row) {
  WebUserRecord user;
  user.id = row.ColumnInt(0);
  user.address = row.ColumnText(1);
  user.password_hash = row.ColumnOptionalText(2);
  user.site_admin = row.ColumnInt(3) != 0;
  user.created_at = row.ColumnInt(4);
  return user;
}

// The one user a bound query finds, or none.
Result<std::optional<WebUserRecord>> ReadOne(Statement& statement, const std::string& what) {
  ResetOnExit reset(statement);
  Result<bool> row = statement.Step();
  if (!row) return row.failure().Prefixed(what);
  if (!*row) return std::optional<WebUserRecord>();
  return std::optional<WebUserRecord>(ReadUser(statement));
}

}  // namespace

Result<int64_t> WebUserRepository::Add(const base::EmailAddress& address, bool site_admin,
                                       int64_t now) {
  const std::string text = address.ToString();
  const std::string what = "adding the web user " + text;
  WriteScope scope(db_);
  if (!scope.begun()) return scope.begun().failure().Prefixed(what);
  Result<Statement*> insert = db_.Prepare(
      "INSERT INTO web_users (address, site_admin, created_at) VALUES (?1, ?2, ?3) "
      "ON CONFLICT DO NOTHING");
  if (!insert) return insert.failure().Prefixed(what);
  Status ran =
      (*insert)->Bind(1, text).Bind(2, static_cast<int64_t>(site_admin ? 1 : 0)).Bind(3, now).Run();
  if (!ran) return ran.failure().Prefixed(what);
  if (db_.Changes() == 0) return base::Conflict(text + " is a web user already");
  const int64_t id = db_.LastInsertId();
  Status committed = scope.Commit();
  if (!committed) return committed.failure().Prefixed(what);
  return id;
}

Result<std::optional<WebUserRecord>> WebUserRepository::Find(const base::EmailAddress& address) {
  const std::string what = "looking up the web user " + address.ToString();
  Result<Statement*> query = db_.Prepare("SELECT " + std::string(kColumns) +
                                         " FROM web_users WHERE lower(address) = lower(?1)");
  if (!query) return query.failure().Prefixed(what);
  return ReadOne((*query)->Bind(1, address.ToString()), what);
}

Result<std::optional<WebUserRecord>> WebUserRepository::FindById(int64_t id) {
  const std::string what = "looking up web user " + std::to_string(id);
  Result<Statement*> query =
      db_.Prepare("SELECT " + std::string(kColumns) + " FROM web_users WHERE id = ?1");
  if (!query) return query.failure().Prefixed(what);
  return ReadOne((*query)->Bind(1, id), what);
}

Status WebUserRepository::SetPasswordHash(int64_t id, const std::string& encoded) {
  return WriteOne(
      db_, "setting the password of web user " + std::to_string(id),
      "UPDATE web_users SET password_hash = ?2 WHERE id = ?1",
      [&](Statement& s) { s.Bind(1, id).Bind(2, encoded); }, "no web user " + std::to_string(id));
}

Result<bool> WebUserRepository::Remove(const base::EmailAddress& address) {
  bool removed = false;
  Status done = RunInWriteScope(
      db_, "removing the web user " + address.ToString(),
      "DELETE FROM web_users WHERE lower(address) = lower(?1)",
      [&](Statement& s) { s.Bind(1, address.ToString()); },
      [&]() -> Status {
        removed = db_.Changes() > 0;
        return base::Ok();
      });
  if (!done) return done.failure();
  return removed;
}

Result<std::vector<WebUserRecord>> WebUserRepository::All() {
  const std::string what = "listing the web users";
  Result<Statement*> query =
      db_.Prepare("SELECT " + std::string(kColumns) + " FROM web_users ORDER BY lower(address)");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = **query;
  ResetOnExit reset(statement);
  std::vector<WebUserRecord> users;
  for (;;) {
    Result<bool> row = statement.Step();
    if (!row) return row.failure().Prefixed(what);
    if (!*row) break;
    users.push_back(ReadUser(statement));
  }
  return users;
}

}  // namespace storage
