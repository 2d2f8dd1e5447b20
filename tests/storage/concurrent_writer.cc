// concurrent_writer: one of the two processes in database_test's "two
// processes writing at once". It opens the database the way every listd
// program does (Database::Open: WAL, busy timeout, migrations), then adds
// N rows to the events log, one small write transaction each, every one
// reading before it writes (the pattern that fails with SQLITE_BUSY unless
// the write lock is taken up front with BEGIN IMMEDIATE).
//
// Between transactions it pauses for 200 microseconds, as a real writer
// does some work between writes. Without any pause one writer may take
// every turn: SQLite's busy handler sleeps in growing steps and is not
// fair, so the waiting process can sleep through the whole run of the
// other. Nothing is lost then either, but the test could not show that the
// two overlapped.
//
// usage: concurrent_writer DB_PATH N ACTOR [GO_FILE]
//   With GO_FILE, the writer waits after opening until that file exists,
//   so that the test can release both writers at the same moment.
// Exit status: 0 when all N rows were committed; 1 with a message on stderr
// at the first failure (a "database is locked" included); 2 on bad usage.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "storage/database.h"

namespace {

int Fail(const std::string& actor, const std::string& message) {
  std::fprintf(stderr, "concurrent_writer %s: %s\n", actor.c_str(), message.c_str());
  return 1;
}

// Adds row number `i`: reads the newest event id, then inserts.
storage::Status AddRow(storage::Database& db, const std::string& actor, int i) {
  storage::Transaction transaction(db);
  if (!transaction.begun()) return transaction.begun();
  auto newest = db.Prepare("SELECT coalesce(max(id), 0) FROM events");
  if (!newest) return newest.failure();
  auto row = (*newest)->Step();
  if (!row) return row.failure();
  const int64_t seen = (*newest)->ColumnInt(0);
  (*newest)->Reset();
  auto insert =
      db.Prepare("INSERT INTO events (at, actor, action, detail) VALUES (?1, ?2, ?3, ?4)");
  if (!insert) return insert.failure();
  storage::Status ran = (*insert)
                            ->Bind(1, int64_t{i})
                            .Bind(2, actor)
                            .Bind(3, "concurrent-write")
                            .Bind(4, "row " + std::to_string(i) + " after " + std::to_string(seen))
                            .Run();
  if (!ran) return ran;
  return transaction.Commit();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::fprintf(stderr, "usage: concurrent_writer DB_PATH N ACTOR [GO_FILE]\n");
    return 2;
  }
  const std::string path = argv[1];
  const int rows = std::atoi(argv[2]);
  const std::string actor = argv[3];

  auto db = storage::Database::Open(path);
  if (!db) return Fail(actor, db.error());

  if (argc == 5) {
    // Poll for the starting signal; at most about 30 seconds.
    for (int waited = 0; access(argv[4], F_OK) != 0; ++waited) {
      if (waited > 30000) return Fail(actor, "no go file appeared");
      usleep(1000);
    }
  }
  for (int i = 1; i <= rows; ++i) {
    storage::Status added = AddRow(**db, actor, i);
    if (!added) return Fail(actor, "row " + std::to_string(i) + ": " + added.error());
    usleep(200);
  }
  return 0;
}
