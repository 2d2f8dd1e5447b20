// SpoolRepository on a real SQLite file: posts are kept byte for byte and
// move through their states; Pending finds what a restart must resume;
// delivery batches come due, are rescheduled with what is left, and
// complete.
#include "storage/spool_repository.h"

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "storage/database.h"
#include "storage/list_repository.h"
#include "tests/support/temp_dir.h"

namespace {

using base::Status;
using storage::DeliveryBatch;
using storage::PostState;
using storage::SpooledPost;
using storage::SpoolRepository;

struct SpoolFixture {
  storage_test::TempDir dir;
  std::unique_ptr<storage::Database> db;
  int64_t list_id = 0;
  SpoolFixture() {
    auto opened = storage::Database::Open(dir.File("listd.db"));
    REQUIRE(opened.ok());
    db = std::move(opened).value();
    list_id = storage::ListRepository(*db)
                  .Create(*base::EmailAddress::Parse("discuss@example.org"), 1)
                  ->id;
  }
  SpooledPost Post(int64_t at) const {
    SpooledPost post;
    post.list_id = list_id;
    post.envelope_from = "joe@example.org";
    post.recipient = "discuss@example.org";
    // CRLF and a NUL byte: bytes are bytes.
    post.message = std::string("Subject: hi\r\n\r\nbody\0end\r\n", 26);
    post.received_at = at;
    return post;
  }
  DeliveryBatch Batch(int64_t post_id, int64_t due, std::vector<std::string> to) const {
    DeliveryBatch batch;
    batch.post_id = post_id;
    batch.message = "DKIM-Signature: v=1\r\n\r\nbody\r\n";
    batch.envelope_from = "discuss-bounces@example.org";
    batch.recipients = std::move(to);
    batch.next_attempt_at = due;
    return batch;
  }
};

}  // namespace

TEST_CASE("a spooled post is kept byte for byte and moves through its states", "[storage][spool]") {
  SpoolFixture f;
  SpoolRepository spool(*f.db);
  auto id = spool.Add(f.Post(100));
  REQUIRE(id.ok());

  auto found = spool.Find(*id);
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  const SpooledPost& post = **found;
  CHECK(post.id == *id);
  CHECK(post.list_id == f.list_id);
  CHECK(post.envelope_from == "joe@example.org");
  CHECK(post.recipient == "discuss@example.org");
  CHECK(post.message == f.Post(0).message);
  CHECK(post.message.size() == 26);
  CHECK(post.state == PostState::kReceived);
  CHECK(post.reason.empty());
  CHECK(post.received_at == 100);

  REQUIRE(spool.SetState(*id, PostState::kHeld, "not a member").ok());
  auto held = spool.Find(*id);
  CHECK((*held)->state == PostState::kHeld);
  CHECK((*held)->reason == "not a member");

  Status missing = spool.SetState(*id + 10, PostState::kProcessed, "");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.kind() == base::ErrorKind::kNotFound);
  CHECK(missing.error() == "post " + std::to_string(*id + 10) + " does not exist");
  CHECK_FALSE(spool.Find(*id + 10)->has_value());
}

TEST_CASE("a post for no list is spooled with list 0", "[storage][spool]") {
  SpoolFixture f;
  SpoolRepository spool(*f.db);
  SpooledPost post = f.Post(1);
  post.list_id = 0;
  auto id = spool.Add(post);
  REQUIRE(id.ok());
  CHECK((*spool.Find(*id))->list_id == 0);
}

TEST_CASE("Pending lists the received posts, oldest first", "[storage][spool]") {
  SpoolFixture f;
  SpoolRepository spool(*f.db);
  const int64_t first = *spool.Add(f.Post(1));
  const int64_t second = *spool.Add(f.Post(2));
  const int64_t third = *spool.Add(f.Post(3));
  REQUIRE(spool.SetState(second, PostState::kProcessed, "").ok());
  auto pending = spool.Pending();
  REQUIRE(pending.ok());
  CHECK(*pending == std::vector<int64_t>{first, third});

  // A post's list going away keeps the post (and its history).
  REQUIRE(storage::ListRepository(*f.db).Remove(f.list_id).ok());
  CHECK(spool.Pending()->size() == 2);
  CHECK((*spool.Find(first))->list_id == 0);
}

TEST_CASE("Pending by shard gives each list's posts to one worker, in order", "[storage][spool]") {
  // Hardening finding 13: --pipeline-workers n, worker k takes the lists
  // whose id is k modulo n; a post whose list is gone counts as list 0.
  SpoolFixture f;
  SpoolRepository spool(*f.db);
  storage::ListRepository lists(*f.db);
  const int64_t second_list = lists.Create(*base::EmailAddress::Parse("b@example.org"), 1)->id;
  const int64_t third_list = lists.Create(*base::EmailAddress::Parse("c@example.org"), 1)->id;
  auto post_for = [&](int64_t list_id, int64_t at) {
    SpooledPost post = f.Post(at);
    post.list_id = list_id;
    return *spool.Add(post);
  };
  const int64_t a1 = post_for(f.list_id, 1);
  const int64_t b1 = post_for(second_list, 2);
  const int64_t c1 = post_for(third_list, 3);
  const int64_t a2 = post_for(f.list_id, 4);
  const int64_t b2 = post_for(second_list, 5);
  REQUIRE(f.list_id % 2 == 1);  // ids 1, 2, 3: lists 1 and 3 share shard 1
  CHECK(*spool.Pending(1, 2) == std::vector<int64_t>{a1, c1, a2});
  CHECK(*spool.Pending(0, 2) == std::vector<int64_t>{b1, b2});
  CHECK(*spool.Pending(0, 1) == std::vector<int64_t>{a1, b1, c1, a2, b2});
  REQUIRE(lists.Remove(third_list).ok());
  CHECK(*spool.Pending(0, 2) == std::vector<int64_t>{b1, c1, b2});  // orphan: list 0
  CHECK(spool.Pending(2, 2).kind() == base::ErrorKind::kInvalid);
  CHECK_FALSE(spool.Pending(0, 0).ok());
}

TEST_CASE("batches come due oldest first, are rescheduled and complete", "[storage][spool]") {
  SpoolFixture f;
  SpoolRepository spool(*f.db);
  const int64_t post = *spool.Add(f.Post(1));
  auto late = spool.AddBatch(f.Batch(post, 300, {"c@example.net"}));
  auto early = spool.AddBatch(f.Batch(post, 100, {"a@example.com", "b@example.com"}));
  auto later = spool.AddBatch(f.Batch(post, 500, {"d@example.org"}));
  REQUIRE(late.ok());
  REQUIRE(early.ok());
  REQUIRE(later.ok());

  CHECK(spool.DueBatches(99, 10)->empty());
  auto due = spool.DueBatches(300, 10);
  REQUIRE(due.ok());
  REQUIRE(due->size() == 2);
  CHECK((*due)[0].id == *early);
  CHECK((*due)[0].post_id == post);
  CHECK((*due)[0].recipients == std::vector<std::string>{"a@example.com", "b@example.com"});
  CHECK((*due)[0].message == "DKIM-Signature: v=1\r\n\r\nbody\r\n");
  CHECK((*due)[0].envelope_from == "discuss-bounces@example.org");
  CHECK((*due)[0].attempts == 0);
  CHECK((*due)[1].id == *late);
  CHECK(spool.DueBatches(1000, 1)->size() == 1);

  // One recipient took it, the other deferred: retry later with what is left.
  REQUIRE(spool.Reschedule(*early, {"b@example.com"}, 400, "451 4.7.1 try later").ok());
  due = spool.DueBatches(300, 10);
  REQUIRE(due->size() == 1);
  CHECK((*due)[0].id == *late);
  due = spool.DueBatches(400, 10);
  REQUIRE(due->size() == 2);
  CHECK((*due)[0].id == *late);
  CHECK((*due)[1].id == *early);
  CHECK((*due)[1].recipients == std::vector<std::string>{"b@example.com"});
  CHECK((*due)[1].attempts == 1);
  CHECK((*due)[1].next_attempt_at == 400);
  CHECK((*due)[1].last_error == "451 4.7.1 try later");

  REQUIRE(spool.CompleteBatch(*early).ok());
  REQUIRE(spool.CompleteBatch(*late).ok());
  auto left = spool.DueBatches(1000, 10);
  REQUIRE(left->size() == 1);
  CHECK((*left)[0].id == *later);
  Status again = spool.CompleteBatch(*early);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error() == "delivery batch " + std::to_string(*early) + " does not exist");
  CHECK_FALSE(spool.Reschedule(*early, {"x@example.org"}, 1, "").ok());
}

TEST_CASE("batch recipients are one per line: line breaks and empties are refused",
          "[storage][spool]") {
  SpoolFixture f;
  SpoolRepository spool(*f.db);
  const int64_t post = *spool.Add(f.Post(1));
  auto injected = spool.AddBatch(f.Batch(post, 1, {"a@example.com\nb@example.com"}));
  REQUIRE_FALSE(injected.ok());
  CHECK(injected.error().find("line break") != std::string::npos);
  CHECK_FALSE(spool.AddBatch(f.Batch(post, 1, {"a@example.com\r"})).ok());
  CHECK_FALSE(spool.AddBatch(f.Batch(post, 1, {""})).ok());
  auto none = spool.AddBatch(f.Batch(post, 1, {}));
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().find("no recipients") != std::string::npos);

  const int64_t batch = *spool.AddBatch(f.Batch(post, 1, {"a@example.com"}));
  CHECK_FALSE(spool.Reschedule(batch, {}, 2, "x").ok());
  CHECK_FALSE(spool.Reschedule(batch, {"a@example.com\nx@evil.example"}, 2, "x").ok());
  auto due = spool.DueBatches(10, 10);
  REQUIRE(due->size() == 1);
  CHECK((*due)[0].recipients == std::vector<std::string>{"a@example.com"});
  CHECK((*due)[0].attempts == 0);
}

TEST_CASE("batches go with their post", "[storage][spool]") {
  SpoolFixture f;
  SpoolRepository spool(*f.db);
  const int64_t post = *spool.Add(f.Post(1));
  REQUIRE(spool.AddBatch(f.Batch(post, 1, {"a@example.com"})).ok());
  CHECK_FALSE(spool.AddBatch(f.Batch(post + 5, 1, {"a@example.com"})).ok());
  {
    storage::Transaction transaction(*f.db);
    auto remove = f.db->Prepare("DELETE FROM spool WHERE id = ?1");
    REQUIRE((*remove)->Bind(1, post).Run().ok());
    REQUIRE(transaction.Commit().ok());
  }
  CHECK(spool.DueBatches(10, 10)->empty());
}

TEST_CASE("a claimed batch is leased: not due again until the lease ends", "[storage][spool]") {
  SpoolFixture f;
  SpoolRepository spool(*f.db);
  const int64_t post = *spool.Add(f.Post(1));
  const int64_t first = *spool.AddBatch(f.Batch(post, 100, {"a@example.com"}));
  const int64_t second = *spool.AddBatch(f.Batch(post, 200, {"b@example.com"}));

  auto claimed = spool.ClaimDueBatches(150, 10, 1000);
  REQUIRE(claimed.ok());
  REQUIRE(claimed->size() == 1);
  CHECK((*claimed)[0].id == first);
  CHECK((*claimed)[0].next_attempt_at == 100);  // the lease is apart from the schedule
  // A second worker asking at the same moment gets nothing twice.
  CHECK(spool.ClaimDueBatches(150, 10, 1000)->empty());
  auto next = spool.ClaimDueBatches(999, 10, 2000);
  REQUIRE(next->size() == 1);
  CHECK((*next)[0].id == second);
  // The worker that claimed `first` died: once the lease runs out it is due.
  auto again = spool.ClaimDueBatches(1000, 10, 3000);
  REQUIRE(again->size() == 1);
  CHECK((*again)[0].id == first);
  // A failed attempt ends the lease: the batch is due at its retry time.
  REQUIRE(spool.Reschedule(first, {"a@example.com"}, 1100, "421 4.3.2 later").ok());
  CHECK(spool.ClaimDueBatches(1099, 10, 5000)->empty());
  CHECK(spool.ClaimDueBatches(1100, 10, 5000)->size() == 1);
}

TEST_CASE("a restarted daemon releases the leases a killed one left", "[storage][spool]") {
  SpoolFixture f;
  SpoolRepository spool(*f.db);
  const int64_t post = *spool.Add(f.Post(1));
  const int64_t batch = *spool.AddBatch(f.Batch(post, 100, {"a@example.com"}));
  REQUIRE(spool.ClaimDueBatches(100, 10, 10000)->size() == 1);
  CHECK(spool.ClaimDueBatches(200, 10, 10000)->empty());
  auto released = spool.ReleaseLeases();
  REQUIRE(released.ok());
  CHECK(*released == 1);
  auto due = spool.ClaimDueBatches(200, 10, 10000);
  REQUIRE(due->size() == 1);
  CHECK((*due)[0].id == batch);
  CHECK(*spool.ReleaseLeases() == 1);
  REQUIRE(spool.CompleteBatch(batch).ok());
  CHECK(*spool.ReleaseLeases() == 0);
}

TEST_CASE("a held post's message can be replaced by what the pipeline recorded",
          "[storage][spool]") {
  SpoolFixture f;
  SpoolRepository spool(*f.db);
  const int64_t post = *spool.Add(f.Post(1));
  REQUIRE(spool.ReplaceMessage(post, "Authentication-Results: x; dkim=none\r\n\r\nb\r\n").ok());
  CHECK(spool.Find(post)->value().message == "Authentication-Results: x; dkim=none\r\n\r\nb\r\n");
  CHECK_FALSE(spool.ReplaceMessage(post + 1, "x").ok());
}
