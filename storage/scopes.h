// Scopes the repositories share around the Database's statements.
//
// WriteScope: a write's transaction, its own unless the caller already holds
// one (a bulk import wraps 100,000 writes in one). ResetOnExit: rewinds a
// cached statement when a read ends, however it ends. WriteOne: one write
// statement in a WriteScope; InsertOne: one INSERT, returning its id.
#ifndef LISTD_STORAGE_SCOPES_H_
#define LISTD_STORAGE_SCOPES_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "storage/database.h"

namespace storage {

// A write's transaction: its own, unless the caller already holds one.
// Every write here is one SQL statement, which SQLite undoes alone when it
// fails, so inside a caller's transaction a savepoint (what a nested
// Transaction would be) buys nothing and costs two statements per write, a
// cost a bulk import of 100,000 members pays 100,000 times.
class WriteScope {
 public:
  explicit WriteScope(Database& db) {
    if (!db.in_transaction()) own_.emplace(db);
  }
  Status begun() const { return own_ ? own_->begun() : base::Ok(); }
  Status Commit() { return own_ ? own_->Commit() : base::Ok(); }

 private:
  std::optional<Transaction> own_;
};

// Rewinds a statement when the reading is done, so that no half-read
// statement keeps a read snapshot of the WAL open between calls.
class ResetOnExit {
 public:
  explicit ResetOnExit(Statement& statement) : statement_(statement) {}
  ~ResetOnExit() { statement_.Reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  Statement& statement_;
};

// Runs one write statement in a WriteScope: `bind` binds its parameters,
// `check` (if any) runs after the statement and before the commit. Errors
// read "<what>: <why>"; an error from `check` is returned as it is.
inline Status RunInWriteScope(Database& db, const std::string& what, std::string_view sql,
                              const std::function<void(Statement&)>& bind,
                              const std::function<Status()>& check = {}) {
  WriteScope scope(db);
  if (!scope.begun()) return scope.begun().failure().Prefixed(what);
  Result<Statement*> statement = db.Prepare(sql);
  if (!statement) return statement.failure().Prefixed(what);
  bind(**statement);
  Status ran = (*statement)->Run();
  if (!ran) return ran.failure().Prefixed(what);
  if (check) {
    Status checked = check();
    if (!checked) return checked;
  }
  Status committed = scope.Commit();
  if (!committed) return committed.failure().Prefixed(what);
  return base::Ok();
}

// One UPDATE or DELETE. When `missing` is given and no row changed, that is
// the error.
inline Status WriteOne(Database& db, const std::string& what, std::string_view sql,
                       const std::function<void(Statement&)>& bind,
                       const std::string& missing = {}) {
  return RunInWriteScope(db, what, sql, bind, [&]() -> Status {
    if (!missing.empty() && db.Changes() == 0) return base::NotFound(missing);
    return base::Ok();
  });
}

// One INSERT; returns the new row's id.
inline Result<int64_t> InsertOne(Database& db, const std::string& what, std::string_view sql,
                                 const std::function<void(Statement&)>& bind) {
  int64_t id = 0;
  Status done = RunInWriteScope(db, what, sql, bind, [&]() -> Status {
    id = db.LastInsertId();
    return base::Ok();
  });
  if (!done) return done.failure();
  return id;
}

}  // namespace storage

#endif  // LISTD_STORAGE_SCOPES_H_
