// Stage 7, queue: a post's copies as durable delivery batches on a real
// store. RFC 5321 section 4.5.3.1.8 (100 recipients a transaction, the
// default batch), RFC 6377 section 3.3 and RFC 2369 (the envelope sender
// is the list's -bounces address), delivery=disabled members skipped, and
// the caller's transaction deciding whether the batches exist at all.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "listd/pipeline/queue.h"
#include "storage/database.h"
#include "tests/support/list_fixture.h"
#include "tests/support/test_mail.h"

namespace {

using listd::pipeline::QueueFor;
using listd::pipeline::QueueForMembers;
using listd::pipeline::QueueOptions;
using namespace pipeline_test;

const std::string kSigned =
    "DKIM-Signature: v=1; a=ed25519-sha256; d=lists.example.org\r\n" + kPost;

// "m001@example.net" ... in address order.
std::vector<std::string> MemberAddresses(int count) {
  std::vector<std::string> out;
  for (int i = 1; i <= count; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "m%03d@example.net", i);
    out.emplace_back(name);
  }
  return out;
}

// Every batch in the queue at `now`, in queue order.
std::vector<storage::DeliveryBatch> AllBatches(storage::Store& store, int64_t now = kNow) {
  auto due = store.spool().DueBatches(now, 1000);
  REQUIRE(due.ok());
  return *due;
}

void Disable(ListFixture& f, const std::string& address, storage::Delivery delivery) {
  auto member = f.store->members().Find(f.list.id, *base::EmailAddress::Parse(address));
  REQUIRE(member.ok());
  REQUIRE(member->has_value());
  REQUIRE(f.store->members().SetDelivery((*member)->id, delivery).ok());
}

TEST_CASE(
    "queue: RFC 5321 section 4.5.3.1.8, 250 enabled members in batches of 100, "
    "disabled members skipped, the -bounces envelope of RFC 6377 section 3.3",
    "[queue]") {
  ListFixture f;
  const std::vector<std::string> all = MemberAddresses(253);
  f.AddMembers(all);
  const std::set<std::string> disabled = {"m007@example.net", "m100@example.net",
                                          "m253@example.net"};
  Disable(f, "m007@example.net", storage::Delivery::kDisabledByUser);
  Disable(f, "m100@example.net", storage::Delivery::kDisabledByBounce);
  Disable(f, "m253@example.net", storage::Delivery::kDisabledByUser);
  const int64_t post = f.SpoolPost(kNow, kPost);
  const auto list = f.Context();

  QueueOptions options;
  options.batch_size = 100;
  options.now = kNow;
  {
    storage::Transaction transaction = f.store->Begin();
    REQUIRE(transaction.begun().ok());
    auto queued = QueueForMembers(*f.store, post, list, kSigned, options);
    REQUIRE(queued.ok());
    CHECK(queued->recipients == 250);
    CHECK(queued->batches == 3);
    REQUIRE(transaction.Commit().ok());
  }

  const auto batches = AllBatches(*f.store);
  REQUIRE(batches.size() == 3);
  std::vector<size_t> sizes;
  std::vector<std::string> recipients;
  for (const storage::DeliveryBatch& batch : batches) {
    sizes.push_back(batch.recipients.size());
    recipients.insert(recipients.end(), batch.recipients.begin(), batch.recipients.end());
    CHECK(batch.post_id == post);
    CHECK(batch.envelope_from == "demo-bounces@lists.example.org");
    CHECK(batch.message == kSigned);  // byte for byte, every copy
    CHECK(batch.attempts == 0);
    CHECK(batch.next_attempt_at == kNow);
  }
  std::sort(sizes.begin(), sizes.end(), std::greater<>());
  CHECK(sizes == std::vector<size_t>{100, 100, 50});

  // Exactly the enabled members, each once.
  std::vector<std::string> expected;
  for (const std::string& address : all) {
    if (!disabled.count(address)) expected.push_back(address);
  }
  std::sort(recipients.begin(), recipients.end());
  CHECK(recipients == expected);

  // Due at once, not before.
  CHECK(AllBatches(*f.store, kNow - 1).empty());
}

TEST_CASE("queue: a list without enabled members queues nothing", "[queue]") {
  ListFixture f;
  f.AddMembers({"only@example.net"});
  Disable(f, "only@example.net", storage::Delivery::kDisabledByBounce);
  const int64_t post = f.SpoolPost(kNow, kPost);
  auto queued = QueueForMembers(*f.store, post, f.Context(), kSigned, QueueOptions{100, kNow});
  REQUIRE(queued.ok());
  CHECK(queued->recipients == 0);
  CHECK(queued->batches == 0);
  CHECK(AllBatches(*f.store).empty());
}

TEST_CASE("queue: a batch of exactly batch_size members is one batch, not one and an empty one",
          "[queue]") {
  ListFixture f;
  f.AddMembers(MemberAddresses(4));
  const int64_t post = f.SpoolPost(kNow, kPost);
  auto queued = QueueForMembers(*f.store, post, f.Context(), kSigned, QueueOptions{4, kNow});
  REQUIRE(queued.ok());
  CHECK(queued->batches == 1);
  const auto batches = AllBatches(*f.store);
  REQUIRE(batches.size() == 1);
  CHECK(batches[0].recipients.size() == 4);
}

TEST_CASE("queue: QueueFor, the given addresses with the given envelope", "[queue]") {
  ListFixture f;
  const int64_t post = f.SpoolPost(kNow, kPost);

  SECTION("no recipients: no batch") {
    auto queued = QueueFor(*f.store, post, "demo-bounces@lists.example.org", {}, kSigned,
                           QueueOptions{100, kNow});
    REQUIRE(queued.ok());
    CHECK(queued->recipients == 0);
    CHECK(queued->batches == 0);
    CHECK(AllBatches(*f.store).empty());
  }
  SECTION("RFC 5321 section 4.5.5: a notice with the null reverse-path, in batches") {
    auto queued = QueueFor(*f.store, post, "", {"a@example.net", "b@example.net", "c@example.net"},
                           kSigned, QueueOptions{2, kNow + 5});
    REQUIRE(queued.ok());
    CHECK(queued->recipients == 3);
    CHECK(queued->batches == 2);
    const auto batches = AllBatches(*f.store, kNow + 5);
    REQUIRE(batches.size() == 2);
    CHECK(batches[0].recipients == std::vector<std::string>{"a@example.net", "b@example.net"});
    CHECK(batches[1].recipients == std::vector<std::string>{"c@example.net"});
    for (const auto& batch : batches) {
      CHECK(batch.envelope_from.empty());
      CHECK(batch.next_attempt_at == kNow + 5);
    }
  }
}

TEST_CASE("queue: the batches belong to the caller's transaction, rolled back none exist",
          "[queue]") {
  ListFixture f;
  f.AddMembers(MemberAddresses(5));
  const int64_t post = f.SpoolPost(kNow, kPost);
  const auto list = f.Context();
  {
    storage::Transaction transaction = f.store->Begin();
    REQUIRE(transaction.begun().ok());
    auto queued = QueueForMembers(*f.store, post, list, kSigned, QueueOptions{2, kNow});
    REQUIRE(queued.ok());
    CHECK(queued->batches == 3);
    // Not committed: destroyed here, rolled back.
  }
  CHECK(AllBatches(*f.store).empty());
}

}  // namespace
