// Database: one SQLite file, opened the way every listd process shares it
// (WAL journal, foreign keys on, a busy timeout so the daemon and listctl
// can write at once), with statements prepared once and reused.
//
// Contract: a Database is used by one thread at a time (SQLite's
// "multi-thread" mode); each process or worker opens its own. Every write
// happens inside a Transaction. All SQL is parameterised: values are only
// ever bound, never pasted into SQL text.
//
// Transactions nest: a Transaction constructed while the connection already
// has one open becomes a SAVEPOINT inside it, so a repository that opens its
// own Transaction per write also works inside a caller's (a service writing
// a change and its event together). The nested one's Commit() keeps its work
// for the outer transaction to commit; destroying it uncommitted undoes only
// its own work. Nothing is durable until the outermost Transaction commits.
#ifndef LISTD_STORAGE_DATABASE_H_
#define LISTD_STORAGE_DATABASE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace storage {

using base::Error;
using base::Result;
using base::Status;

// A prepared statement owned by the Database's cache. Bind indexes start
// at 1, as in SQLite. Reset() happens automatically when the statement is
// handed out again by Database::Prepare().
class Statement {
 public:
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, double value);
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Statement& Bind(int index, const std::string& text) {
    return Bind(index, std::string_view(text));
  }
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindNull(int index);
  Statement& Bind(int index, const std::optional<std::string>& text);
  Statement& Bind(int index, const std::optional<int64_t>& value);

  // Runs one step: true when a row is available, false when done.
  Result<bool> Step();
  // Runs to completion (for INSERT/UPDATE/DELETE).
  Status Run();

  int64_t ColumnInt(int column) const;
  double ColumnDouble(int column) const;
  std::string ColumnText(int column) const;  // "" for NULL
  std::string ColumnBlob(int column) const;
  bool ColumnIsNull(int column) const;
  std::optional<std::string> ColumnOptionalText(int column) const;
  std::optional<int64_t> ColumnOptionalInt(int column) const;

  // Clears bindings and rewinds.
  void Reset();

  explicit Statement(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const;
  };
  // Binds chain, so a failed Bind (an index out of range: a bug) is kept
  // here and reported by the next Step() or Run().
  void NoteBindResult(int rc, int index);
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
  sqlite3* db_;
  std::string bind_error_;
};

struct OpenOptions {
  int busy_timeout_ms = 10000;
  bool create = true;   // create the file if missing
  bool migrate = true;  // bring the schema up to date; false only for tests
                        // and tools that run Migrate() themselves
};

class Database {
 public:
  // Opens (and creates, unless told not to) the file, sets the pragmas and
  // brings the schema up to date (storage/migrations.h) unless
  // options.migrate is false.
  static Result<std::unique_ptr<Database>> Open(const std::string& path, OpenOptions options = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // The cached statement for `sql`, reset and with bindings cleared.
  // Fails only on a syntax error in `sql` (a bug, reported as an error).
  // `sql` is one statement. The pointer stays valid while the Database
  // lives, but the next Prepare() of the same text rewinds it, so do not
  // interleave two uses of one SQL text.
  Result<Statement*> Prepare(std::string_view sql);
  // Runs SQL text without parameters (schema changes, pragmas).
  Status Exec(std::string_view sql);
  int64_t LastInsertId() const;
  int Changes() const;
  // True while a transaction is open on this connection (SQLite is out of
  // autocommit mode), e.g. because a caller holds a Transaction.
  bool in_transaction() const;
  const std::string& path() const { return path_; }
  // The raw handle, for migrations and tests only.
  sqlite3* handle() const { return db_; }

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> statements_;
};

// A write transaction: BEGIN IMMEDIATE on construction (so two writers queue
// on the busy timeout instead of failing mid-way), ROLLBACK on destruction
// unless Commit() succeeded. Constructed while the connection already has a
// transaction open, it is a SAVEPOINT instead (see the top of this file):
// RELEASE on Commit(), ROLLBACK TO on destruction without one.
class Transaction {
 public:
  // Check begun() before writing: BEGIN can time out when another process
  // holds the write lock for longer than the busy timeout.
  explicit Transaction(Database& db);
  ~Transaction();
  // Moving hands the open transaction on; the moved-from one is inert.
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  const Status& begun() const { return begun_; }
  Status Commit();

 private:
  Database* db_;
  Status begun_;
  bool done_ = false;
  bool nested_ = false;  // a savepoint inside the caller's transaction
};

}  // namespace storage

#endif  // LISTD_STORAGE_DATABASE_H_
