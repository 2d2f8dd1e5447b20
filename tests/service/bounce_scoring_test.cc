// Bounce scoring (listd/service/bounce_scoring.h) on a real store over
// injected days: one point per day at most, a stale score starts again,
// the threshold disables (or, with bounce_probe=on, makes a probe due), a
// member already disabled is scored but not disabled again, a temporary
// failure (RFC 3463 section 2: class 4, persistent transient) never
// scores, an address that is no member changes nothing. And the one path:
// a 550 at RCPT time (service/delivery_records.h) and a DSN (RFC 3464) for
// the same member on the same day count once.
#include <catch2/catch.hpp>

#include "listd/service/delivery_records.h"
#include "tests/service/bounce_fixture.h"

namespace {

using listd::service::FailureClass;
using listd::service::FailureEffect;
using namespace bounce_test;

}  // namespace

TEST_CASE("bounce scoring: a permanent failure adds one point, at most once a day",
          "[bounces][scoring]") {
  BounceFixture b;
  auto first = b.Fail(kAlice, kNow);
  CHECK(first.effect == FailureEffect::kScored);
  CHECK(first.score == 1);
  CHECK(b.Score(kAlice) == 1);
  CHECK(b.Info(kAlice).last_failure_at == kNow);
  CHECK(b.Info(kAlice).last_failure == "550 5.1.1 user unknown");
  // The same day, to the second before a day has passed: an event only.
  auto again = b.Fail(kAlice, kNow + kDay - 1);
  CHECK(again.effect == FailureEffect::kSameDay);
  CHECK(again.score == 1);
  CHECK(b.Score(kAlice) == 1);
  CHECK(b.Info(kAlice).last_failure_at == kNow);  // the day counts from the scored one
  CHECK(b.Actions(1) == std::vector<std::string>{"bounce.same_day"});
  auto next_day = b.Fail(kAlice, kNow + kDay);
  CHECK(next_day.effect == FailureEffect::kScored);
  CHECK(b.Score(kAlice) == 2);
  CHECK(b.Score(kBob) == 0);  // only the member who failed
  CHECK(b.Actions(1) == std::vector<std::string>{"bounce.score"});
}

TEST_CASE("bounce scoring: a score older than bounce_info_stale_after starts again from 0",
          "[bounces][scoring]") {
  BounceFixture b;
  b.Fail(kAlice, kNow);
  b.Fail(kAlice, kNow + kDay);
  b.Fail(kAlice, kNow + 2 * kDay);
  REQUIRE(b.Score(kAlice) == 3);
  // Exactly the stale time after the last failure: not yet stale.
  CHECK(b.Fail(kAlice, kNow + 2 * kDay + kWeek).score == 4);
  // More than a week (the default) after the last: a fresh start, one point.
  auto fresh = b.Fail(kAlice, kNow + 2 * kDay + 2 * kWeek + 1);
  CHECK(fresh.effect == FailureEffect::kScored);
  CHECK(fresh.score == 1);
  CHECK(b.Score(kAlice) == 1);

  b.f.Set({{"bounce_info_stale_after", "2d"}});
  b.Fail(kBob, kNow);
  CHECK(b.Fail(kBob, kNow + 2 * kDay).score == 2);
  CHECK(b.Fail(kBob, kNow + 4 * kDay + 1).score == 1);
}

TEST_CASE("bounce scoring: at bounce_score_threshold delivery is disabled by bounce",
          "[bounces][scoring]") {
  BounceFixture b;
  for (int day = 0; day < 4; ++day) {
    CHECK(b.Fail(kAlice, kNow + day * kDay).effect == FailureEffect::kScored);
  }
  CHECK(b.Delivery(kAlice) == storage::Delivery::kEnabled);
  const int64_t fifth = kNow + 4 * kDay;
  auto disabled = b.Fail(kAlice, fifth);  // the default threshold 5.0
  CHECK(disabled.effect == FailureEffect::kDisabled);
  CHECK(disabled.score == 5);
  CHECK(b.Delivery(kAlice) == storage::Delivery::kDisabledByBounce);
  const storage::BounceInfo info = b.Info(kAlice);
  CHECK(info.disabled_at == fifth);
  CHECK(info.last_failure_at == fifth);
  CHECK_FALSE(info.owners_told);
  CHECK(info.warnings_sent == 0);
  CHECK(b.HasEvent("bounce.disable"));
  CHECK(b.AllMails() == 0);  // scoring writes the store only; the chores mail

  SECTION("a threshold of 2.5 is reached by the third point") {
    b.f.Set({{"bounce_score_threshold", "2.5"}});
    b.Fail(kBob, kNow);
    CHECK(b.Fail(kBob, kNow + kDay).effect == FailureEffect::kScored);
    CHECK(b.Fail(kBob, kNow + 2 * kDay).effect == FailureEffect::kDisabled);
  }
}

TEST_CASE("bounce scoring: with bounce_probe=on the threshold makes a probe due instead",
          "[bounces][scoring]") {
  BounceFixture b;
  b.f.Set({{"bounce_probe", "on"}, {"bounce_score_threshold", "2"}});
  b.Fail(kAlice, kNow);
  auto due = b.Fail(kAlice, kNow + kDay);
  CHECK(due.effect == FailureEffect::kProbeDue);
  CHECK(b.Delivery(kAlice) == storage::Delivery::kEnabled);  // only the probe's bounce disables
  CHECK(b.Info(kAlice).probe == storage::ProbeState::kDue);
  CHECK(b.Info(kAlice).disabled_at == 0);
  CHECK(b.HasEvent("bounce.probe_due"));
  // A further failure keeps it due and still disables nothing.
  CHECK(b.Fail(kAlice, kNow + 2 * kDay).effect == FailureEffect::kProbeDue);
  CHECK(b.Delivery(kAlice) == storage::Delivery::kEnabled);
  CHECK(b.Info(kAlice).probe == storage::ProbeState::kDue);
}

TEST_CASE("bounce scoring: a member already disabled is scored, not disabled again",
          "[bounces][scoring]") {
  BounceFixture b;
  b.f.Set({{"bounce_score_threshold", "1"}});
  SECTION("disabled by themselves") {
    REQUIRE(b.f.store->members()
                .SetDelivery(b.Member(kAlice).id, storage::Delivery::kDisabledByUser)
                .ok());
    auto outcome = b.Fail(kAlice, kNow);
    CHECK(outcome.effect == FailureEffect::kScored);
    CHECK(outcome.score == 1);
    CHECK(b.Delivery(kAlice) == storage::Delivery::kDisabledByUser);
    CHECK(b.Info(kAlice).disabled_at == 0);  // no warnings will follow
    CHECK_FALSE(b.HasEvent("bounce.disable"));
  }
  SECTION("disabled by bounce: the warnings already running are not reset") {
    CHECK(b.Fail(kAlice, kNow).effect == FailureEffect::kDisabled);
    storage::BounceInfo info = b.Info(kAlice);
    info.warnings_sent = 2;
    info.last_warning_at = kNow + kWeek;
    REQUIRE(b.f.store->bounces().Put(info).ok());
    auto outcome = b.Fail(kAlice, kNow + 2 * kDay);
    CHECK(outcome.effect == FailureEffect::kScored);
    CHECK(outcome.score == 2);
    CHECK(b.Info(kAlice).disabled_at == kNow);
    CHECK(b.Info(kAlice).warnings_sent == 2);
    CHECK(b.Info(kAlice).last_warning_at == kNow + kWeek);
  }
}

TEST_CASE("bounce scoring: a temporary failure (RFC 3463 class 4) never scores",
          "[bounces][scoring]") {
  BounceFixture b;
  b.f.Set({{"bounce_score_threshold", "1"}});
  for (int day = 0; day < 10; ++day) {
    auto outcome = b.Fail(kAlice, kNow + day * kDay, FailureClass::kTemporary);
    CHECK(outcome.effect == FailureEffect::kTemporary);
    CHECK(outcome.score == 0);
  }
  CHECK(b.Score(kAlice) == 0);
  CHECK(b.Delivery(kAlice) == storage::Delivery::kEnabled);
  CHECK(b.Info(kAlice).last_failure_at == 0);
  CHECK(b.Actions(1) == std::vector<std::string>{"bounce.temporary"});
  // And it does not hide the next permanent one as "the same day".
  CHECK(b.Fail(kAlice, kNow + 9 * kDay).effect == FailureEffect::kDisabled);
}

TEST_CASE("bounce scoring: an address that is no member of the list changes nothing",
          "[bounces][scoring]") {
  BounceFixture b;
  const size_t events_before = b.Actions(500).size();
  auto outcome = b.Fail("stranger@example.com", kNow);
  CHECK(outcome.effect == FailureEffect::kNotAMember);
  CHECK(outcome.score == 0);
  CHECK(b.Actions(500).size() == events_before);
  auto lists = b.f.store->bounces().ListsWithWork();
  REQUIRE(lists.ok());
  CHECK(lists->empty());
}

TEST_CASE("bounce scoring: FailureLine is the status and diagnostic, bounded, never empty",
          "[bounces][scoring]") {
  listd::service::BounceRecipient r;
  r.status = "5.1.1";
  r.diagnostic = "user unknown";
  CHECK(listd::service::FailureLine(r) == "5.1.1 user unknown");
  r.diagnostic = std::string(1000, 'x');
  CHECK(listd::service::FailureLine(r).size() == listd::service::kMaxDiagnosticBytes);
  listd::service::BounceRecipient bare;
  CHECK(listd::service::FailureLine(bare) == "failed");
}

TEST_CASE(
    "bounce scoring: a 550 at RCPT time and a DSN (RFC 3464) for the same member on the same day "
    "score once",
    "[bounces][scoring][delivery]") {
  BounceFixture b;
  const int64_t post = b.f.SpoolPost(kNow, kPost);
  storage::DeliveryBatch batch;
  batch.post_id = post;
  batch.message = kPost;
  batch.envelope_from = "demo-bounces@lists.example.org";
  batch.recipients = {kAlice, kBob};
  batch.next_attempt_at = kNow;
  auto batch_id = b.f.store->spool().AddBatch(batch);
  REQUIRE(batch_id.ok());
  listd::service::DeliveryAttempt attempt;
  attempt.batch_id = *batch_id;
  attempt.post_id = post;
  attempt.bounced = {{kAlice, "550 5.1.1 <alice@example.net>: Recipient address rejected"}};
  REQUIRE(listd::service::RecordDeliveryAttempt(*b.f.store, "test", attempt, kNow).ok());
  CHECK(b.Score(kAlice) == 1);
  CHECK(b.Info(kAlice).last_failure == "550 5.1.1 <alice@example.net>: Recipient address rejected");
  CHECK(b.Score(kBob) == 0);

  // The relay's DSN for the same failure, an hour later.
  const std::string said = b.Take("demo-bounces", Dsn(kAlice), kNow + 3600);
  CHECK(Contains(said, "not scored again today"));
  CHECK(b.Score(kAlice) == 1);

  // A refusal the next day is a new failure: scored through the same path.
  attempt.bounced = {{kAlice, "550 5.1.1 still no such user"}};
  auto second = b.f.store->spool().AddBatch(batch);
  REQUIRE(second.ok());
  attempt.batch_id = *second;
  REQUIRE(listd::service::RecordDeliveryAttempt(*b.f.store, "test", attempt, kNow + kDay).ok());
  CHECK(b.Score(kAlice) == 2);
  CHECK(b.Info(kAlice).last_failure_at == kNow + kDay);
}

TEST_CASE("bounce scoring: RCPT-time refusals reach the threshold and disable like DSNs",
          "[bounces][scoring][delivery]") {
  BounceFixture b;
  b.f.Set({{"bounce_score_threshold", "2"}});
  const int64_t post = b.f.SpoolPost(kNow, kPost);
  for (int day = 0; day < 2; ++day) {
    storage::DeliveryBatch batch;
    batch.post_id = post;
    batch.message = kPost;
    batch.envelope_from = "demo-bounces@lists.example.org";
    batch.recipients = {kBob};
    batch.next_attempt_at = kNow;
    auto id = b.f.store->spool().AddBatch(batch);
    REQUIRE(id.ok());
    listd::service::DeliveryAttempt attempt;
    attempt.batch_id = *id;
    attempt.post_id = post;
    attempt.bounced = {{kBob, "550 5.1.1 no such user"}};
    REQUIRE(
        listd::service::RecordDeliveryAttempt(*b.f.store, "test", attempt, kNow + day * kDay).ok());
  }
  CHECK(b.Score(kBob) == 2);
  CHECK(b.Delivery(kBob) == storage::Delivery::kDisabledByBounce);
  CHECK(b.HasEvent("bounce.disable"));
}

TEST_CASE("bounce scoring: a score with no failure recorded beside it starts again from 0",
          "[bounces][scoring]") {
  // Before schema step 7 delivery added a point per refused recipient, with
  // no date and no daily limit: such a score says nothing of the last
  // days, and one failure must not disable on top of it.
  BounceFixture b;
  REQUIRE(b.f.store->members().SetBounceScore(b.Member(kAlice).id, 4.0).ok());
  auto outcome = b.Fail(kAlice, kNow);
  CHECK(outcome.effect == FailureEffect::kScored);
  CHECK(outcome.score == 1);
  CHECK(b.Delivery(kAlice) == storage::Delivery::kEnabled);
}
