// ListRepository on a real SQLite file: create/find/rename/remove, the
// uniqueness of a list address (domain case-insensitive, local part as
// given: RFC 5321 section 2.4), settings, and the cascade of a removal.
#include "storage/list_repository.h"

#include <catch2/catch.hpp>

#include <memory>

#include "storage/database.h"
#include "storage/member_repository.h"
#include "tests/support/temp_dir.h"

namespace {

using base::Status;
using storage::ListRecord;
using storage::ListRepository;

base::EmailAddress Address(const char* text) { return *base::EmailAddress::Parse(text); }

struct ListFixture {
  storage_test::TempDir dir;
  std::unique_ptr<storage::Database> db;
  ListFixture() {
    auto opened = storage::Database::Open(dir.File("listd.db"));
    REQUIRE(opened.ok());
    db = std::move(opened).value();
  }
};

}  // namespace

TEST_CASE("lists are created, found, renamed and listed", "[storage][lists]") {
  ListFixture f;
  ListRepository lists(*f.db);

  base::EmailAddress address = Address("Discussion <discuss@Example.ORG>");
  auto created = lists.Create(address, 1000);
  REQUIRE(created.ok());
  CHECK(created->id > 0);
  CHECK(created->address.ToString() == "discuss@example.org");
  CHECK(created->address.display_name == "Discussion");
  CHECK(created->created_at == 1000);

  auto found = lists.Find(Address("discuss@EXAMPLE.org"));
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK((*found)->id == created->id);
  CHECK((*found)->address.display_name == "Discussion");
  CHECK((*found)->created_at == 1000);

  auto by_id = lists.FindById(created->id);
  REQUIRE(by_id.ok());
  REQUIRE(by_id->has_value());
  CHECK((*by_id)->address.ToString() == "discuss@example.org");

  REQUIRE(lists.SetDisplayName(created->id, "General discussion").ok());
  CHECK((*lists.FindById(created->id))->address.display_name == "General discussion");

  auto missing = lists.Find(Address("other@example.org"));
  REQUIRE(missing.ok());
  CHECK_FALSE(missing->has_value());
  auto missing_id = lists.FindById(created->id + 100);
  REQUIRE(missing_id.ok());
  CHECK_FALSE(missing_id->has_value());

  REQUIRE(lists.Create(Address("announce@example.org"), 1001).ok());
  REQUIRE(lists.Create(Address("alpha@example.net"), 1002).ok());
  auto all = lists.All();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  // Ordered by domain, then local part.
  CHECK((*all)[0].address.ToString() == "alpha@example.net");
  CHECK((*all)[1].address.ToString() == "announce@example.org");
  CHECK((*all)[2].address.ToString() == "discuss@example.org");
}

TEST_CASE("a list address is taken once, in any case (RFC 5321 section 2.4: ours to decide)",
          "[storage][lists]") {
  ListFixture f;
  ListRepository lists(*f.db);
  REQUIRE(lists.Create(Address("discuss@example.org"), 1).ok());

  auto again = lists.Create(Address("discuss@EXAMPLE.ORG"), 2);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error() == "list discuss@example.org already exists");

  // RFC 5321 2.4: the local part's case is the receiving host's business;
  // listd, like Mailman, does not tell list names apart by case.
  auto variant = lists.Create(Address("Discuss@example.org"), 3);
  REQUIRE_FALSE(variant.ok());
  CHECK(variant.error() == "list Discuss@example.org already exists as discuss@example.org");
  CHECK(lists.All()->size() == 1);
  auto found = lists.Find(Address("DISCUSS@example.org"));
  REQUIRE(found.ok());
  REQUIRE(*found);
  CHECK((*found)->address.local_part == "discuss");
}

TEST_CASE("an EmailAddress built by hand still finds its list", "[storage][lists]") {
  ListFixture f;
  ListRepository lists(*f.db);
  base::EmailAddress by_hand{"discuss", "Example.Org", ""};
  auto created = lists.Create(by_hand, 1);
  REQUIRE(created.ok());
  CHECK(created->address.domain == "example.org");
  CHECK(lists.Find(by_hand)->has_value());
}

TEST_CASE("settings are set, replaced, cleared and read back", "[storage][lists]") {
  ListFixture f;
  ListRepository lists(*f.db);
  auto list = lists.Create(Address("discuss@example.org"), 1);
  REQUIRE(list.ok());

  auto empty = lists.Settings(list->id);
  REQUIRE(empty.ok());
  CHECK(empty->empty());

  REQUIRE(lists.SetSetting(list->id, "subject_tag", "[discuss]").ok());
  REQUIRE(lists.SetSetting(list->id, "posting_policy", "moderated").ok());
  REQUIRE(lists.SetSetting(list->id, "subject_tag", "[d]").ok());
  auto settings = lists.Settings(list->id);
  REQUIRE(settings.ok());
  CHECK(*settings == std::map<std::string, std::string>{{"posting_policy", "moderated"},
                                                        {"subject_tag", "[d]"}});

  REQUIRE(lists.ClearSetting(list->id, "subject_tag").ok());
  REQUIRE(lists.ClearSetting(list->id, "never_set").ok());
  CHECK(*lists.Settings(list->id) ==
        std::map<std::string, std::string>{{"posting_policy", "moderated"}});

  // Values are bound, never pasted into SQL.
  const std::string tricky = "x'); DROP TABLE lists; --";
  REQUIRE(lists.SetSetting(list->id, "footer_template", tricky).ok());
  CHECK(lists.Settings(list->id)->at("footer_template") == tricky);
  CHECK(lists.All()->size() == 1);
}

TEST_CASE("writes to a missing list fail, naming the list", "[storage][lists]") {
  ListFixture f;
  ListRepository lists(*f.db);
  Status renamed = lists.SetDisplayName(42, "x");
  REQUIRE_FALSE(renamed.ok());
  CHECK(renamed.error() == "list 42 does not exist");
  Status removed = lists.Remove(42);
  REQUIRE_FALSE(removed.ok());
  CHECK(removed.error() == "list 42 does not exist");
  Status set = lists.SetSetting(42, "subject_tag", "[x]");
  REQUIRE_FALSE(set.ok());
  CHECK(set.error().find("setting subject_tag on list 42") == 0);
}

TEST_CASE("removing a list removes its settings and members", "[storage][lists]") {
  ListFixture f;
  ListRepository lists(*f.db);
  storage::MemberRepository members(*f.db);
  auto doomed = lists.Create(Address("doomed@example.org"), 1);
  auto kept = lists.Create(Address("kept@example.org"), 1);
  REQUIRE(doomed.ok());
  REQUIRE(kept.ok());
  REQUIRE(lists.SetSetting(doomed->id, "subject_tag", "[doomed]").ok());
  REQUIRE(lists.SetSetting(kept->id, "subject_tag", "[kept]").ok());
  REQUIRE(*members.Add(doomed->id, Address("joe@example.org"), storage::MemberRole::kMember, 1));
  REQUIRE(*members.Add(kept->id, Address("joe@example.org"), storage::MemberRole::kMember, 1));

  REQUIRE(lists.Remove(doomed->id).ok());
  CHECK_FALSE(lists.FindById(doomed->id)->has_value());
  CHECK(lists.Settings(doomed->id)->empty());
  CHECK(*members.Count(doomed->id) == 0);
  CHECK(lists.Settings(kept->id)->size() == 1);
  CHECK(*members.Count(kept->id) == 1);
}

TEST_CASE("a list write inside the caller's transaction is undone with it", "[storage][lists]") {
  ListFixture f;
  ListRepository lists(*f.db);
  {
    storage::Transaction transaction(*f.db);
    REQUIRE(transaction.begun().ok());
    REQUIRE(lists.Create(Address("discuss@example.org"), 1).ok());
    CHECK(lists.All()->size() == 1);
    // Destroyed without Commit(): rolled back.
  }
  CHECK(lists.All()->empty());
  {
    storage::Transaction transaction(*f.db);
    REQUIRE(lists.Create(Address("discuss@example.org"), 1).ok());
    REQUIRE(transaction.Commit().ok());
  }
  CHECK(lists.All()->size() == 1);
}
