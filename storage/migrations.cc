// Migrations over storage/schema.cc's steps (storage/migrations.h).
//
// Each step runs in a write transaction together with the user_version
// update that records it (the version lives in the file's header page,
// which SQLite writes transactionally), so a crash leaves the file at the
// previous version or the next, never in between. The version is read again
// after the write lock is taken: when two processes open a fresh file at
// the same moment, the second waits on the lock, then finds the step done
// and skips it.
#include "storage/migrations.h"

#include <string>

#include "storage/schema.h"

namespace storage {
namespace {

using base::Ok;

Error NewerThanUs(const Database& db, int version) {
  return Error{db.path() + ": database schema version " + std::to_string(version) +
               " is newer than this listd (" + std::to_string(LatestSchemaVersion()) +
               "); run a newer listd"};
}

// Runs step `step` (1-based) unless the file already has it.
Status RunStep(Database& db, int step) {
  const std::string doing =
      "migrating " + db.path() + " to schema version " + std::to_string(step) + ": ";
  Transaction transaction(db);
  if (!transaction.begun()) return Error{transaction.begun().kind(), doing + transaction.begun().error()};
  Result<int> version = SchemaVersion(db);
  if (!version) return Error{version.kind(), doing + version.error()};
  if (*version > LatestSchemaVersion()) return NewerThanUs(db, *version);
  if (*version >= step) return Ok();  // another process got here first
  if (*version != step - 1) {
    return Error{doing + "the file is at version " + std::to_string(*version)};
  }
  Status ran = db.Exec(SchemaSteps()[static_cast<size_t>(step - 1)]);
  if (!ran) return Error{ran.kind(), doing + ran.error()};
  // user_version cannot be bound as a parameter; `step` is our own integer.
  Status recorded = db.Exec("PRAGMA user_version = " + std::to_string(step));
  if (!recorded) return Error{recorded.kind(), doing + recorded.error()};
  Status committed = transaction.Commit();
  if (!committed) return Error{committed.kind(), doing + committed.error()};
  return Ok();
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(SchemaSteps().size()); }

Result<int> SchemaVersion(Database& db) {
  Result<Statement*> query = db.Prepare("PRAGMA user_version");
  if (!query) return query.failure();
  Result<bool> row = (*query)->Step();
  if (!row) return row.failure().Prefixed("reading the schema version of " + db.path());
  int64_t version = *row ? (*query)->ColumnInt(0) : 0;
  (*query)->Reset();  // release the read snapshot
  return static_cast<int>(version);
}

Status Migrate(Database& db, int target) {
  const int latest = LatestSchemaVersion();
  if (target < 0) target = latest;
  if (target > latest) {
    return Error{"cannot migrate " + db.path() + " to schema version " + std::to_string(target) +
                 ": this listd knows versions up to " + std::to_string(latest)};
  }
  Result<int> version = SchemaVersion(db);
  if (!version) return version.failure();
  if (*version > latest) return NewerThanUs(db, *version);
  if (*version > target) {
    return Error{"cannot migrate " + db.path() + " down from schema version " +
                 std::to_string(*version) + " to " + std::to_string(target)};
  }
  for (int step = *version + 1; step <= target; ++step) {
    Status ran = RunStep(db, step);
    if (!ran) return ran;
  }
  return Ok();
}

}  // namespace storage
