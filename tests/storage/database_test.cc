// Database, Statement and Transaction (storage/database.h) on real SQLite
// files: the pragmas every listd process relies on, the statement cache,
// transactions (rollback, nesting, BEGIN IMMEDIATE waiting on the busy
// timeout), and two processes writing the same file at once.
#include "storage/database.h"

#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <sqlite3.h>

#include "storage/migrations.h"
#include "tests/support/temp_dir.h"

extern char** environ;

namespace {

using Catch::Matchers::Contains;
using storage::Database;
using storage::OpenOptions;
using storage::Statement;
using storage::Transaction;
using storage_test::TempDir;

#define REQUIRE_OK(result)                                    \
  do {                                                        \
    const auto& checked_ = (result);                          \
    INFO((checked_.ok() ? std::string() : checked_.error())); \
    REQUIRE(checked_.ok());                                   \
  } while (false)

std::unique_ptr<Database> OpenOrFail(const std::string& path, OpenOptions options = {}) {
  auto db = Database::Open(path, options);
  REQUIRE_OK(db);
  return std::move(*db);
}

// The one integer a query answers.
int64_t QueryInt(Database& db, std::string_view sql) {
  auto statement = db.Prepare(sql);
  REQUIRE_OK(statement);
  auto row = (*statement)->Step();
  REQUIRE_OK(row);
  REQUIRE(*row);
  int64_t value = (*statement)->ColumnInt(0);
  (*statement)->Reset();
  return value;
}

std::string QueryText(Database& db, std::string_view sql) {
  auto statement = db.Prepare(sql);
  REQUIRE_OK(statement);
  auto row = (*statement)->Step();
  REQUIRE_OK(row);
  REQUIRE(*row);
  std::string value = (*statement)->ColumnText(0);
  (*statement)->Reset();
  return value;
}

// Adds an events row (the one table without a required parent).
storage::Status AddEventStatus(Database& db, const std::string& actor) {
  auto insert = db.Prepare("INSERT INTO events (at, actor, action) VALUES (1, ?1, 'test')");
  if (!insert) return insert.failure();
  return (*insert)->Bind(1, actor).Run();
}

void AddEvent(Database& db, const std::string& actor) { REQUIRE_OK(AddEventStatus(db, actor)); }

int64_t CountEvents(Database& db) { return QueryInt(db, "SELECT count(*) FROM events"); }

}  // namespace

TEST_CASE("Open sets WAL, foreign keys, the busy timeout, and synchronous=FULL so that an "
          "acknowledged commit survives a power cut",
          "[database]") {
  TempDir dir;
  OpenOptions options;
  options.busy_timeout_ms = 4321;
  auto db = OpenOrFail(dir.File("listd.db"), options);
  CHECK(QueryText(*db, "PRAGMA journal_mode") == "wal");
  CHECK(QueryInt(*db, "PRAGMA foreign_keys") == 1);
  CHECK(QueryInt(*db, "PRAGMA busy_timeout") == 4321);
  CHECK(QueryInt(*db, "PRAGMA synchronous") == 2);  // FULL
  CHECK(QueryInt(*db, "PRAGMA user_version") == storage::LatestSchemaVersion());
  CHECK(db->path() == dir.File("listd.db"));
  // WAL is a property of the file: the -wal file is there beside it.
  AddEvent(*db, "wal");
  CHECK(access(dir.File("listd.db-wal").c_str(), F_OK) == 0);
}

TEST_CASE("Foreign keys are enforced and cascade", "[database]") {
  TempDir dir;
  auto db = OpenOrFail(dir.File("listd.db"));
  auto orphan = db->Prepare(
      "INSERT INTO members (list_id, local_part, domain, subscribed_at) VALUES (99, 'a', 'b.c', "
      "1)");
  REQUIRE_OK(orphan);
  auto ran = (*orphan)->Run();
  REQUIRE_FALSE(ran.ok());
  CHECK_THAT(ran.error(), Contains("FOREIGN KEY constraint failed"));

  REQUIRE_OK(db->Exec(
      "INSERT INTO lists (id, local_part, domain, created_at) VALUES (1, 'l', 'example.org', 1);"
      "INSERT INTO members (list_id, local_part, domain, subscribed_at) VALUES (1, 'a', 'b.c', "
      "1)"));
  REQUIRE_OK(db->Exec("DELETE FROM lists WHERE id = 1"));
  CHECK(QueryInt(*db, "SELECT count(*) FROM members") == 0);
}

TEST_CASE("Open says which file and why it failed", "[database]") {
  TempDir dir;
  SECTION("a directory that does not exist") {
    std::string path = dir.File("missing/listd.db");
    auto db = Database::Open(path);
    REQUIRE_FALSE(db.ok());
    CHECK(db.error() == "cannot open " + path + ": unable to open database file");
  }
  SECTION("create=false and no file: nothing is created") {
    OpenOptions options;
    options.create = false;
    auto db = Database::Open(dir.File("listd.db"), options);
    REQUIRE_FALSE(db.ok());
    CHECK_THAT(db.error(), Contains("cannot open " + dir.File("listd.db")));
    CHECK(access(dir.File("listd.db").c_str(), F_OK) != 0);
  }
  SECTION("a file that is not a database") {
    std::ofstream(dir.File("listd.db")) << std::string(4096, 'x');
    auto db = Database::Open(dir.File("listd.db"));
    REQUIRE_FALSE(db.ok());
    CHECK_THAT(db.error(), Contains(dir.File("listd.db")));
    CHECK_THAT(db.error(), Contains("not a database"));
  }
}

TEST_CASE("Prepare hands out one cached statement per SQL text, rewound and unbound",
          "[database]") {
  TempDir dir;
  auto db = OpenOrFail(dir.File("listd.db"));
  for (const char* actor : {"a", "b", "c"}) AddEvent(*db, actor);

  const std::string sql = "SELECT actor FROM events WHERE id >= ?1 ORDER BY id";
  auto first = db->Prepare(sql);
  REQUIRE_OK(first);
  (*first)->Bind(1, int64_t{2});
  REQUIRE(*(*first)->Step());
  CHECK((*first)->ColumnText(0) == "b");  // left mid-way on purpose

  auto again = db->Prepare(sql);
  REQUIRE_OK(again);
  CHECK(*again == *first);  // the same prepared statement, not a new one
  // Bindings were cleared: ?1 is NULL now, and "id >= NULL" matches nothing.
  CHECK_FALSE(*(*again)->Step());
  // Rewound: bound anew it starts from the first row again.
  auto third = db->Prepare(sql);
  REQUIRE_OK(third);
  (*third)->Bind(1, int64_t{1});
  REQUIRE(*(*third)->Step());
  CHECK((*third)->ColumnText(0) == "a");
  (*third)->Reset();

  auto other = db->Prepare("SELECT count(*) FROM events");
  REQUIRE_OK(other);
  CHECK(*other != *first);
  // SQLite itself keeps the statement prepared: still one handle per text.
  int handles = 0;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db->handle(), nullptr); s != nullptr;
       s = sqlite3_next_stmt(db->handle(), s)) {
    if (sqlite3_sql(s) == sql) ++handles;
  }
  CHECK(handles == 1);
}

TEST_CASE("Prepare reports bad SQL with the text", "[database]") {
  TempDir dir;
  auto db = OpenOrFail(dir.File("listd.db"));
  auto typo = db->Prepare("SELEKT 1");
  REQUIRE_FALSE(typo.ok());
  CHECK_THAT(typo.error(), Contains("SELEKT 1"));
  CHECK_THAT(typo.error(), Contains("syntax error"));

  auto two = db->Prepare("SELECT 1; SELECT 2");
  REQUIRE_FALSE(two.ok());
  CHECK_THAT(two.error(), Contains("more than one statement"));

  auto none = db->Prepare("  ");
  REQUIRE_FALSE(none.ok());

  // A trailing semicolon is one statement still.
  REQUIRE_OK(db->Prepare("SELECT 1;"));
}

TEST_CASE("Bound values come back as they went in", "[database]") {
  TempDir dir;
  auto db = OpenOrFail(dir.File("listd.db"));
  auto statement = db->Prepare("SELECT ?1, ?2, ?3, ?4, ?5, ?6");
  REQUIRE_OK(statement);
  const std::string blob("\0\x01\xff-bytes\0", 10);
  (*statement)
      ->Bind(1, std::string_view())  // empty is '' and not NULL
      .BindBlob(2, blob)
      .Bind(3, std::optional<std::string>())
      .Bind(4, std::optional<int64_t>(INT64_MIN))
      .Bind(5, int64_t{INT64_MAX})
      .Bind(6, "Zoë");
  REQUIRE(*(*statement)->Step());
  CHECK_FALSE((*statement)->ColumnIsNull(0));
  CHECK((*statement)->ColumnText(0).empty());
  CHECK((*statement)->ColumnBlob(1) == blob);
  CHECK((*statement)->ColumnIsNull(2));
  CHECK((*statement)->ColumnOptionalText(2) == std::nullopt);
  CHECK((*statement)->ColumnOptionalInt(3) == INT64_MIN);
  CHECK((*statement)->ColumnInt(4) == INT64_MAX);
  CHECK((*statement)->ColumnOptionalText(5) == "Zoë");
  CHECK_FALSE(*(*statement)->Step());
}

TEST_CASE("A bad bind index is reported by the step", "[database]") {
  TempDir dir;
  auto db = OpenOrFail(dir.File("listd.db"));
  auto statement = db->Prepare("SELECT ?1");
  REQUIRE_OK(statement);
  auto step = (*statement)->Bind(1, int64_t{1}).Bind(2, int64_t{2}).Step();
  REQUIRE_FALSE(step.ok());
  CHECK_THAT(step.error(), Contains("binding parameter 2"));
  // The next hand-out starts clean.
  auto again = db->Prepare("SELECT ?1");
  REQUIRE_OK(again);
  REQUIRE_OK((*again)->Step());
}

TEST_CASE("A transaction commits, or rolls back when destroyed", "[database][transaction]") {
  TempDir dir;
  auto db = OpenOrFail(dir.File("listd.db"));
  auto other = OpenOrFail(dir.File("listd.db"));  // a second connection sees only commits
  CHECK_FALSE(db->in_transaction());
  {
    Transaction transaction(*db);
    REQUIRE_OK(transaction.begun());
    CHECK(db->in_transaction());
    AddEvent(*db, "kept");
    CHECK(CountEvents(*other) == 0);
    REQUIRE_OK(transaction.Commit());
    CHECK_FALSE(db->in_transaction());
    auto twice = transaction.Commit();
    CHECK_FALSE(twice.ok());
  }
  CHECK(CountEvents(*other) == 1);
  {
    Transaction transaction(*db);
    REQUIRE_OK(transaction.begun());
    AddEvent(*db, "dropped");
    AddEvent(*db, "dropped");
    CHECK(CountEvents(*db) == 3);
  }  // no Commit()
  CHECK_FALSE(db->in_transaction());
  CHECK(CountEvents(*db) == 1);
  CHECK(CountEvents(*other) == 1);
}

TEST_CASE("A transaction inside another is a savepoint", "[database][transaction]") {
  TempDir dir;
  auto db = OpenOrFail(dir.File("listd.db"));
  SECTION("the inner one rolled back undoes only its own work") {
    Transaction outer(*db);
    REQUIRE_OK(outer.begun());
    AddEvent(*db, "outer");
    {
      Transaction inner(*db);
      REQUIRE_OK(inner.begun());
      AddEvent(*db, "inner");
    }
    CHECK(db->in_transaction());
    AddEvent(*db, "outer again");
    REQUIRE_OK(outer.Commit());
    CHECK(CountEvents(*db) == 2);
    CHECK(QueryInt(*db, "SELECT count(*) FROM events WHERE actor = 'inner'") == 0);
  }
  SECTION("the inner one committed is still undone by the outer rollback") {
    {
      Transaction outer(*db);
      REQUIRE_OK(outer.begun());
      Transaction inner(*db);
      REQUIRE_OK(inner.begun());
      AddEvent(*db, "inner");
      REQUIRE_OK(inner.Commit());
      CHECK(db->in_transaction());
    }
    CHECK(CountEvents(*db) == 0);
  }
  SECTION("both committed: kept") {
    Transaction outer(*db);
    {
      Transaction inner(*db);
      AddEvent(*db, "inner");
      REQUIRE_OK(inner.Commit());
    }
    REQUIRE_OK(outer.Commit());
    CHECK(CountEvents(*db) == 1);
  }
}

TEST_CASE("BEGIN IMMEDIATE waits on the busy timeout for another writer",
          "[database][transaction]") {
  TempDir dir;
  const std::string path = dir.File("listd.db");
  auto holder = OpenOrFail(path);

  SECTION("the lock is released within the timeout: the second writer waits, then begins") {
    OpenOptions patient;
    patient.busy_timeout_ms = 20000;
    auto waiter = OpenOrFail(path, patient);
    std::promise<void> holding;
    std::atomic<bool> committing{false};
    // The holder is used by this thread only, from here until join().
    // Catch's assertions are not thread-safe: the thread only records.
    std::string holder_error;
    std::thread writer([&] {
      Transaction transaction(*holder);
      storage::Status added = transaction.begun();
      if (added) added = AddEventStatus(*holder, "first");
      holding.set_value();
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      committing = true;
      if (added) added = transaction.Commit();
      if (!added) holder_error = added.error();
    });
    holding.get_future().wait();
    Transaction transaction(*waiter);
    const bool holder_had_committed = committing;
    writer.join();
    CHECK(holder_error.empty());
    REQUIRE_OK(transaction.begun());
    CHECK(holder_had_committed);  // it began only after the holder let go
    CHECK(CountEvents(*waiter) == 1);
    AddEvent(*waiter, "second");
    REQUIRE_OK(transaction.Commit());
    CHECK(CountEvents(*holder) == 2);
  }
  SECTION("the lock is held past the timeout: begun() says why") {
    OpenOptions hasty;
    hasty.busy_timeout_ms = 100;
    auto waiter = OpenOrFail(path, hasty);
    Transaction held(*holder);
    REQUIRE_OK(held.begun());
    Transaction transaction(*waiter);
    REQUIRE_FALSE(transaction.begun().ok());
    CHECK(transaction.begun().error() ==
          "cannot begin a write transaction on " + path + ": database is locked");
    CHECK_FALSE(transaction.Commit().ok());
    CHECK_FALSE(waiter->in_transaction());
  }
}

TEST_CASE("Readers are not blocked by a writer (WAL)", "[database][transaction]") {
  TempDir dir;
  auto writer = OpenOrFail(dir.File("listd.db"));
  OpenOptions hasty;
  hasty.busy_timeout_ms = 0;  // any wait at all would fail this test
  auto reader = OpenOrFail(dir.File("listd.db"), hasty);
  AddEvent(*writer, "committed");
  Transaction transaction(*writer);
  REQUIRE_OK(transaction.begun());
  AddEvent(*writer, "pending");
  CHECK(CountEvents(*reader) == 1);
}

// ---- two processes writing at once ----

namespace {

pid_t StartWriter(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ);
  INFO("posix_spawn " << args[0]);
  REQUIRE(rc == 0);
  return pid;
}

int WaitFor(pid_t pid) {
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

// Runs two concurrent_writer processes on `path`, `rows` rows each, and
// checks that every row of both arrived.
void RunTwoWriters(const TempDir& dir, const std::string& path, int rows, bool start_together) {
  const std::string go = dir.File("go");
  std::vector<std::string> a = {LISTD_CONCURRENT_WRITER, path, std::to_string(rows), "writer-a"};
  std::vector<std::string> b = {LISTD_CONCURRENT_WRITER, path, std::to_string(rows), "writer-b"};
  if (start_together) {
    a.push_back(go);
    b.push_back(go);
  }
  pid_t first = StartWriter(a);
  pid_t second = StartWriter(b);
  if (start_together) std::ofstream(go) << "go\n";
  // Exit status 1 would mean a failed write, "database is locked" included;
  // the writer's own message is on stderr.
  CHECK(WaitFor(first) == 0);
  CHECK(WaitFor(second) == 0);

  auto db = OpenOrFail(path);
  CHECK(QueryInt(*db, "SELECT count(*) FROM events") == 2 * rows);
  CHECK(QueryInt(*db, "SELECT count(*) FROM events WHERE actor = 'writer-a'") == rows);
  CHECK(QueryInt(*db, "SELECT count(*) FROM events WHERE actor = 'writer-b'") == rows);
  CHECK(QueryInt(*db, "SELECT count(DISTINCT actor || at) FROM events") == 2 * rows);
  if (start_together) {
    // The writers really overlapped: their rows alternate somewhere rather
    // than forming one block each.
    int64_t switches = QueryInt(*db,
                                "SELECT count(*) FROM events e JOIN events f ON f.id = "
                                "(SELECT min(id) FROM events WHERE id > e.id) "
                                "WHERE e.actor != f.actor");
    INFO("the actor changes " << switches << " times along the log");
    CHECK(switches > 1);
  }
}

}  // namespace

TEST_CASE("Two processes write the same file at once and no write is lost",
          "[database][processes]") {
  TempDir dir;
  const std::string path = dir.File("listd.db");
  OpenOrFail(path);  // the file exists before they start
  RunTwoWriters(dir, path, 1000, /*start_together=*/true);
}

TEST_CASE("Two processes opening a fresh file at once both migrate it safely",
          "[database][processes]") {
  TempDir dir;
  // Neither file nor schema exists: both race to create, switch to WAL and
  // run the migrations, then write.
  RunTwoWriters(dir, dir.File("fresh.db"), 300, /*start_together=*/false);
}

TEST_CASE("a new database file is readable by its owner only", "[database]") {
  storage_test::TempDir dir;
  const std::string path = dir.File("fresh.db");
  auto db = storage::Database::Open(path);
  REQUIRE(db.ok());
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat((path + "-wal").c_str(), &st) == 0);
  CHECK((st.st_mode & 0077) == 0);
}
