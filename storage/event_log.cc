// The events log over the events table (storage/schema.cc, step 1).
//
// "Newest" means last written (highest id), not largest `at`: times come
// from an injectable clock and a wall clock can step back, while the order
// of writing is what an admin reading the log needs to trust.
#include "storage/event_log.h"
#include "storage/scopes.h"

namespace storage {

using base::Ok;

Status EventLog::Record(int64_t at, const std::string& actor, std::optional<int64_t> list_id,
                        const std::string& action, const std::string& detail) {
  const std::string what = "recording event " + action;
  WriteScope scope(db_);
  if (!scope.begun()) return scope.begun().failure().Prefixed(what);
  Result<Statement*> insert = db_.Prepare(
      "INSERT INTO events (at, actor, list_id, action, detail) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert) return insert.failure().Prefixed(what);
  Status ran =
      (*insert)->Bind(1, at).Bind(2, actor).Bind(3, list_id).Bind(4, action).Bind(5, detail).Run();
  if (!ran) return ran.failure().Prefixed(what);
  Status committed = scope.Commit();
  if (!committed) return committed.failure().Prefixed(what);
  return Ok();
}

Result<std::vector<EventRecord>> EventLog::Recent(std::optional<int64_t> list_id, int limit) {
  const std::string what =
      list_id ? "reading the events of list " + std::to_string(*list_id) : "reading the events";
  // Two statements rather than "?1 IS NULL OR list_id = ?1": with a list,
  // the events_by_list index answers newest-first without a sort.
  Result<Statement*> query = list_id
                                 ? db_.Prepare(
                                       "SELECT id, at, actor, list_id, action, detail FROM events "
                                       "WHERE list_id = ?1 ORDER BY id DESC LIMIT ?2")
                                 : db_.Prepare(
                                       "SELECT id, at, actor, list_id, action, detail FROM events "
                                       "ORDER BY id DESC LIMIT ?2");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = **query;
  if (list_id) statement.Bind(1, *list_id);
  statement.Bind(2, static_cast<int64_t>(limit < 0 ? 0 : limit));
  ResetOnExit reset(statement);
  std::vector<EventRecord> events;
  while (true) {
    Result<bool> row = statement.Step();
    if (!row) return row.failure().Prefixed(what);
    if (!*row) break;
    EventRecord event;
    event.id = statement.ColumnInt(0);
    event.at = statement.ColumnInt(1);
    event.actor = statement.ColumnText(2);
    event.list_id = statement.ColumnOptionalInt(3);
    event.action = statement.ColumnText(4);
    event.detail = statement.ColumnText(5);
    events.push_back(std::move(event));
  }
  return events;
}

}  // namespace storage
