// Schema migrations (storage/migrations.h) on real files: from nothing, from
// an empty file, from every earlier schema version with data in it, and the
// refusals (a file newer than this program, a downgrade, a failed step).
#include "storage/migrations.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "storage/database.h"
#include "storage/schema.h"
#include "tests/support/temp_dir.h"

namespace {

using Catch::Matchers::Contains;
using storage::Database;
using storage::LatestSchemaVersion;
using storage::OpenOptions;
using storage_test::TempDir;

#define REQUIRE_OK(result)                                    \
  do {                                                        \
    const auto& checked_ = (result);                          \
    INFO((checked_.ok() ? std::string() : checked_.error())); \
    REQUIRE(checked_.ok());                                   \
  } while (false)

std::unique_ptr<Database> OpenAt(const std::string& path, bool migrate) {
  OpenOptions options;
  options.migrate = migrate;
  auto db = Database::Open(path, options);
  REQUIRE_OK(db);
  return std::move(*db);
}

int VersionOf(Database& db) {
  auto version = storage::SchemaVersion(db);
  REQUIRE_OK(version);
  return *version;
}

// Representative rows for the tables each step creates: index 0 holds the
// rows for step 1's tables, and so on. A new schema step adds an entry here
// (the test below insists), so that its upgrade is proven with data in it.
const std::vector<std::string>& RowsForStep() {
  static const std::vector<std::string> rows = {
      // 1: lists, list_settings, members, keys, events
      R"sql(
INSERT INTO lists (id, local_part, domain, display_name, created_at)
  VALUES (1, 'Announce', 'example.org', 'Announcements', 1700000000);
INSERT INTO list_settings (list_id, name, value) VALUES (1, 'subject_tag', '[ann]');
INSERT INTO list_settings (list_id, name, value) VALUES (1, 'signing.algorithms', 'both');
INSERT INTO members (id, list_id, local_part, domain, display_name, role, delivery,
                     bounce_score, subscribed_at)
  VALUES (1, 1, 'Alice.Smith', 'example.com', 'Alice Smith', 'owner', 'enabled', 0, 1700000001);
INSERT INTO members (id, list_id, local_part, domain, display_name, role, delivery,
                     bounce_score, subscribed_at)
  VALUES (2, 1, 'bob', 'example.net', '', 'member', 'disabled-by-bounce', 2.5, 1700000002);
INSERT INTO keys (id, list_id, selector, algorithm, bits, public_key, private_key_sealed, state,
                  created_at, activated_at, retired_at)
  VALUES (1, 1, 's2026-01', 'ed25519', 256, 'MCowBQYDK2VwAyEA', X'4C444B31000102', 'active',
          1700000003, 1700000004, NULL);
INSERT INTO events (id, at, actor, list_id, action, detail)
  VALUES (1, 1700000005, 'listctl:root', 1, 'list.create', 'Announce@example.org');
)sql",
      // 2: tokens, spool, delivery_batches, held
      R"sql(
INSERT INTO tokens (id, token_hash, list_id, purpose, address, payload, created_at, expires_at)
  VALUES (1, X'00112233', 1, 'subscribe', 'carol@example.com', '{}', 1700000010, 1700086410);
INSERT INTO spool (id, list_id, envelope_from, recipient, message, state, reason, received_at)
  VALUES (1, 1, 'carol@example.com', 'announce@example.org', X'46726F6D3A20630D0A0D0A6869',
          'held', 'moderated', 1700000011);
INSERT INTO delivery_batches (id, post_id, message, envelope_from, recipients, attempts,
                              next_attempt_at, last_error)
  VALUES (1, 1, X'6869', 'announce-bounces@example.org', 'a@example.com,b@example.net', 1,
          1700000100, '451 try later');
INSERT INTO held (id, list_id, post_id, reason, sender, subject, held_at)
  VALUES (1, 1, 1, 'moderated', 'carol@example.com', 'Hello', 1700000012);
)sql",
      // 3: delivery_batches.leased_until and queued_at
      R"sql(
INSERT INTO delivery_batches (id, post_id, message, envelope_from, recipients, attempts,
                              next_attempt_at, last_error, leased_until, queued_at)
  VALUES (2, 1, X'6869', 'announce-bounces@example.org', 'c@example.org', 0,
          1700000200, '', 1700000800, 1700000150);
)sql",
      // 4: members unique without regard to the local part's case
      R"sql(
INSERT INTO members (id, list_id, local_part, domain, display_name, role, delivery,
                     bounce_score, subscribed_at)
  VALUES (3, 1, 'Carol', 'example.com', 'Carol', 'member', 'enabled', 0, 1700000300);
)sql",
      // 5: members.moderated, bans (per list and site-wide)
      R"sql(
INSERT INTO members (id, list_id, local_part, domain, display_name, role, delivery,
                     bounce_score, subscribed_at, moderated)
  VALUES (4, 1, 'dave', 'example.com', '', 'member', 'enabled', 0, 1700000400, 1);
INSERT INTO bans (id, list_id, pattern, reason, created_at)
  VALUES (1, 1, 'troll@example.net', 'flames', 1700000401);
INSERT INTO bans (id, list_id, pattern, reason, created_at)
  VALUES (2, NULL, '*@spam.example', '', 1700000402);
)sql",
      // 6: requests, mail_log
      R"sql(
INSERT INTO requests (id, list_id, local_part, domain, display_name, action, state, via,
                      created_at, expires_at)
  VALUES (1, 1, 'Dora', 'example.com', 'Dora', 'join', 'confirming', 'mail', 1700000400,
          1700259600);
INSERT INTO mail_log (id, list_id, kind, address, sent_at)
  VALUES (1, 1, 'confirm-join', 'dora@example.com', 1700000401);
)sql",
      // 7: bounce_info, unrecognized_bounces
      R"sql(
INSERT OR REPLACE INTO bounce_info (member_id, last_failure_at, last_failure, probe, probe_sent_at,
                         disabled_at, owners_told, warnings_sent, last_warning_at)
  VALUES (2, 1700000500, '5.1.1 user unknown', 'none', 0, 1700000600, 1, 1, 1700000600);
INSERT INTO unrecognized_bounces (id, list_id, post_id, received_at, summary, digested_at)
  VALUES (1, 1, 3, 1700000700, 'From <mailer-daemon@example.net>: no member named', NULL);
)sql",
      // 8: held.kind, delivery_batches.parked
      R"sql(
UPDATE held SET kind = 'refused' WHERE id = (SELECT min(id) FROM held);
UPDATE delivery_batches SET parked = 1 WHERE id = (SELECT min(id) FROM delivery_batches);
)sql",
      // 9: web_users, web_sessions, api_tokens, password_links
      R"sql(
INSERT INTO web_users (id, address, password_hash, site_admin, created_at)
  VALUES (1, 'Admin@example.org', NULL, 1, 1700000800);
INSERT INTO web_sessions (id, session_hash, user_id, created_at, last_used_at, closed_at)
  VALUES (1, x'00112233', 1, 1700000800, 1700000900, NULL);
INSERT INTO api_tokens (id, token_hash, name, list_id, role, created_at)
  VALUES (1, x'44556677', 'site', NULL, NULL, 1700000800),
         (2, x'8899aabb', 'ann', 1, 'moderator', 1700000800);
INSERT INTO password_links (id, token_hash, address, created_at, expires_at, used_at)
  VALUES (1, x'ccddeeff', 'owner@example.org', 1700000800, 1700004400, NULL);
)sql",
      // 10: indexes for the member pages only; a member the role and
      // delivery indexes both hold under a value other than the default
      R"sql(
UPDATE members SET role = 'moderator', delivery = 'disabled-by-user'
  WHERE id = (SELECT max(id) FROM members);
)sql",
      // 11: list_secrets, mail_log.client
      R"sql(
INSERT INTO list_secrets (list_id, purpose, secret_sealed, created_at)
  VALUES (1, 'member-links', X'4C444B3100', 1700000800);
UPDATE mail_log SET client = '192.0.2.7' WHERE id = 1;
)sql",
  };
  return rows;
}

std::vector<std::string> Tables(Database& db) {
  auto query = db.Prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
      "ORDER BY name");
  REQUIRE_OK(query);
  std::vector<std::string> names;
  for (;;) {
    auto row = (*query)->Step();
    REQUIRE_OK(row);
    if (!*row) break;
    names.push_back((*query)->ColumnText(0));
  }
  return names;
}

std::vector<std::string> Columns(Database& db, const std::string& table) {
  auto query = db.Prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid");
  REQUIRE_OK(query);
  (*query)->Bind(1, table);
  std::vector<std::string> names;
  for (;;) {
    auto row = (*query)->Step();
    REQUIRE_OK(row);
    if (!*row) break;
    names.push_back((*query)->ColumnText(0));
  }
  return names;
}

// Every row of every table, limited to the columns given, each value as
// SQL's quote() spells it (so types show: 1 and '1' differ).
using Dump = std::map<std::string, std::vector<std::string>>;
using Shape = std::map<std::string, std::vector<std::string>>;  // table -> columns

Shape ShapeOf(Database& db) {
  Shape shape;
  for (const std::string& table : Tables(db)) shape[table] = Columns(db, table);
  return shape;
}

Dump DumpOf(Database& db, const Shape& shape) {
  Dump dump;
  for (const auto& [table, columns] : shape) {
    // Identifiers come from sqlite_schema, not from input; they cannot be
    // bound, so they are quoted.
    std::string sql = "SELECT ";
    for (size_t i = 0; i < columns.size(); ++i) {
      sql += (i ? " || '|' || quote(\"" : "quote(\"") + columns[i] + "\")";
    }
    sql += " FROM \"" + table + "\"";
    auto query = db.Prepare(sql);
    REQUIRE_OK(query);
    std::vector<std::string>& rows = dump[table];
    for (;;) {
      auto row = (*query)->Step();
      REQUIRE_OK(row);
      if (!*row) break;
      rows.push_back((*query)->ColumnText(0));
    }
    std::sort(rows.begin(), rows.end());
  }
  return dump;
}

}  // namespace

TEST_CASE("The fixture has representative rows for every schema step", "[migrations]") {
  INFO("a new step in storage/schema.cc needs its rows in RowsForStep() here");
  REQUIRE(RowsForStep().size() == static_cast<size_t>(LatestSchemaVersion()));
  REQUIRE(LatestSchemaVersion() == static_cast<int>(storage::SchemaSteps().size()));
}

TEST_CASE("A new file and an empty file come up at the latest version", "[migrations]") {
  TempDir dir;
  std::string path = dir.File("listd.db");
  SECTION("no file") {}
  SECTION("an empty file") { std::ofstream(path).flush(); }

  auto db = Database::Open(path);
  REQUIRE_OK(db);
  CHECK(VersionOf(**db) == LatestSchemaVersion());
  CHECK(Tables(**db) ==
        std::vector<std::string>{"api_tokens", "bans", "bounce_info", "delivery_batches", "events",
                                 "held", "keys", "list_secrets", "list_settings", "lists", "mail_log",
                                 "members", "password_links", "requests", "spool", "tokens",
                                 "unrecognized_bounces", "web_sessions", "web_users"});
  // Opening again finds nothing to do.
  db->reset();
  auto again = Database::Open(path);
  REQUIRE_OK(again);
  CHECK(VersionOf(**again) == LatestSchemaVersion());
}

TEST_CASE("Migrate stops at the version asked for", "[migrations]") {
  TempDir dir;
  auto db = OpenAt(dir.File("listd.db"), /*migrate=*/false);
  CHECK(VersionOf(*db) == 0);
  CHECK(Tables(*db).empty());
  REQUIRE_OK(storage::Migrate(*db, 1));
  CHECK(VersionOf(*db) == 1);
  auto tables = Tables(*db);
  CHECK(std::find(tables.begin(), tables.end(), "lists") != tables.end());
  CHECK(std::find(tables.begin(), tables.end(), "tokens") == tables.end());
  REQUIRE_OK(storage::Migrate(*db, 1));  // nothing to do
  CHECK(VersionOf(*db) == 1);
}

TEST_CASE("Every earlier schema version upgrades to the latest with its data intact",
          "[migrations]") {
  for (int from = 0; from < LatestSchemaVersion(); ++from) {
    DYNAMIC_SECTION("from version " << from) {
      TempDir dir;
      const std::string path = dir.File("listd.db");
      Shape before_shape;
      Dump before;
      {
        auto db = OpenAt(path, /*migrate=*/false);
        REQUIRE_OK(storage::Migrate(*db, from));
        REQUIRE(VersionOf(*db) == from);
        for (int step = 1; step <= from; ++step) {
          REQUIRE_OK(db->Exec(RowsForStep()[static_cast<size_t>(step - 1)]));
        }
        before_shape = ShapeOf(*db);
        before = DumpOf(*db, before_shape);
        for (const auto& [table, rows] : before) {
          INFO("table " << table << " has no representative row in RowsForStep()");
          CHECK_FALSE(rows.empty());
        }
      }
      auto db = Database::Open(path);  // the normal way: migrates
      REQUIRE_OK(db);
      CHECK(VersionOf(**db) == LatestSchemaVersion());
      // Every row that was there, in every column that was there, unchanged;
      // step 5 adds one: a list that existed keeps posting_auth=from.
      if (from >= 1 && from < 5) {
        before["list_settings"].push_back("1|'posting_auth'|'from'");
        std::sort(before["list_settings"].begin(), before["list_settings"].end());
      }
      CHECK(DumpOf(**db, before_shape) == before);
      // And the upgraded file works: the later steps' rows go in too.
      for (int step = from + 1; step <= LatestSchemaVersion(); ++step) {
        REQUIRE_OK((*db)->Exec(RowsForStep()[static_cast<size_t>(step - 1)]));
      }
      CHECK(Tables(**db).size() == ShapeOf(**db).size());
    }
  }
}

TEST_CASE("Step 4 merges members that differ only in the case of the local part, oldest kept",
          "[migrations]") {
  // Hardening finding 9: alice@, Alice@ and ALICE@ were three
  // subscriptions (three copies of every post); one stays.
  TempDir dir;
  auto db = OpenAt(dir.File("listd.db"), /*migrate=*/false);
  REQUIRE_OK(storage::Migrate(*db, 3));
  REQUIRE_OK(db->Exec(R"sql(
INSERT INTO lists (id, local_part, domain, created_at) VALUES (1, 'team', 'example.org', 1);
INSERT INTO lists (id, local_part, domain, created_at) VALUES (2, 'other', 'example.org', 1);
INSERT INTO members (id, list_id, local_part, domain, role, subscribed_at)
  VALUES (10, 1, 'Alice', 'example.com', 'member', 200);
INSERT INTO members (id, list_id, local_part, domain, role, subscribed_at)
  VALUES (11, 1, 'alice', 'example.com', 'member', 100);
INSERT INTO members (id, list_id, local_part, domain, role, subscribed_at)
  VALUES (12, 1, 'ALICE', 'example.com', 'owner', 300);
INSERT INTO members (id, list_id, local_part, domain, role, subscribed_at)
  VALUES (13, 2, 'Alice', 'example.com', 'member', 50);
INSERT INTO members (id, list_id, local_part, domain, role, subscribed_at)
  VALUES (14, 1, 'bob', 'example.com', 'member', 400);
)sql"));
  REQUIRE_OK(storage::Migrate(*db, 4));
  auto members = db->Prepare("SELECT id, list_id, local_part, role FROM members ORDER BY id");
  REQUIRE_OK(members);
  std::vector<std::string> rows;
  while (*(*members)->Step()) {
    rows.push_back(std::to_string((*members)->ColumnInt(0)) + " " +
                   std::to_string((*members)->ColumnInt(1)) + " " + (*members)->ColumnText(2) +
                   " " + (*members)->ColumnText(3));
  }
  // The oldest of the three (alice, subscribed at 100) stays, with the
  // owner role one of them held; another list's Alice and bob are untouched.
  CHECK(rows ==
        std::vector<std::string>{"11 1 alice owner", "13 2 Alice member", "14 1 bob member"});
  auto events = db->Prepare("SELECT list_id, action, detail FROM events ORDER BY id");
  REQUIRE_OK(events);
  std::vector<std::string> merged;
  while (*(*events)->Step()) {
    CHECK((*events)->ColumnInt(0) == 1);
    CHECK((*events)->ColumnText(1) == "member.merge");
    merged.push_back((*events)->ColumnText(2));
  }
  CHECK(merged == std::vector<std::string>{
                      "merged Alice@example.com into alice@example.com (the same address but for "
                      "the case of its local part)",
                      "merged ALICE@example.com into alice@example.com (the same address but for "
                      "the case of its local part)"});
  // And the index keeps it so.
  CHECK_FALSE(db->Exec("INSERT INTO members (list_id, local_part, domain, subscribed_at) "
                       "VALUES (1, 'aLiCe', 'example.com', 500)")
                  .ok());
}

TEST_CASE("Step 5 keeps posting_auth=from for the lists that exist, new lists get the default",
          "[migrations]") {
  // posting_auth=aligned is the default for new lists only: a list made
  // before step 5 admitted members by From alone and keeps doing so.
  TempDir dir;
  auto db = OpenAt(dir.File("listd.db"), /*migrate=*/false);
  REQUIRE_OK(storage::Migrate(*db, 4));
  REQUIRE_OK(db->Exec(R"sql(
INSERT INTO lists (id, local_part, domain, created_at) VALUES (1, 'team', 'example.org', 1);
INSERT INTO lists (id, local_part, domain, created_at) VALUES (2, 'other', 'example.org', 1);
INSERT INTO members (id, list_id, local_part, domain, role, subscribed_at)
  VALUES (10, 1, 'alice', 'example.com', 'member', 100);
)sql"));
  REQUIRE_OK(storage::Migrate(*db, 5));
  auto settings = db->Prepare(
      "SELECT list_id, value FROM list_settings WHERE name = 'posting_auth' ORDER BY list_id");
  REQUIRE_OK(settings);
  std::vector<std::string> rows;
  while (*(*settings)->Step()) {
    rows.push_back(std::to_string((*settings)->ColumnInt(0)) + " " + (*settings)->ColumnText(1));
  }
  CHECK(rows == std::vector<std::string>{"1 from", "2 from"});
  // A member that was there is not moderated.
  auto moderated = db->Prepare("SELECT moderated FROM members WHERE id = 10");
  REQUIRE_OK(moderated);
  REQUIRE(*(*moderated)->Step());
  CHECK((*moderated)->ColumnInt(0) == 0);
  (*moderated)->Reset();
  // A list made after the step has no stored posting_auth: the default.
  REQUIRE_OK(
      db->Exec("INSERT INTO lists (id, local_part, domain, created_at) VALUES (3, 'new', "
               "'example.org', 2)"));
  auto none = db->Prepare("SELECT count(*) FROM list_settings WHERE list_id = 3");
  REQUIRE_OK(none);
  REQUIRE(*(*none)->Step());
  CHECK((*none)->ColumnInt(0) == 0);
  (*none)->Reset();
  // Bans are unique per scope whatever the case; a site ban and a list
  // ban of one pattern are two bans.
  REQUIRE_OK(
      db->Exec("INSERT INTO bans (list_id, pattern, created_at) VALUES (1, '*@Spam.example', 1)"));
  REQUIRE_OK(db->Exec(
      "INSERT INTO bans (list_id, pattern, created_at) VALUES (NULL, '*@spam.example', 1)"));
  CHECK_FALSE(
      db->Exec("INSERT INTO bans (list_id, pattern, created_at) VALUES (1, '*@SPAM.example', 1)")
          .ok());
  CHECK_FALSE(
      db->Exec("INSERT INTO bans (list_id, pattern, created_at) VALUES (NULL, '*@spam.EXAMPLE', 1)")
          .ok());
  // And a list's bans go with it.
  REQUIRE_OK(db->Exec("PRAGMA foreign_keys = ON"));
  REQUIRE_OK(db->Exec("DELETE FROM lists WHERE id = 1"));
  auto left = db->Prepare("SELECT count(*) FROM bans");
  REQUIRE_OK(left);
  REQUIRE(*(*left)->Step());
  CHECK((*left)->ColumnInt(0) == 1);
  (*left)->Reset();
}

TEST_CASE("A file newer than this listd is refused", "[migrations]") {
  TempDir dir;
  const std::string path = dir.File("listd.db");
  const int newer = LatestSchemaVersion() + 5;
  {
    auto db = OpenAt(path, /*migrate=*/false);
    REQUIRE_OK(db->Exec("PRAGMA user_version = " + std::to_string(newer)));
  }
  auto db = Database::Open(path);
  REQUIRE_FALSE(db.ok());
  CHECK(db.error() == path + ": database schema version " + std::to_string(newer) +
                          " is newer than this listd (" + std::to_string(LatestSchemaVersion()) +
                          "); run a newer listd");
  // And it was left as it was.
  auto raw = OpenAt(path, /*migrate=*/false);
  CHECK(VersionOf(*raw) == newer);
}

TEST_CASE("Migrate refuses targets it cannot reach", "[migrations]") {
  TempDir dir;
  auto db = OpenAt(dir.File("listd.db"), /*migrate=*/true);
  auto beyond = storage::Migrate(*db, LatestSchemaVersion() + 1);
  REQUIRE_FALSE(beyond.ok());
  CHECK_THAT(beyond.error(), Contains("knows versions up to"));
  auto down = storage::Migrate(*db, 0);
  REQUIRE_FALSE(down.ok());
  CHECK_THAT(down.error(), Contains("down from schema version"));
}

TEST_CASE("A step that fails leaves the file at the version before it", "[migrations]") {
  // Step 2 creates tokens, spool, delivery_batches and held, in that order
  // (released steps never change). With a table "held" already there, it
  // fails at its end, after the other three were created.
  TempDir dir;
  auto db = OpenAt(dir.File("listd.db"), /*migrate=*/false);
  REQUIRE_OK(storage::Migrate(*db, 1));
  REQUIRE_OK(db->Exec("CREATE TABLE held (x INTEGER)"));
  auto tables_before = Tables(*db);
  auto failed = storage::Migrate(*db, 2);
  REQUIRE_FALSE(failed.ok());
  CHECK_THAT(failed.error(),
             Contains("migrating " + dir.File("listd.db") + " to schema version 2"));
  CHECK_THAT(failed.error(), Contains("table held already exists"));
  // Nothing of the step stayed: neither its tables nor its version.
  CHECK(VersionOf(*db) == 1);
  CHECK(Tables(*db) == tables_before);
  CHECK_FALSE(db->in_transaction());
}

TEST_CASE("Step 7 gives every member already disabled by bounces bounce state", "[migrations]") {
  // Without a bounce_info row the bounce chores never see a member, so one
  // a store disabled before step 7 would stay disabled for ever, unwarned.
  TempDir dir;
  auto db = OpenAt(dir.File("listd.db"), /*migrate=*/false);
  REQUIRE_OK(storage::Migrate(*db, 6));
  for (int step = 1; step <= 6; ++step) {
    REQUIRE_OK(db->Exec(RowsForStep()[static_cast<size_t>(step - 1)]));
  }
  REQUIRE_OK(storage::Migrate(*db, 7));
  auto query = db->Prepare(
      "SELECT m.delivery, b.disabled_at > 0 FROM bounce_info b JOIN members m ON m.id = "
      "b.member_id");
  REQUIRE_OK(query);
  std::vector<std::string> rows;
  for (;;) {
    auto row = (*query)->Step();
    REQUIRE_OK(row);
    if (!*row) break;
    rows.push_back((*query)->ColumnText(0) + "|" + (*query)->ColumnText(1));
  }
  CHECK(rows == std::vector<std::string>{"disabled-by-bounce|1"});
}
