// Lists and their settings over the lists and list_settings tables
// (storage/schema.cc, step 1). Uniqueness is the table's UNIQUE
// (local_part, domain): an insert that conflicts changes no row, which is
// how Create tells "taken" apart from a failure.
#include "storage/list_repository.h"
#include "base/ascii.h"
#include "storage/scopes.h"

#include <utility>

namespace storage {

using base::Ok;

namespace {

std::string Describe(const base::EmailAddress& address) {
  return address.local_part + "@" + base::LowerAscii(address.domain);
}

// Reads a row of "SELECT id, local_part, domain, display_name, created_at".
ListRecord ReadList(const Statement& row) {
  ListRecord list;
  list.id = row.ColumnInt(0);
  list.address.local_part = row.ColumnText(1);
  list.address.domain = row.ColumnText(2);
  list.address.display_name = row.ColumnText(3);
  list.created_at = row.ColumnInt(4);
  return list;
}

// Runs a query expected to return at most one list.
Result<std::optional<ListRecord>> OneList(Statement& statement, const std::string& what) {
  ResetOnExit reset(statement);
  Result<bool> row = statement.Step();
  if (!row) return row.failure().Prefixed("reading " + what);
  if (!*row) return std::optional<ListRecord>();
  return std::optional<ListRecord>(ReadList(statement));
}

}  // namespace

Result<ListRecord> ListRepository::Create(const base::EmailAddress& address, int64_t now) {
  const std::string name = Describe(address);
  WriteScope scope(db_);
  if (!scope.begun()) return scope.begun().failure().Prefixed("creating list " + name);
  // A list's address is matched without regard to case (Find), so a
  // variant in another case would be the same list twice.
  Result<std::optional<ListRecord>> existing = Find(address);
  if (!existing) return existing.failure().Prefixed("creating list " + name);
  if (*existing) {
    return Error{base::ErrorKind::kConflict,
                 "list " + name + " already exists" +
                     ((*existing)->address.local_part == address.local_part
                          ? std::string()
                          : " as " + Describe((*existing)->address))};
  }
  Result<Statement*> insert = db_.Prepare(
      "INSERT INTO lists (local_part, domain, display_name, created_at) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (local_part, domain) DO NOTHING");
  if (!insert) return insert.failure().Prefixed("creating list " + name);
  Status ran = (*insert)
                   ->Bind(1, address.local_part)
                   .Bind(2, base::LowerAscii(address.domain))
                   .Bind(3, address.display_name)
                   .Bind(4, now)
                   .Run();
  if (!ran) return ran.failure().Prefixed("creating list " + name);
  if (db_.Changes() == 0) return base::Conflict("list " + name + " already exists");
  ListRecord list;
  list.id = db_.LastInsertId();
  list.address = address;
  list.address.domain = base::LowerAscii(address.domain);
  list.created_at = now;
  Status committed = scope.Commit();
  if (!committed) return committed.failure().Prefixed("creating list " + name);
  return list;
}

Result<std::optional<ListRecord>> ListRepository::Find(const base::EmailAddress& address) {
  Result<Statement*> query = db_.Prepare(
      "SELECT id, local_part, domain, display_name, created_at FROM lists "
      "WHERE lower(local_part) = lower(?1) AND domain = ?2");
  if (!query) return query.failure().Prefixed("finding list " + Describe(address));
  (*query)->Bind(1, address.local_part).Bind(2, base::LowerAscii(address.domain));
  return OneList(**query, "list " + Describe(address));
}

Result<std::optional<ListRecord>> ListRepository::FindById(int64_t id) {
  Result<Statement*> query = db_.Prepare(
      "SELECT id, local_part, domain, display_name, created_at FROM lists WHERE id = ?1");
  if (!query) return query.failure().Prefixed("finding list " + std::to_string(id));
  (*query)->Bind(1, id);
  return OneList(**query, "list " + std::to_string(id));
}

Result<std::vector<ListRecord>> ListRepository::All() {
  Result<Statement*> query = db_.Prepare(
      "SELECT id, local_part, domain, display_name, created_at FROM lists "
      "ORDER BY domain, local_part");
  if (!query) return query.failure().Prefixed("listing lists");
  Statement& statement = **query;
  ResetOnExit reset(statement);
  std::vector<ListRecord> lists;
  while (true) {
    Result<bool> row = statement.Step();
    if (!row) return row.failure().Prefixed("listing lists");
    if (!*row) break;
    lists.push_back(ReadList(statement));
  }
  return lists;
}

Status ListRepository::SetDisplayName(int64_t list_id, const std::string& name) {
  const std::string what = "renaming list " + std::to_string(list_id);
  return WriteOne(
      db_, what, "UPDATE lists SET display_name = ?2 WHERE id = ?1",
      [&](Statement& s) { s.Bind(1, list_id).Bind(2, name); },
      "list " + std::to_string(list_id) + " does not exist");
}

Status ListRepository::Remove(int64_t list_id) {
  const std::string what = "removing list " + std::to_string(list_id);
  WriteScope scope(db_);
  if (!scope.begun()) return scope.begun().failure().Prefixed(what);
  // Settings, members, keys, tokens and holds go with it (ON DELETE
  // CASCADE); spooled posts and events keep their history with a null list.
  Result<Statement*> remove = db_.Prepare("DELETE FROM lists WHERE id = ?1");
  if (!remove) return remove.failure().Prefixed(what);
  Status ran = (*remove)->Bind(1, list_id).Run();
  if (!ran) return ran.failure().Prefixed(what);
  if (db_.Changes() == 0)
    return base::NotFound("list " + std::to_string(list_id) + " does not exist");
  Status committed = scope.Commit();
  if (!committed) return committed.failure().Prefixed(what);
  return Ok();
}

Result<std::map<std::string, std::string>> ListRepository::Settings(int64_t list_id) {
  const std::string what = "reading the settings of list " + std::to_string(list_id);
  Result<Statement*> query =
      db_.Prepare("SELECT name, value FROM list_settings WHERE list_id = ?1 ORDER BY name");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)->Bind(1, list_id);
  ResetOnExit reset(statement);
  std::map<std::string, std::string> settings;
  while (true) {
    Result<bool> row = statement.Step();
    if (!row) return row.failure().Prefixed(what);
    if (!*row) break;
    settings.emplace(statement.ColumnText(0), statement.ColumnText(1));
  }
  return settings;
}

Status ListRepository::SetSetting(int64_t list_id, const std::string& name,
                                  const std::string& value) {
  const std::string what = "setting " + name + " on list " + std::to_string(list_id);
  WriteScope scope(db_);
  if (!scope.begun()) return scope.begun().failure().Prefixed(what);
  Result<Statement*> upsert = db_.Prepare(
      "INSERT INTO list_settings (list_id, name, value) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (list_id, name) DO UPDATE SET value = excluded.value");
  if (!upsert) return upsert.failure().Prefixed(what);
  Status ran = (*upsert)->Bind(1, list_id).Bind(2, name).Bind(3, value).Run();
  // A missing list fails the foreign key; say which list rather than
  // SQLite's generic constraint text alone.
  if (!ran) return ran.failure().Prefixed(what);
  Status committed = scope.Commit();
  if (!committed) return committed.failure().Prefixed(what);
  return Ok();
}

Status ListRepository::ClearSetting(int64_t list_id, const std::string& name) {
  const std::string what = "clearing " + name + " on list " + std::to_string(list_id);
  WriteScope scope(db_);
  if (!scope.begun()) return scope.begun().failure().Prefixed(what);
  Result<Statement*> remove =
      db_.Prepare("DELETE FROM list_settings WHERE list_id = ?1 AND name = ?2");
  if (!remove) return remove.failure().Prefixed(what);
  Status ran = (*remove)->Bind(1, list_id).Bind(2, name).Run();
  if (!ran) return ran.failure().Prefixed(what);
  Status committed = scope.Commit();
  if (!committed) return committed.failure().Prefixed(what);
  return Ok();
}

}  // namespace storage
