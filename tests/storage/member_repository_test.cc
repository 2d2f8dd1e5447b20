// MemberRepository on a real SQLite file: an address once per list (the
// domain compared case-insensitively, the local part as given: RFC 5321
// section 2.4), find/remove/updates, ForEach streaming with filters and an
// early stop, Count, and bulk adds inside the caller's transaction.
#include "storage/member_repository.h"

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "storage/database.h"
#include "storage/list_repository.h"
#include "tests/support/temp_dir.h"

namespace {

using base::Status;
using storage::Delivery;
using storage::MemberFilter;
using storage::MemberRecord;
using storage::MemberRepository;
using storage::MemberRole;

base::EmailAddress Address(const std::string& text) { return *base::EmailAddress::Parse(text); }

struct MemberFixture {
  storage_test::TempDir dir;
  std::unique_ptr<storage::Database> db;
  int64_t list_id = 0;
  MemberFixture() {
    auto opened = storage::Database::Open(dir.File("listd.db"));
    REQUIRE(opened.ok());
    db = std::move(opened).value();
    auto list = storage::ListRepository(*db).Create(Address("discuss@example.org"), 1);
    REQUIRE(list.ok());
    list_id = list->id;
  }
};

// Every address ForEach yields, in order.
std::vector<std::string> Addresses(MemberRepository& members, int64_t list_id,
                                   const MemberFilter& filter = {}) {
  std::vector<std::string> seen;
  Status status = members.ForEach(list_id, filter, [&](const MemberRecord& member) {
    seen.push_back(member.address.ToString());
    return true;
  });
  REQUIRE(status.ok());
  return seen;
}

}  // namespace

TEST_CASE("role and delivery spellings round-trip", "[storage][members]") {
  for (MemberRole role : {MemberRole::kMember, MemberRole::kModerator, MemberRole::kOwner}) {
    CHECK(storage::ParseMemberRole(storage::ToString(role)) == role);
  }
  for (Delivery delivery :
       {Delivery::kEnabled, Delivery::kDisabledByBounce, Delivery::kDisabledByUser}) {
    CHECK(storage::ParseDelivery(storage::ToString(delivery)) == delivery);
  }
  CHECK(storage::ToString(Delivery::kDisabledByBounce) == "disabled-by-bounce");
  CHECK_FALSE(storage::ParseMemberRole("admin").has_value());
  CHECK_FALSE(storage::ParseDelivery("Enabled").has_value());
}

TEST_CASE("members are added, found, updated and removed", "[storage][members]") {
  MemberFixture f;
  MemberRepository members(*f.db);

  auto added =
      members.Add(f.list_id, Address("Joe Bloggs <joe@example.org>"), MemberRole::kModerator, 500);
  REQUIRE(added.ok());
  CHECK(*added);

  auto found = members.Find(f.list_id, Address("joe@example.org"));
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  const MemberRecord& joe = **found;
  CHECK(joe.id > 0);
  CHECK(joe.list_id == f.list_id);
  CHECK(joe.address.ToString() == "joe@example.org");
  CHECK(joe.address.display_name == "Joe Bloggs");
  CHECK(joe.role == MemberRole::kModerator);
  CHECK(joe.delivery == Delivery::kEnabled);
  CHECK(joe.bounce_score == 0.0);
  CHECK(joe.subscribed_at == 500);

  REQUIRE(members.SetRole(joe.id, MemberRole::kOwner).ok());
  REQUIRE(members.SetDelivery(joe.id, Delivery::kDisabledByBounce).ok());
  REQUIRE(members.SetBounceScore(joe.id, 2.7).ok());
  auto updated = members.Find(f.list_id, Address("joe@example.org"));
  REQUIRE(updated->has_value());
  CHECK((*updated)->role == MemberRole::kOwner);
  CHECK((*updated)->delivery == Delivery::kDisabledByBounce);
  // The score survives the trip through SQL exactly, not just nearly.
  CHECK((*updated)->bounce_score == 2.7);
  REQUIRE(members.SetBounceScore(joe.id, 0.1 + 0.2).ok());
  CHECK((*members.Find(f.list_id, Address("joe@example.org")))->bounce_score == 0.1 + 0.2);

  auto removed = members.Remove(f.list_id, Address("joe@EXAMPLE.ORG"));
  REQUIRE(removed.ok());
  CHECK(*removed);
  CHECK_FALSE(members.Find(f.list_id, Address("joe@example.org"))->has_value());
  auto removed_again = members.Remove(f.list_id, Address("joe@example.org"));
  REQUIRE(removed_again.ok());
  CHECK_FALSE(*removed_again);
}

TEST_CASE(
    "an address is on a list once, whatever its case: Joe@Example.ORG, Joe@example.org and "
    "joe@example.org are one member",
    "[storage][members]") {
  MemberFixture f;
  MemberRepository members(*f.db);
  CHECK(*members.Add(f.list_id, Address("Joe@Example.ORG"), MemberRole::kMember, 1));

  auto same = members.Add(f.list_id, Address("Joe@example.org"), MemberRole::kMember, 2);
  REQUIRE(same.ok());
  CHECK_FALSE(*same);
  auto exact = members.Add(f.list_id, Address("Joe@Example.ORG"), MemberRole::kOwner, 3);
  REQUIRE(exact.ok());
  CHECK_FALSE(*exact);

  // Hardening finding 9: the local part too compares without regard to
  // case (RFC 5321 2.4 leaves it to the receiving host; Mailman and every
  // major provider fold it), and is kept as first given.
  auto other = members.Add(f.list_id, Address("joe@example.org"), MemberRole::kMember, 4);
  REQUIRE(other.ok());
  CHECK_FALSE(*other);
  auto shouting = members.Find(f.list_id, Address("JOE@example.org"));
  REQUIRE(shouting->has_value());
  CHECK((*shouting)->address.local_part == "Joe");

  CHECK(*members.Count(f.list_id) == 1);
  auto joe = members.Find(f.list_id, Address("Joe@EXAMPLE.org"));
  REQUIRE(joe->has_value());
  CHECK((*joe)->address.local_part == "Joe");
  CHECK((*joe)->subscribed_at == 1);  // the duplicate changed nothing
  CHECK((*joe)->role == MemberRole::kMember);

  // The same address on another list is another membership.
  auto other_list = storage::ListRepository(*f.db).Create(Address("other@example.org"), 1);
  REQUIRE(other_list.ok());
  CHECK(*members.Add(other_list->id, Address("Joe@example.org"), MemberRole::kMember, 5));
}

TEST_CASE("adding to a missing list is an error, not a duplicate", "[storage][members]") {
  MemberFixture f;
  MemberRepository members(*f.db);
  auto added = members.Add(f.list_id + 99, Address("joe@example.org"), MemberRole::kMember, 1);
  REQUIRE_FALSE(added.ok());
  CHECK(added.error().find("adding joe@example.org on list") == 0);
}

TEST_CASE("updates of a missing member name it", "[storage][members]") {
  MemberFixture f;
  MemberRepository members(*f.db);
  Status role = members.SetRole(77, MemberRole::kOwner);
  REQUIRE_FALSE(role.ok());
  CHECK(role.error() == "member 77 does not exist");
  CHECK_FALSE(members.SetDelivery(77, Delivery::kEnabled).ok());
  CHECK_FALSE(members.SetBounceScore(77, 1.0).ok());
}

TEST_CASE("ForEach walks members in address order, filtered, and stops when told",
          "[storage][members]") {
  MemberFixture f;
  MemberRepository members(*f.db);
  REQUIRE(*members.Add(f.list_id, Address("zoe@b.example"), MemberRole::kMember, 1));
  REQUIRE(*members.Add(f.list_id, Address("amy@b.example"), MemberRole::kOwner, 1));
  REQUIRE(*members.Add(f.list_id, Address("max@a.example"), MemberRole::kModerator, 1));
  REQUIRE(*members.Add(f.list_id, Address("bob@a.example"), MemberRole::kMember, 1));
  REQUIRE(*members.Add(f.list_id, Address("cat@c.example"), MemberRole::kMember, 1));
  auto cat = members.Find(f.list_id, Address("cat@c.example"));
  REQUIRE(members.SetDelivery((*cat)->id, Delivery::kDisabledByUser).ok());

  // Domain first, then local part: the index order, grouped by domain.
  CHECK(Addresses(members, f.list_id) == std::vector<std::string>{"bob@a.example", "max@a.example",
                                                                  "amy@b.example", "zoe@b.example",
                                                                  "cat@c.example"});

  MemberFilter plain;
  plain.role = MemberRole::kMember;
  CHECK(Addresses(members, f.list_id, plain) ==
        std::vector<std::string>{"bob@a.example", "zoe@b.example", "cat@c.example"});

  MemberFilter receiving;
  receiving.delivery = Delivery::kEnabled;
  CHECK(Addresses(members, f.list_id, receiving).size() == 4);

  MemberFilter both;
  both.role = MemberRole::kMember;
  both.delivery = Delivery::kEnabled;
  CHECK(Addresses(members, f.list_id, both) ==
        std::vector<std::string>{"bob@a.example", "zoe@b.example"});

  CHECK(*members.Count(f.list_id) == 5);
  CHECK(*members.Count(f.list_id, plain) == 3);
  CHECK(*members.Count(f.list_id, receiving) == 4);
  CHECK(*members.Count(f.list_id, both) == 2);
  MemberFilter owners;
  owners.role = MemberRole::kOwner;
  CHECK(*members.Count(f.list_id, owners) == 1);
  CHECK(*members.Count(f.list_id + 1) == 0);

  // Early stop: the callback's false ends the walk.
  int calls = 0;
  REQUIRE(members
              .ForEach(f.list_id, {},
                       [&](const MemberRecord&) {
                         ++calls;
                         return calls < 2;
                       })
              .ok());
  CHECK(calls == 2);

  // After an early stop the statement is rewound: the next walk starts
  // from the beginning, and a write from elsewhere is not blocked.
  CHECK(Addresses(members, f.list_id).front() == "bob@a.example");
}

TEST_CASE("ForEach callbacks may read and write other rows", "[storage][members]") {
  MemberFixture f;
  MemberRepository members(*f.db);
  for (const char* text : {"a@example.org", "b@example.org", "c@example.org"}) {
    REQUIRE(*members.Add(f.list_id, Address(text), MemberRole::kMember, 1));
  }
  int visited = 0;
  Status walked = members.ForEach(f.list_id, {}, [&](const MemberRecord& member) {
    ++visited;
    // A bounce processor disabling as it walks; Find and Count use
    // statements of their own.
    REQUIRE(members.SetBounceScore(member.id, 5.0).ok());
    REQUIRE(members.Find(f.list_id, member.address)->has_value());
    REQUIRE(*members.Count(f.list_id) == 3);
    return true;
  });
  REQUIRE(walked.ok());
  CHECK(visited == 3);
  CHECK((*members.Find(f.list_id, Address("c@example.org")))->bounce_score == 5.0);
}

TEST_CASE("a bulk import adds thousands inside one caller transaction", "[storage][members]") {
  MemberFixture f;
  MemberRepository members(*f.db);
  int added = 0;
  int duplicates = 0;
  {
    storage::Transaction transaction(*f.db);
    REQUIRE(transaction.begun().ok());
    for (int i = 0; i < 5000; ++i) {
      // Every tenth line repeats an earlier address with another domain case.
      const std::string text = i % 10 == 9 ? "user" + std::to_string(i - 1) + "@EXAMPLE.org"
                                           : "user" + std::to_string(i) + "@example.org";
      auto result = members.Add(f.list_id, Address(text), MemberRole::kMember, 1);
      REQUIRE(result.ok());
      (*result ? added : duplicates)++;
    }
    REQUIRE(transaction.Commit().ok());
  }
  CHECK(added == 4500);
  CHECK(duplicates == 500);
  CHECK(*members.Count(f.list_id) == 4500);

  int64_t streamed = 0;
  REQUIRE(members
              .ForEach(f.list_id, {},
                       [&](const MemberRecord&) {
                         ++streamed;
                         return true;
                       })
              .ok());
  CHECK(streamed == 4500);
}

TEST_CASE("ForEach's order is the index's, so SQLite streams without sorting",
          "[storage][members]") {
  // The same SQL as MemberRepository::ForEach: if a change to it (or to
  // the schema) made SQLite sort, 100,000 members would be gathered into a
  // temporary B-tree before the first callback.
  MemberFixture f;
  auto plan = f.db->Prepare(
      "EXPLAIN QUERY PLAN "
      "SELECT id, list_id, local_part, domain, display_name, role, delivery, "
      "printf('%!.17g', bounce_score), subscribed_at FROM members WHERE list_id = ?1 "
      "AND (?2 IS NULL OR role = ?2) AND (?3 IS NULL OR delivery = ?3) "
      "ORDER BY domain, local_part");
  REQUIRE(plan.ok());
  std::string steps;
  while (*(*plan)->Step()) steps += (*plan)->ColumnText(3) + "\n";
  (*plan)->Reset();
  INFO(steps);
  CHECK(steps.find("USING INDEX") != std::string::npos);
  CHECK(steps.find("TEMP B-TREE") == std::string::npos);
}

TEST_CASE("member pages: address order, filters, a literal LIKE substring and the count",
          "[storage][members]") {
  MemberFixture f;
  MemberRepository members(*f.db);
  for (const char* text : {"zed@a.example", "amy@b.example", "a_b@b.example", "axb@b.example",
                           "100%@c.example", "back@c.example"}) {
    REQUIRE(members.Add(f.list_id, Address(text), MemberRole::kMember, 1).ok());
  }
  auto owner = members.Find(f.list_id, Address("amy@b.example"));
  REQUIRE(members.SetRole((*owner)->id, MemberRole::kOwner).ok());

  auto page = members.Page(f.list_id, {}, 1, 2);
  REQUIRE(page.ok());
  REQUIRE(page->size() == 2);
  // Domain first, then the local part: zed@a, then a_b@b, amy@b, axb@b.
  CHECK((*page)[0].address.local_part == "a_b");
  CHECK((*page)[1].address.local_part == "amy");
  REQUIRE(*members.CountMatching(f.list_id, {}) == 6);
  REQUIRE(members.Page(f.list_id, {}, 6, 10)->empty());

  storage::MemberSearch search;
  search.contains = "a_b";  // '_' is not LIKE's one-character wildcard here
  REQUIRE(*members.CountMatching(f.list_id, search) == 1);
  search.contains = "100%";
  REQUIRE(*members.CountMatching(f.list_id, search) == 1);
  search.contains = "\\%";  // the escape character itself is literal too
  REQUIRE(*members.CountMatching(f.list_id, search) == 0);
  search.contains = "Y@B.EX";  // across the '@', any ASCII case
  REQUIRE(*members.CountMatching(f.list_id, search) == 1);
  search.contains = "";
  search.filter.role = MemberRole::kOwner;
  auto owners = members.Page(f.list_id, search, 0, 10);
  REQUIRE(owners->size() == 1);
  CHECK((*owners)[0].address.local_part == "amy");
  search.filter.role.reset();
  search.filter.delivery = Delivery::kDisabledByUser;
  REQUIRE(*members.CountMatching(f.list_id, search) == 0);
}
