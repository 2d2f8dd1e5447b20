// HeldRepository on a real SQLite file: holds are added, listed per list
// (oldest first), found, removed, and go with their list.
#include "storage/held_repository.h"

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "storage/database.h"
#include "storage/list_repository.h"
#include "storage/spool_repository.h"
#include "tests/support/temp_dir.h"

namespace {

using base::Status;
using storage::HeldPost;
using storage::HeldRepository;

struct HeldFixture {
  storage_test::TempDir dir;
  std::unique_ptr<storage::Database> db;
  int64_t list_id = 0;
  int64_t other_list_id = 0;
  HeldFixture() {
    auto opened = storage::Database::Open(dir.File("listd.db"));
    REQUIRE(opened.ok());
    db = std::move(opened).value();
    storage::ListRepository lists(*db);
    list_id = lists.Create(*base::EmailAddress::Parse("discuss@example.org"), 1)->id;
    other_list_id = lists.Create(*base::EmailAddress::Parse("other@example.org"), 1)->id;
  }
  int64_t Spool(int64_t list) {
    storage::SpooledPost post;
    post.list_id = list;
    post.envelope_from = "stranger@example.net";
    post.recipient = "discuss@example.org";
    post.message = "Subject: buy\r\n\r\nnow\r\n";
    post.received_at = 5;
    return *storage::SpoolRepository(*db).Add(post);
  }
  HeldPost Hold(int64_t list, int64_t post, const std::string& reason, int64_t at) {
    HeldPost held;
    held.list_id = list;
    held.post_id = post;
    held.reason = reason;
    held.sender = "stranger@example.net";
    held.subject = "buy";
    held.held_at = at;
    return held;
  }
};

}  // namespace

TEST_CASE("held posts are added, listed oldest first, found and removed", "[storage][held]") {
  HeldFixture f;
  HeldRepository held(*f.db);
  const int64_t post1 = f.Spool(f.list_id);
  const int64_t post2 = f.Spool(f.list_id);
  const int64_t post3 = f.Spool(f.other_list_id);
  auto first = held.Add(f.Hold(f.list_id, post1, "not a member", 10));
  auto second = held.Add(f.Hold(f.list_id, post2, "too big", 11));
  auto elsewhere = held.Add(f.Hold(f.other_list_id, post3, "moderated", 12));
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  REQUIRE(elsewhere.ok());

  auto listed = held.ForList(f.list_id);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 2);
  CHECK((*listed)[0].id == *first);
  CHECK((*listed)[0].list_id == f.list_id);
  CHECK((*listed)[0].post_id == post1);
  CHECK((*listed)[0].reason == "not a member");
  CHECK((*listed)[0].sender == "stranger@example.net");
  CHECK((*listed)[0].subject == "buy");
  CHECK((*listed)[0].held_at == 10);
  CHECK((*listed)[1].id == *second);

  auto found = held.Find(*elsewhere);
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK((*found)->reason == "moderated");
  CHECK_FALSE(held.Find(*elsewhere + 10)->has_value());

  REQUIRE(held.Remove(*first).ok());
  CHECK(held.ForList(f.list_id)->size() == 1);
  Status again = held.Remove(*first);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error() == "held post " + std::to_string(*first) + " does not exist");
  // Releasing the hold leaves the spooled post for the caller to settle.
  CHECK(storage::SpoolRepository(*f.db).Find(post1)->has_value());
}

TEST_CASE("a hold needs a real list and post", "[storage][held]") {
  HeldFixture f;
  HeldRepository held(*f.db);
  const int64_t post = f.Spool(f.list_id);
  CHECK_FALSE(held.Add(f.Hold(f.list_id + 99, post, "x", 1)).ok());
  CHECK_FALSE(held.Add(f.Hold(f.list_id, post + 99, "x", 1)).ok());
}

TEST_CASE("removing a list removes its holds", "[storage][held]") {
  HeldFixture f;
  HeldRepository held(*f.db);
  REQUIRE(held.Add(f.Hold(f.list_id, f.Spool(f.list_id), "x", 1)).ok());
  REQUIRE(held.Add(f.Hold(f.other_list_id, f.Spool(f.other_list_id), "y", 1)).ok());
  REQUIRE(storage::ListRepository(*f.db).Remove(f.list_id).ok());
  CHECK(held.ForList(f.list_id)->empty());
  CHECK(held.ForList(f.other_list_id)->size() == 1);
}
