// The mail log over the mail_log table (storage/schema.cc, steps 6 and 9).
#include "storage/mail_log.h"

#include "base/ascii.h"
#include "storage/scopes.h"

namespace storage {
namespace {

// Counts look back an hour; a day keeps every count right with room.
constexpr int64_t kKeepSeconds = 24 * 3600;

}  // namespace

Status MailLog::Record(std::optional<int64_t> list_id, const std::string& kind,
                       const std::string& address, int64_t at, const std::string& client) {
  const std::string what = "logging a " + kind + " mail";
  WriteScope scope(db_);
  if (!scope.begun()) return scope.begun().failure().Prefixed(what);
  Result<Statement*> insert = db_.Prepare(
      "INSERT INTO mail_log (list_id, kind, address, sent_at, client) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert) return insert.failure().Prefixed(what);
  Status ran = (*insert)
                   ->Bind(1, list_id)
                   .Bind(2, kind)
                   .Bind(3, base::LowerAscii(address))
                   .Bind(4, at)
                   .Bind(5, client)
                   .Run();
  if (!ran) return ran.failure().Prefixed(what);
  Result<Statement*> prune = db_.Prepare("DELETE FROM mail_log WHERE kind = ?1 AND sent_at < ?2");
  if (!prune) return prune.failure().Prefixed(what);
  Status pruned = (*prune)->Bind(1, kind).Bind(2, at - kKeepSeconds).Run();
  if (!pruned) return pruned.failure().Prefixed(what);
  Status committed = scope.Commit();
  if (!committed) return committed.failure().Prefixed(what);
  return base::Ok();
}

Result<int64_t> MailLog::Count(const MailCount& count) {
  const std::string what = "counting " + (count.kind.empty() ? "" : count.kind + " ") + "mail";
  // Each optional condition is written "(?n = '' OR column = ?n)" so that
  // one statement (cached once) serves every combination.
  Result<Statement*> query = db_.Prepare(
      "SELECT count(*) FROM mail_log WHERE sent_at >= ?1 "
      "AND (?2 = '' OR kind = ?2) AND (?3 IS NULL OR list_id = ?3) "
      "AND (?4 = '' OR address = ?4) AND (?5 = '' OR client = ?5)");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)
                             ->Bind(1, count.since)
                             .Bind(2, count.kind)
                             .Bind(3, count.list_id)
                             .Bind(4, base::LowerAscii(count.address))
                             .Bind(5, count.client);
  ResetOnExit reset(statement);
  Result<bool> row = statement.Step();
  if (!row) return row.failure().Prefixed(what);
  return statement.ColumnInt(0);
}

}  // namespace storage
