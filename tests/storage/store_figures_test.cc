// ReadStoreFigures on a real SQLite store: each family counts what the
// tables hold, a leased or parked batch is told apart from a queued one,
// and an empty store reads as zeros rather than failing.
#include "storage/store_figures.h"

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "tests/support/temp_dir.h"

namespace {

constexpr int64_t kNow = 1'800'000'000;

struct FiguresFixture {
  storage_test::TempDir dir;
  std::unique_ptr<storage::Store> store;
  int64_t list_id = 0;
  FiguresFixture() {
    storage::StoreOptions options;
    options.db_path = dir.File("listd.db");
    auto opened = storage::Store::Open(options);
    REQUIRE(opened.ok());
    store = std::move(*opened);
  }
  int64_t AddList(const std::string& address) {
    auto list = store->lists().Create(*base::EmailAddress::Parse(address), kNow);
    REQUIRE(list.ok());
    return list->id;
  }
  int64_t Spool(int64_t list) {
    storage::SpooledPost post;
    post.list_id = list;
    post.envelope_from = "jane@example.net";
    post.recipient = "demo@example.org";
    post.message = "Subject: hi\r\n\r\nhello\r\n";
    post.received_at = kNow;
    auto id = store->spool().Add(post);
    REQUIRE(id.ok());
    return *id;
  }
  int64_t Batch(int64_t post, int64_t queued_at) {
    storage::DeliveryBatch batch;
    batch.post_id = post;
    batch.message = "m";
    batch.envelope_from = "demo-bounces@example.org";
    batch.recipients = {"a@example.net"};
    batch.next_attempt_at = queued_at;
    batch.queued_at = queued_at;
    auto id = store->spool().AddBatch(batch);
    REQUIRE(id.ok());
    return *id;
  }
};

}  // namespace

TEST_CASE("an empty store reads as zeros", "[storage][figures]") {
  FiguresFixture f;
  auto figures = storage::ReadStoreFigures(*f.store, kNow);
  REQUIRE(figures.ok());
  CHECK(figures->lists == 0);
  CHECK(figures->members.empty());
  CHECK(figures->posts.empty());
  CHECK(figures->batches.empty());
  CHECK(figures->oldest_batch_age == 0);
}

TEST_CASE("store figures count lists, members by delivery and posts by state",
          "[storage][figures]") {
  FiguresFixture f;
  const int64_t demo = f.AddList("demo@example.org");
  f.AddList("other@example.org");
  for (const char* address : {"a@example.net", "b@example.net", "c@example.net"}) {
    REQUIRE(f.store->members()
                .Add(demo, *base::EmailAddress::Parse(address), storage::MemberRole::kMember, kNow)
                .ok());
  }
  auto c = f.store->members().Find(demo, *base::EmailAddress::Parse("c@example.net"));
  REQUIRE(c.ok());
  REQUIRE(c->has_value());
  REQUIRE(f.store->members().SetDelivery((*c)->id, storage::Delivery::kDisabledByBounce).ok());

  const int64_t held_post = f.Spool(demo);
  REQUIRE(f.store->spool().SetState(held_post, storage::PostState::kHeld, "moderated").ok());
  f.Spool(demo);  // stays "received"
  storage::HeldPost held;
  held.list_id = demo;
  held.post_id = held_post;
  held.reason = "moderated";
  held.held_at = kNow;
  REQUIRE(f.store->held().Add(held).ok());

  auto figures = storage::ReadStoreFigures(*f.store, kNow);
  REQUIRE(figures.ok());
  CHECK(figures->lists == 2);
  CHECK(figures->members["enabled"] == 2);
  CHECK(figures->members["disabled-by-bounce"] == 1);
  CHECK(figures->posts["held"] == 1);
  CHECK(figures->posts["received"] == 1);
  CHECK(figures->held["moderation"] == 1);
}

TEST_CASE("store figures tell queued, leased and parked batches apart", "[storage][figures]") {
  FiguresFixture f;
  const int64_t demo = f.AddList("demo@example.org");
  const int64_t post = f.Spool(demo);
  f.Batch(post, kNow - 600);
  f.Batch(post, kNow - 60);
  const int64_t refused = f.Batch(post, kNow - 7200);
  REQUIRE(f.store->spool().ParkBatch(refused, {"a@example.net"}, "554 no").ok());
  // A worker leases the due batches until kNow + 30.
  auto claimed = f.store->ClaimBatches(kNow, 1, kNow + 30);
  REQUIRE(claimed.ok());
  REQUIRE(claimed->size() == 1);

  auto figures = storage::ReadStoreFigures(*f.store, kNow);
  REQUIRE(figures.ok());
  CHECK(figures->batches["queued"] == 1);
  CHECK(figures->batches["leased"] == 1);
  CHECK(figures->batches["parked"] == 1);
  // The parked batch is older but stopped: the age is of the oldest that
  // delivery still owes.
  CHECK(figures->oldest_batch_age == 600);
  // Once the lease has run out, the batch counts as queued again.
  auto later = storage::ReadStoreFigures(*f.store, kNow + 31);
  REQUIRE(later.ok());
  CHECK(later->batches["queued"] == 2);
  CHECK(later->batches.count("leased") == 0);
}
