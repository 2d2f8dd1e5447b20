// MemberRepository::Remove acts on one list only: an address subscribed to
// several lists leaves the one it is removed from and stays on the others.
// (A Remove that ignored the list id would unsubscribe a person from every
// list at once; the repository's own tests use a single list and cannot see
// it.) Real SQLite file in a temp dir.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "storage/database.h"
#include "storage/list_repository.h"
#include "storage/member_repository.h"
#include "tests/support/temp_dir.h"

namespace {

using storage::MemberRepository;
using storage::MemberRole;

base::EmailAddress Address(const std::string& text) { return *base::EmailAddress::Parse(text); }

struct TwoLists {
  storage_test::TempDir dir;
  std::unique_ptr<storage::Database> db;
  int64_t discuss = 0;
  int64_t announce = 0;
  TwoLists() {
    auto opened = storage::Database::Open(dir.File("listd.db"));
    REQUIRE(opened.ok());
    db = std::move(opened).value();
    auto a = storage::ListRepository(*db).Create(Address("discuss@example.org"), 1);
    auto b = storage::ListRepository(*db).Create(Address("announce@example.org"), 1);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    discuss = a->id;
    announce = b->id;
  }
  bool IsMember(int64_t list_id, const std::string& address) {
    auto found = MemberRepository(*db).Find(list_id, Address(address));
    REQUIRE(found.ok());
    return found->has_value();
  }
};

}  // namespace

TEST_CASE("member remove: removing an address from one list leaves it on every other list",
          "[storage][members]") {
  TwoLists f;
  MemberRepository members(*f.db);
  for (int64_t list : {f.discuss, f.announce}) {
    REQUIRE(*members.Add(list, Address("alice@example.net"), MemberRole::kMember, 10));
    REQUIRE(*members.Add(list, Address("bob@example.net"), MemberRole::kMember, 10));
  }

  auto removed = members.Remove(f.discuss, Address("alice@example.net"));
  REQUIRE(removed.ok());
  CHECK(*removed);
  CHECK_FALSE(f.IsMember(f.discuss, "alice@example.net"));
  CHECK(f.IsMember(f.announce, "alice@example.net"));
  CHECK(f.IsMember(f.discuss, "bob@example.net"));
  CHECK(*members.Count(f.discuss) == 1);
  CHECK(*members.Count(f.announce) == 2);

  // Gone from discuss already: a second remove there finds nothing and
  // still does not reach announce.
  auto again = members.Remove(f.discuss, Address("alice@example.net"));
  REQUIRE(again.ok());
  CHECK_FALSE(*again);
  CHECK(f.IsMember(f.announce, "alice@example.net"));
  CHECK(*members.Count(f.announce) == 2);
}

TEST_CASE("member remove: an address that is not on the given list is not removed elsewhere",
          "[storage][members]") {
  TwoLists f;
  MemberRepository members(*f.db);
  REQUIRE(*members.Add(f.announce, Address("carol@example.net"), MemberRole::kOwner, 10));
  auto removed = members.Remove(f.discuss, Address("carol@example.net"));
  REQUIRE(removed.ok());
  CHECK_FALSE(*removed);
  CHECK(f.IsMember(f.announce, "carol@example.net"));
}
