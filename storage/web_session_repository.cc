// Web sessions over the web_sessions table (see web_session_repository.h).
// Every lookup is by SHA-256(session id) through the UNIQUE index; the row
// found is compared again in constant time before it counts.
#include "storage/web_session_repository.h"

#include "storage/scopes.h"
#include "storage/token_hash.h"

namespace storage {

Result<int64_t> WebSessionRepository::Add(std::string_view session_id, int64_t user_id,
                                          int64_t now) {
  if (session_id.empty()) return base::Invalid("opening a session: the session id is empty");
  return InsertOne(
      db_, "opening a session for web user " + std::to_string(user_id),
      "INSERT INTO web_sessions (session_hash, user_id, created_at, last_used_at) "
      "VALUES (?1, ?2, ?3, ?3)",
      [&](Statement& s) { s.BindBlob(1, TokenHash(session_id)).Bind(2, user_id).Bind(3, now); });
}

Result<std::optional<WebSessionRecord>> WebSessionRepository::Find(std::string_view session_id) {
  const std::string what = "looking up a session";
  const std::string hash = TokenHash(session_id);
  Result<Statement*> query = db_.Prepare(
      "SELECT id, user_id, created_at, last_used_at, closed_at, session_hash FROM web_sessions "
      "WHERE session_hash = ?1");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)->BindBlob(1, hash);
  ResetOnExit reset(statement);
  Result<bool> row = statement.Step();
  if (!row) return row.failure().Prefixed(what);
  if (!*row || !SameHash(statement.ColumnBlob(5), hash)) return std::optional<WebSessionRecord>();
  WebSessionRecord session;
  session.id = statement.ColumnInt(0);
  session.user_id = statement.ColumnInt(1);
  session.created_at = statement.ColumnInt(2);
  session.last_used_at = statement.ColumnInt(3);
  session.closed_at = statement.ColumnOptionalInt(4);
  return std::optional<WebSessionRecord>(session);
}

Status WebSessionRepository::Touch(int64_t id, int64_t now) {
  return WriteOne(db_, "recording the use of session " + std::to_string(id),
                  "UPDATE web_sessions SET last_used_at = max(last_used_at, ?2) WHERE id = ?1",
                  [&](Statement& s) { s.Bind(1, id).Bind(2, now); });
}

Result<bool> WebSessionRepository::Close(std::string_view session_id, int64_t now) {
  bool closed = false;
  Status done = RunInWriteScope(
      db_, "closing a session",
      "UPDATE web_sessions SET closed_at = ?2 WHERE session_hash = ?1 AND closed_at IS NULL",
      [&](Statement& s) { s.BindBlob(1, TokenHash(session_id)).Bind(2, now); },
      [&]() -> Status {
        closed = db_.Changes() > 0;
        return base::Ok();
      });
  if (!done) return done.failure();
  return closed;
}

Result<int64_t> WebSessionRepository::CloseAllFor(int64_t user_id, int64_t now) {
  int64_t closed = 0;
  Status done = RunInWriteScope(
      db_, "closing the sessions of web user " + std::to_string(user_id),
      "UPDATE web_sessions SET closed_at = ?2 WHERE user_id = ?1 AND closed_at IS NULL",
      [&](Statement& s) { s.Bind(1, user_id).Bind(2, now); },
      [&]() -> Status {
        closed = db_.Changes();
        return base::Ok();
      });
  if (!done) return done.failure();
  return closed;
}

}  // namespace storage
