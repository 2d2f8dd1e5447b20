// EventLog on a real SQLite file: events are read back newest first, per
// list or site-wide, limited, and outlive the list they name.
#include "storage/event_log.h"

#include <catch2/catch.hpp>

#include <memory>

#include "storage/database.h"
#include "storage/list_repository.h"
#include "tests/support/temp_dir.h"

namespace {

struct EventFixture {
  storage_test::TempDir dir;
  std::unique_ptr<storage::Database> db;
  EventFixture() {
    auto opened = storage::Database::Open(dir.File("listd.db"));
    REQUIRE(opened.ok());
    db = std::move(opened).value();
  }
};

}  // namespace

TEST_CASE("events come back newest first, per list or for the site", "[storage][events]") {
  EventFixture f;
  storage::ListRepository lists(*f.db);
  const int64_t discuss = lists.Create(*base::EmailAddress::Parse("discuss@example.org"), 1)->id;
  const int64_t announce = lists.Create(*base::EmailAddress::Parse("announce@example.org"), 1)->id;
  storage::EventLog events(*f.db);

  REQUIRE(events.Record(100, "listctl:root", discuss, "list.create", "discuss@example.org").ok());
  REQUIRE(events.Record(101, "listctl:root", announce, "list.create", "announce").ok());
  REQUIRE(events.Record(102, "listd", std::nullopt, "site.start", "").ok());
  // A clock that stepped back: the order of writing still decides.
  REQUIRE(events.Record(90, "web:owner@example.org", discuss, "member.add", "joe").ok());

  auto all = events.Recent(std::nullopt, 10);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 4);
  CHECK((*all)[0].action == "member.add");
  CHECK((*all)[0].at == 90);
  CHECK((*all)[0].actor == "web:owner@example.org");
  CHECK((*all)[0].list_id == discuss);
  CHECK((*all)[0].detail == "joe");
  CHECK((*all)[1].action == "site.start");
  CHECK_FALSE((*all)[1].list_id.has_value());
  CHECK((*all)[3].action == "list.create");
  CHECK((*all)[0].id > (*all)[1].id);

  auto for_discuss = events.Recent(discuss, 10);
  REQUIRE(for_discuss.ok());
  REQUIRE(for_discuss->size() == 2);
  CHECK((*for_discuss)[0].action == "member.add");
  CHECK((*for_discuss)[1].action == "list.create");

  auto newest = events.Recent(std::nullopt, 2);
  REQUIRE(newest->size() == 2);
  CHECK((*newest)[1].action == "site.start");
  CHECK(events.Recent(announce, 0)->empty());
  CHECK(events.Recent(discuss + 99, 10)->empty());
}

TEST_CASE("events outlive the list they name", "[storage][events]") {
  EventFixture f;
  storage::ListRepository lists(*f.db);
  const int64_t list = lists.Create(*base::EmailAddress::Parse("gone@example.org"), 1)->id;
  storage::EventLog events(*f.db);
  REQUIRE(events.Record(1, "listctl:root", list, "list.create", "gone@example.org").ok());
  REQUIRE(lists.Remove(list).ok());
  REQUIRE(events.Record(2, "listctl:root", std::nullopt, "list.rm", "gone@example.org").ok());

  auto all = events.Recent(std::nullopt, 10);
  REQUIRE(all->size() == 2);
  CHECK((*all)[1].action == "list.create");
  CHECK_FALSE((*all)[1].list_id.has_value());  // ON DELETE SET NULL
}

TEST_CASE("an event recorded in the caller's transaction goes with the change",
          "[storage][events]") {
  EventFixture f;
  storage::ListRepository lists(*f.db);
  storage::EventLog events(*f.db);
  {
    storage::Transaction transaction(*f.db);
    REQUIRE(transaction.begun().ok());
    auto list = lists.Create(*base::EmailAddress::Parse("discuss@example.org"), 1);
    REQUIRE(list.ok());
    REQUIRE(events.Record(1, "listctl:root", list->id, "list.create", "").ok());
    // No Commit(): both undone.
  }
  CHECK(lists.All()->empty());
  CHECK(events.Recent(std::nullopt, 10)->empty());
}
