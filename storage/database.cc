// The SQLite connection, its statement cache and transactions
// (storage/database.h).
//
// How a file is opened, and why:
//   - SQLITE_OPEN_NOMUTEX ("multi-thread" mode): a connection is used by one
//     thread at a time (the header's contract), so SQLite's per-connection
//     mutex would only cost time. Threads open connections of their own.
//   - busy_timeout first, so that everything after it waits for a process
//     that holds a lock on the same file.
//   - journal_mode=WAL: readers never block the writer nor the writer the
//     readers, which is what lets the daemon and listctl work at once. The
//     switch of a fresh file to WAL needs an exclusive lock, and SQLite
//     answers SQLITE_BUSY there without calling the busy handler when
//     another process is opening the same fresh file; Open retries it for
//     up to the busy timeout itself.
//   - synchronous=FULL: under WAL every commit syncs the log before it
//     returns. With NORMAL the log was synced only at checkpoints, so a
//     power cut could take back commits already acknowledged to the outside
//     (the LMTP 250 for a post, a moderator's "approved"), and the MTA does
//     not resend what it was told is safe. The cost is one fsync per commit
//     (bench/spool_durability.cc measures it); the daemon batches a post's
//     writes into one transaction, so it is one fsync per post.
//   - foreign_keys=ON: SQLite's default is off, per connection; the schema's
//     ON DELETE CASCADE relies on it.
#include "storage/database.h"

#include <fcntl.h>
#include <unistd.h>

#include <sqlite3.h>

#include <chrono>
#include <limits>
#include <utility>

#include "storage/migrations.h"

namespace storage {
namespace {

using base::Ok;

struct ConnectionCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using ConnectionPtr = std::unique_ptr<sqlite3, ConnectionCloser>;

// SQL text for an error message: one line, at most about 60 characters.
std::string Summarize(std::string_view sql) {
  std::string out;
  bool space = false;
  for (char c : sql) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
    if (out.size() >= 60) return out + "...";
  }
  return out;
}

// What kind of failure a SQLite result code is (base/result.h): a lock
// another process holds past the busy timeout, or a file that cannot be
// opened now, is worth retrying; a constraint is a clash with what is
// stored; everything else (I/O, corruption, a full disk, a bug) is the
// store's own trouble.
base::ErrorKind KindOf(int rc) {
  switch (rc & 0xff) {  // the primary code, without the extended bits
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
      return base::ErrorKind::kUnavailable;
    case SQLITE_CONSTRAINT:
      return base::ErrorKind::kConflict;
    default:
      return base::ErrorKind::kInternal;
  }
}

// Runs one pragma that answers a row, returning the first column; `rc`
// receives SQLite's result code.
Result<std::string> QueryPragma(sqlite3* db, const char* sql, int& rc) {
  sqlite3_stmt* raw = nullptr;
  rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
  if (rc != SQLITE_OK) return Error{std::string(sql) + ": " + sqlite3_errmsg(db)};
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> statement(raw, sqlite3_finalize);
  rc = sqlite3_step(raw);
  if (rc != SQLITE_ROW) {
    if (rc == SQLITE_DONE) return std::string();
    return Error{std::string(sql) + ": " + sqlite3_errmsg(db)};
  }
  const unsigned char* text = sqlite3_column_text(raw, 0);
  return std::string(text ? reinterpret_cast<const char*>(text) : "");
}

Status ExecOn(sqlite3* db, std::string_view sql) {
  std::string text(sql);  // sqlite3_exec wants a terminated string
  char* message = nullptr;
  int rc = sqlite3_exec(db, text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Ok();
  std::string why = message ? message : sqlite3_errmsg(db);
  sqlite3_free(message);
  return Error{KindOf(rc), "running `" + Summarize(sql) + "`: " + why};
}

// sqlite3_bind_text/blob read a null pointer as SQL NULL; an empty
// string_view may carry one, and an empty string is not NULL.
const char* NonNull(std::string_view bytes) { return bytes.data() ? bytes.data() : ""; }

// Sets journal_mode=WAL, retrying while another process holds the lock the
// switch needs (see the top of this file), and answers the mode in effect.
Result<std::string> SwitchToWal(sqlite3* db, int busy_timeout_ms) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_timeout_ms);
  for (;;) {
    int rc = SQLITE_OK;
    Result<std::string> mode = QueryPragma(db, "PRAGMA journal_mode = WAL", rc);
    const bool busy = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
    if (mode.ok() || !busy || std::chrono::steady_clock::now() >= deadline) return mode;
    sqlite3_sleep(5);
  }
}

}  // namespace

// ---- Statement ----

void Statement::Finalizer::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }

void Statement::NoteBindResult(int rc, int index) {
  if (rc == SQLITE_OK || !bind_error_.empty()) return;
  bind_error_ = "binding parameter " + std::to_string(index) + " of `" +
                Summarize(sqlite3_sql(stmt_.get())) + "`: " + sqlite3_errstr(rc);
}

Statement& Statement::Bind(int index, int64_t value) {
  NoteBindResult(sqlite3_bind_int64(stmt_.get(), index, value), index);
  return *this;
}

Statement& Statement::Bind(int index, double value) {
  NoteBindResult(sqlite3_bind_double(stmt_.get(), index, value), index);
  return *this;
}

Statement& Statement::Bind(int index, std::string_view text) {
  NoteBindResult(sqlite3_bind_text64(stmt_.get(), index, NonNull(text), text.size(),
                                     SQLITE_TRANSIENT, SQLITE_UTF8),
                 index);
  return *this;
}

Statement& Statement::BindBlob(int index, std::string_view bytes) {
  NoteBindResult(
      sqlite3_bind_blob64(stmt_.get(), index, NonNull(bytes), bytes.size(), SQLITE_TRANSIENT),
      index);
  return *this;
}

Statement& Statement::BindNull(int index) {
  NoteBindResult(sqlite3_bind_null(stmt_.get(), index), index);
  return *this;
}

Statement& Statement::Bind(int index, const std::optional<std::string>& text) {
  return text ? Bind(index, std::string_view(*text)) : BindNull(index);
}

Statement& Statement::Bind(int index, const std::optional<int64_t>& value) {
  return value ? Bind(index, *value) : BindNull(index);
}

Result<bool> Statement::Step() {
  if (!bind_error_.empty()) return Error{bind_error_};
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string why = sqlite3_errmsg(db_);
  // Rewind (keeping the bindings) so a failed statement holds no lock.
  sqlite3_reset(stmt_.get());
  return Error{KindOf(rc), why};
}

Status Statement::Run() {
  for (;;) {
    Result<bool> row = Step();
    if (!row) return row.failure();
    if (!*row) break;
  }
  // Done already ends the statement's work; the reset makes it explicit and
  // leaves the changes count and last insert id untouched.
  sqlite3_reset(stmt_.get());
  return Ok();
}

int64_t Statement::ColumnInt(int column) const { return sqlite3_column_int64(stmt_.get(), column); }

double Statement::ColumnDouble(int column) const {
  return sqlite3_column_double(stmt_.get(), column);
}

std::string Statement::ColumnText(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_.get(), column);
  if (text == nullptr) return std::string();
  // The length is asked for after the conversion to text, as SQLite says.
  int size = sqlite3_column_bytes(stmt_.get(), column);
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size));
}

std::string Statement::ColumnBlob(int column) const {
  const void* bytes = sqlite3_column_blob(stmt_.get(), column);
  if (bytes == nullptr) return std::string();
  int size = sqlite3_column_bytes(stmt_.get(), column);
  return std::string(static_cast<const char*>(bytes), static_cast<size_t>(size));
}

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
}

std::optional<std::string> Statement::ColumnOptionalText(int column) const {
  if (ColumnIsNull(column)) return std::nullopt;
  return ColumnText(column);
}

std::optional<int64_t> Statement::ColumnOptionalInt(int column) const {
  if (ColumnIsNull(column)) return std::nullopt;
  return ColumnInt(column);
}

void Statement::Reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
  bind_error_.clear();
}

// ---- Database ----

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, OpenOptions options) {
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (options.create) {
    flags |= SQLITE_OPEN_CREATE;
    // The file holds members' addresses and sealed keys: create it 0600
    // ourselves (SQLite would follow the umask), and SQLite gives its -wal
    // and -shm files the same mode. An existing file keeps its mode.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  ConnectionPtr connection(raw);  // SQLite may hand out a handle even on failure
  if (rc != SQLITE_OK) {
    std::string why = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    return Error{KindOf(rc), "cannot open " + path + ": " + why};
  }
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);

  Result<std::string> mode = SwitchToWal(raw, options.busy_timeout_ms);
  if (!mode) return mode.failure().Prefixed("cannot open " + path);
  if (*mode != "wal" && *mode != "memory") {
    return Error{"cannot open " + path + ": the WAL journal is not available (journal mode is '" +
                 *mode + "'; is the file on a network file system?)"};
  }
  for (const char* pragma : {"PRAGMA foreign_keys = ON", "PRAGMA synchronous = FULL"}) {
    Status set = ExecOn(raw, pragma);
    if (!set) return set.failure().Prefixed("cannot open " + path);
  }

  std::unique_ptr<Database> db(new Database(connection.release(), path));
  if (options.migrate) {
    Status migrated = Migrate(*db);
    if (!migrated) return migrated.failure();
  }
  return db;
}

Database::~Database() {
  statements_.clear();  // every statement is finalized before the connection closes
  sqlite3_close_v2(db_);
}

Result<Statement*> Database::Prepare(std::string_view sql) {
  auto found = statements_.find(sql);
  if (found != statements_.end()) {
    found->second->Reset();
    return found->second.get();
  }
  if (sql.size() >= static_cast<size_t>(std::numeric_limits<int>::max())) {
    return Error{"preparing SQL: the text is too long"};
  }
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  // PERSISTENT: the statement lives as long as the connection, so SQLite
  // may allocate it from longer-lived memory.
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &raw, &tail);
  auto statement = std::make_unique<Statement>(raw, db_);
  if (rc != SQLITE_OK) {
    return Error{"preparing `" + Summarize(sql) + "`: " + sqlite3_errmsg(db_)};
  }
  if (raw == nullptr) return Error{"preparing SQL: the text holds no statement"};
  std::string_view rest(tail, static_cast<size_t>(sql.data() + sql.size() - tail));
  if (rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
    // Only the first statement would ever run: a bug in the caller.
    return Error{"preparing `" + Summarize(sql) + "`: more than one statement"};
  }
  Statement* handed_out = statement.get();
  statements_.emplace(std::string(sql), std::move(statement));
  return handed_out;
}

Status Database::Exec(std::string_view sql) { return ExecOn(db_, sql); }

int64_t Database::LastInsertId() const { return sqlite3_last_insert_rowid(db_); }

int Database::Changes() const { return sqlite3_changes(db_); }

bool Database::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

// ---- Transaction ----

Transaction::Transaction(Database& db) : db_(&db), begun_(Ok()) {
  nested_ = db.in_transaction();
  // IMMEDIATE takes the write lock now, waiting up to the busy timeout.
  // A deferred BEGIN would take it at the first write, where WAL cannot
  // wait (the snapshot may be stale) and fails with SQLITE_BUSY at once.
  Status begin = db.Exec(nested_ ? "SAVEPOINT listd_nested" : "BEGIN IMMEDIATE");
  if (!begin) {
    begun_ = Error{begin.kind(), "cannot begin a write transaction on " + db.path() + ": " +
                                     std::string(sqlite3_errmsg(db.handle()))};
    done_ = true;
  }
}

Transaction::Transaction(Transaction&& other) noexcept
    : db_(other.db_), begun_(std::move(other.begun_)), done_(other.done_), nested_(other.nested_) {
  other.done_ = true;  // the moved-from one neither commits nor rolls back
}

Transaction::~Transaction() {
  if (done_) return;
  if (nested_) {
    // Undo this savepoint's work, then drop it; the outer transaction stays.
    db_->Exec("ROLLBACK TO listd_nested");
    db_->Exec("RELEASE listd_nested");
  } else if (db_->in_transaction()) {
    // Some errors (disk full, I/O) make SQLite roll back by itself; then
    // there is nothing left to roll back.
    db_->Exec("ROLLBACK");
  }
}

Status Transaction::Commit() {
  if (!begun_) return begun_.failure();
  if (done_) return Error{"the transaction on " + db_->path() + " was already committed"};
  Status committed = db_->Exec(nested_ ? "RELEASE listd_nested" : "COMMIT");
  if (!committed) {
    return Error{committed.kind(), "cannot commit to " + db_->path() + ": " +
                                       std::string(sqlite3_errmsg(db_->handle()))};
  }
  done_ = true;
  return Ok();
}

}  // namespace storage
