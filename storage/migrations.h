// Schema migrations: the schema is a numbered list of steps, and PRAGMA
// user_version says how many have run. Open() runs the missing ones, each
// in its own transaction, so a file of any earlier version (or an empty
// file) comes up to date and a crash mid-way leaves a consistent version.
// A file newer than this program is refused rather than misread.
#ifndef LISTD_STORAGE_MIGRATIONS_H_
#define LISTD_STORAGE_MIGRATIONS_H_

#include "storage/database.h"

namespace storage {

// The schema version this program writes.
int LatestSchemaVersion();
// The file's current version (PRAGMA user_version).
Result<int> SchemaVersion(Database& db);
// Runs the steps after the file's version up to `target` (default: latest).
Status Migrate(Database& db, int target = -1);

}  // namespace storage

#endif  // LISTD_STORAGE_MIGRATIONS_H_
