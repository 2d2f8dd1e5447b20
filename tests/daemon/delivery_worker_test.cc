// The delivery worker's bookkeeping, with a scripted fake Transport and a
// real store: RFC 5321 section 4.5.4.1 (back off, give up after days),
// section 4.2.5 (4yz transient, 5yz permanent: a bounce for the member),
// and a transport that answers for fewer recipients than it was given.
// The real SMTP transport has its own tests (tests/delivery).
#include <catch2/catch.hpp>
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "listd/daemon/delivery_worker.h"
#include "listd/delivery/transport.h"
#include "listd/pipeline/queue.h"
#include "listd/service/moderation.h"
#include "tests/support/list_fixture.h"
#include "tests/support/test_mail.h"

namespace {

using listd::daemon::DeliverBatch;
using listd::daemon::DeliveryOptions;
using listd::delivery::NextAttemptAt;
using listd::delivery::Outcome;
using listd::delivery::RecipientResult;
using listd::delivery::SendResult;
using namespace pipeline_test;

constexpr const char* kAlice = "alice@example.net";
constexpr const char* kBob = "bob@example.net";
constexpr const char* kCarol = "carol@example.net";

// A Transport that answers from a script: each recipient's reply code
// (250 unless scripted), optionally only for the first `answer_only`.
class ScriptedTransport : public listd::delivery::Transport {
 public:
  std::map<std::string, int> codes;
  std::optional<size_t> answer_only;
  std::string error;  // transaction-level problem to report
  // A refusal of the message (e.g. "554 5.7.1 content rejected" to the end
  // of data): every recipient not refused at RCPT gets it, as kRefused.
  std::string refuse_message;

  struct Call {
    std::string envelope_from;
    std::vector<std::string> recipients;
    std::string message;
  };
  std::vector<Call> calls;

  SendResult Send(const std::string& envelope_from, const std::vector<std::string>& recipients,
                  std::string_view message) override {
    calls.push_back({envelope_from, recipients, std::string(message)});
    SendResult result;
    result.error = error;
    for (const std::string& recipient : recipients) {
      if (answer_only && result.recipients.size() == *answer_only) break;
      RecipientResult r;
      r.recipient = recipient;
      auto it = codes.find(recipient);
      r.code = it == codes.end() ? 250 : it->second;
      r.outcome = r.code < 400   ? Outcome::kDelivered
                  : r.code < 500 ? Outcome::kTempFail
                                 : Outcome::kPermFail;
      r.reply = std::to_string(r.code) + (r.code == 250  ? " 2.0.0 ok"
                                          : r.code < 500 ? " 4.2.0 try later"
                                                         : " 5.1.1 no such user");
      if (!refuse_message.empty() && r.code == 250) {
        r.outcome = Outcome::kRefused;
        r.code = std::stoi(refuse_message.substr(0, 3));
        r.reply = refuse_message;
      }
      result.recipients.push_back(std::move(r));
    }
    return result;
  }
};

// A list with alice, bob and carol, one post and one batch for all three.
struct WorkerFixture {
  ListFixture f;
  ScriptedTransport transport;
  DeliveryOptions options;
  int64_t post = 0;

  // The post arrives at `received_at`; its batch is queued at `queued_at`
  // (later when the post waited for a moderator).
  explicit WorkerFixture(int64_t received_at = kNow, int64_t queued_at = kNow) {
    f.AddMembers({kAlice, kBob, kCarol});
    post = f.SpoolPost(received_at, kPost);
    auto queued = listd::pipeline::QueueForMembers(*f.store, post, f.Context(), kPost,
                                                   listd::pipeline::QueueOptions{100, queued_at});
    REQUIRE(queued.ok());
    REQUIRE(queued->batches == 1);
  }

  // Claims the one due batch at `now`, as a worker would.
  storage::DeliveryBatch Claim(int64_t now) {
    auto claimed = f.store->ClaimBatches(now, 10, now + options.lease_seconds);
    REQUIRE(claimed.ok());
    REQUIRE(claimed->size() == 1);
    return (*claimed)[0];
  }

  listd::daemon::BatchReport Deliver(int64_t now) {
    const storage::DeliveryBatch batch = Claim(now);
    auto report = DeliverBatch(*f.store, transport, batch, options, now);
    INFO((report.ok() ? std::string() : report.error()));
    REQUIRE(report.ok());
    return *report;
  }

  // Every batch still queued, whenever due.
  std::vector<storage::DeliveryBatch> Queue() {
    auto due = f.store->spool().DueBatches(INT64_MAX / 2, 100);
    REQUIRE(due.ok());
    return *due;
  }

  double BounceScore(const std::string& address) {
    auto member = f.store->members().Find(f.list.id, *base::EmailAddress::Parse(address));
    REQUIRE(member.ok());
    REQUIRE(member->has_value());
    return (*member)->bounce_score;
  }

  std::vector<storage::EventRecord> Bounces() {
    auto events = f.store->events().Recent(f.list.id, 100);
    REQUIRE(events.ok());
    std::vector<storage::EventRecord> out;
    for (const auto& e : *events) {
      if (e.action == "delivery.bounce") out.push_back(e);
    }
    return out;
  }
};

TEST_CASE("delivery: every recipient delivered completes the batch", "[delivery_worker]") {
  WorkerFixture w;
  const auto report = w.Deliver(kNow);
  CHECK(report.post_id == w.post);
  CHECK(report.delivered == 3);
  CHECK(report.deferred == 0);
  CHECK(report.bounced == 0);
  CHECK(report.error.empty());
  REQUIRE(w.transport.calls.size() == 1);
  CHECK(w.transport.calls[0].envelope_from == "demo-bounces@lists.example.org");
  CHECK(w.transport.calls[0].message == kPost);
  CHECK(w.transport.calls[0].recipients == std::vector<std::string>{kAlice, kBob, kCarol});
  CHECK(w.Queue().empty());
  CHECK(w.Bounces().empty());
}

TEST_CASE(
    "delivery: RFC 5321 section 4.2.5, a 550 is a bounce for that member, and the others "
    "are delivered",
    "[delivery_worker]") {
  WorkerFixture w;
  w.transport.codes[kBob] = 550;
  const auto report = w.Deliver(kNow + 1);
  CHECK(report.delivered == 2);
  CHECK(report.bounced == 1);
  CHECK(report.deferred == 0);
  CHECK(w.Queue().empty());  // nothing left to retry

  CHECK(w.BounceScore(kBob) == 1);
  CHECK(w.BounceScore(kAlice) == 0);
  CHECK(w.BounceScore(kCarol) == 0);
  const auto bounces = w.Bounces();
  REQUIRE(bounces.size() == 1);
  CHECK(bounces[0].at == kNow + 1);
  CHECK(bounces[0].actor == "listd");
  CHECK(bounces[0].list_id == w.f.list.id);
  CHECK_THAT(bounces[0].detail, Catch::Contains("<bob@example.net>"));
  CHECK_THAT(bounces[0].detail, Catch::Contains("550 5.1.1"));
  CHECK_THAT(bounces[0].detail, Catch::Contains("post " + std::to_string(w.post)));
}

TEST_CASE(
    "delivery: RFC 5321 section 4.5.4.1, 4xx recipients stay in the batch, due again "
    "per NextAttemptAt",
    "[delivery_worker]") {
  WorkerFixture w;
  w.transport.codes[kAlice] = 451;
  w.transport.codes[kCarol] = 421;
  const auto first = w.Deliver(kNow);
  CHECK(first.delivered == 1);
  CHECK(first.deferred == 2);
  CHECK(first.bounced == 0);

  auto queue = w.Queue();
  REQUIRE(queue.size() == 1);
  CHECK(queue[0].recipients == std::vector<std::string>{kAlice, kCarol});
  CHECK(queue[0].attempts == 1);
  CHECK(queue[0].next_attempt_at == NextAttemptAt(w.options.retry, 0, kNow));
  CHECK(queue[0].next_attempt_at == kNow + 60);
  CHECK_FALSE(queue[0].last_error.empty());
  // Not due before then.
  auto early = w.f.store->spool().ClaimDueBatches(kNow + 59, 10, kNow + 600);
  REQUIRE(early.ok());
  CHECK(early->empty());

  // The second failure waits twice as long.
  const int64_t second_at = kNow + 60;
  const auto second = w.Deliver(second_at);
  CHECK(second.deferred == 2);
  REQUIRE(w.transport.calls.size() == 2);
  CHECK(w.transport.calls[1].recipients == std::vector<std::string>{kAlice, kCarol});
  queue = w.Queue();
  REQUIRE(queue.size() == 1);
  CHECK(queue[0].attempts == 2);
  CHECK(queue[0].next_attempt_at == second_at + 120);

  // Then they get through, and the batch is done.
  w.transport.codes.clear();
  const auto third = w.Deliver(second_at + 120);
  CHECK(third.delivered == 2);
  CHECK(w.Queue().empty());
  CHECK(w.Bounces().empty());
  CHECK(w.BounceScore(kAlice) == 0);
}

TEST_CASE("delivery: a transaction-level error defers everyone and is kept as last_error",
          "[delivery_worker]") {
  WorkerFixture w;
  w.transport.error = "connection refused by 127.0.0.1:2525";
  w.transport.answer_only = 0;  // no per-recipient answers at all
  const auto report = w.Deliver(kNow);
  CHECK(report.deferred == 3);
  CHECK(report.error == "connection refused by 127.0.0.1:2525");
  const auto queue = w.Queue();
  REQUIRE(queue.size() == 1);
  CHECK(queue[0].recipients.size() == 3);
  CHECK(queue[0].last_error == "connection refused by 127.0.0.1:2525");
}

TEST_CASE(
    "delivery: RFC 5321 section 4.5.4.1, past give_up_after the deferred recipients "
    "bounce and the batch completes",
    "[delivery_worker]") {
  DeliveryOptions defaults;
  // Received and queued more than five days before the second attempt.
  const int64_t then = kNow - defaults.retry.give_up_after_seconds - 1;
  WorkerFixture w(then, then);
  w.transport.codes[kAlice] = 451;
  const auto first = w.Deliver(then);
  CHECK(first.delivered == 2);
  CHECK(first.deferred == 1);

  w.transport.codes[kBob] = 550;  // (bob is no longer in the batch)
  const auto report = w.Deliver(kNow);
  CHECK(report.delivered == 0);
  CHECK(report.deferred == 0);
  CHECK(report.bounced == 1);  // alice, given up on
  CHECK(w.Queue().empty());
  CHECK(w.BounceScore(kAlice) == 1);
  CHECK(w.BounceScore(kBob) == 0);
  CHECK(w.BounceScore(kCarol) == 0);
  const auto bounces = w.Bounces();
  REQUIRE(bounces.size() == 1);
  CHECK_THAT(bounces[0].detail, Catch::Contains("<alice@example.net>"));
  CHECK_THAT(bounces[0].detail, Catch::Contains("gave up after 2 attempts"));
}

TEST_CASE("delivery: past give_up_after a 5xx and a 4xx both bounce in the same attempt",
          "[delivery_worker]") {
  DeliveryOptions defaults;
  const int64_t then = kNow - defaults.retry.give_up_after_seconds - 1;
  WorkerFixture w(then, then);
  w.transport.codes[kAlice] = 451;
  w.Deliver(then);
  w.transport.codes[kCarol] = 550;
  // A second batch of the same post, for carol alone, queued as long ago.
  auto queued =
      listd::pipeline::QueueFor(*w.f.store, w.post, "demo-bounces@lists.example.org", {kCarol},
                                kPost, listd::pipeline::QueueOptions{100, then});
  REQUIRE(queued.ok());
  // Two batches are due now: alice's retry and carol's.
  auto claimed = w.f.store->spool().ClaimDueBatches(kNow, 10, kNow + 600);
  REQUIRE(claimed.ok());
  REQUIRE(claimed->size() == 2);
  size_t bounced = 0;
  for (const auto& batch : *claimed) {
    auto report = DeliverBatch(*w.f.store, w.transport, batch, w.options, kNow);
    REQUIRE(report.ok());
    bounced += report->bounced;
  }
  CHECK(bounced == 2);
  CHECK(w.Queue().empty());
  CHECK(w.BounceScore(kAlice) == 1);
  CHECK(w.BounceScore(kCarol) == 1);
}

// A post a moderator approves days after it arrived is queued only then;
// its batch has had no attempt, so the 4-5 days of retrying that section
// 4.5.4.1 asks for have not even begun: the age counts from the batch's
// queued_at, not from the post's received_at.
TEST_CASE(
    "delivery: RFC 5321 section 4.5.4.1, a batch first tried today is not given up on "
    "because its post was held for days",
    "[delivery_worker]") {
  DeliveryOptions defaults;
  WorkerFixture w(kNow - defaults.retry.give_up_after_seconds - 86400, kNow);
  w.transport.codes[kAlice] = 451;
  const auto report = w.Deliver(kNow);
  CHECK(report.delivered == 2);
  CHECK(report.deferred == 1);
  CHECK(report.bounced == 0);
  CHECK(w.BounceScore(kAlice) == 0);
  CHECK(w.Queue().size() == 1);
}

TEST_CASE("delivery: just inside give_up_after a 4xx is still retried", "[delivery_worker]") {
  DeliveryOptions defaults;
  const int64_t then = kNow - defaults.retry.give_up_after_seconds + 1;
  WorkerFixture w(then, then);
  w.transport.codes[kAlice] = 451;
  const auto report = w.Deliver(kNow);
  CHECK(report.deferred == 1);
  CHECK(report.bounced == 0);
  REQUIRE(w.Queue().size() == 1);
  CHECK(w.BounceScore(kAlice) == 0);
}

TEST_CASE("delivery: recipients a transport did not answer for are deferred, not lost",
          "[delivery_worker]") {
  WorkerFixture w;
  w.transport.answer_only = 1;  // alice only
  const auto report = w.Deliver(kNow);
  CHECK(report.delivered == 1);
  CHECK(report.deferred == 2);
  CHECK(report.bounced == 0);
  const auto queue = w.Queue();
  REQUIRE(queue.size() == 1);
  CHECK(queue[0].recipients == std::vector<std::string>{kBob, kCarol});
  CHECK(queue[0].attempts == 1);
}

TEST_CASE("delivery: a 5xx for an address that is no member is recorded, scoring no one",
          "[delivery_worker]") {
  WorkerFixture w;
  // A notice to an outside address, on the same post.
  auto queued = listd::pipeline::QueueFor(*w.f.store, w.post, "", {"stranger@example.com"}, kPost,
                                          listd::pipeline::QueueOptions{100, kNow + 10});
  REQUIRE(queued.ok());
  w.transport.codes["stranger@example.com"] = 554;
  // The members' batch first.
  w.Deliver(kNow);
  const auto report = w.Deliver(kNow + 10);
  CHECK(report.bounced == 1);
  CHECK(w.Queue().empty());
  const auto bounces = w.Bounces();
  REQUIRE(bounces.size() == 1);
  CHECK_THAT(bounces[0].detail, Catch::Contains("<stranger@example.com>"));
}

// Finding 5 of issue 10: a 554 to the end of data (RFC 5321 section
// 4.1.1.4) judges the message, not the 100 members it was for.
TEST_CASE(
    "delivery: a 554 at end of data scores no member and holds the post for the owners with "
    "the smarthost's reason",
    "[delivery_worker]") {
  WorkerFixture w;
  w.transport.refuse_message = "554 5.7.1 content rejected by policy";
  w.transport.error = "end of DATA: 554 5.7.1 content rejected by policy";
  const auto report = w.Deliver(kNow + 1);
  CHECK(report.refused == 3);
  CHECK(report.bounced == 0);
  CHECK(report.deferred == 0);
  CHECK(w.Queue().empty());  // parked: never due until an owner decides

  CHECK(w.BounceScore(kAlice) == 0);
  CHECK(w.BounceScore(kBob) == 0);
  CHECK(w.BounceScore(kCarol) == 0);
  CHECK(w.Bounces().empty());

  auto post = w.f.store->spool().Find(w.post);
  REQUIRE(post.ok());
  REQUIRE(post->has_value());
  CHECK((*post)->state == storage::PostState::kHeld);
  CHECK_THAT((*post)->reason, Catch::Contains("554 5.7.1 content rejected by policy"));
  auto held = w.f.store->held().ForList(w.f.list.id);
  REQUIRE(held.ok());
  REQUIRE(held->size() == 1);
  CHECK((*held)[0].kind == storage::HoldKind::kRefused);
  CHECK((*held)[0].post_id == w.post);
  CHECK_THAT((*held)[0].reason, Catch::Contains("554 5.7.1 content rejected by policy"));
  auto events = w.f.store->events().Recent(w.f.list.id, 100);
  REQUIRE(events.ok());
  int refusals = 0;
  for (const auto& e : *events) {
    if (e.action != "delivery.refused") continue;
    ++refusals;
    CHECK_THAT(e.detail, Catch::Contains("post " + std::to_string(w.post)));
    CHECK_THAT(e.detail, Catch::Contains("3 recipients"));
    CHECK_THAT(e.detail, Catch::Contains("554 5.7.1 content rejected by policy"));
  }
  CHECK(refusals == 1);
}

TEST_CASE(
    "delivery: an owner's release of a refused post sends to exactly the recipients refused, "
    "once",
    "[delivery_worker]") {
  WorkerFixture w;
  // Bob's mailbox takes it; the message is refused for alice and carol.
  w.transport.codes[kAlice] = 250;
  w.transport.codes[kCarol] = 250;
  w.transport.refuse_message = "550 5.7.1 sender refused";
  w.transport.codes[kBob] = 451;  // deferred at RCPT: parked with them
  w.Deliver(kNow + 1);
  CHECK(w.Queue().empty());
  auto held = w.f.store->held().ForList(w.f.list.id);
  REQUIRE(held.ok());
  REQUIRE(held->size() == 1);

  listd::service::ModerationService moderation(*w.f.store, listd::service::PostOptions{},
                                               [] { return kNow + 100; });
  AuthFixture auth;  // a refused post is released as it was signed: no key is read
  auto released = moderation.Approve((*held)[0].id, auth.keys, &auth.dns);
  REQUIRE(released.ok());
  CHECK(released->recipients == 3);
  const auto queue = w.Queue();
  REQUIRE(queue.size() == 1);
  CHECK(queue[0].next_attempt_at == kNow + 100);
  CHECK(queue[0].queued_at == kNow + 100);  // the give-up clock starts again
  std::vector<std::string> again = queue[0].recipients;
  std::sort(again.begin(), again.end());
  std::vector<std::string> expected = {kAlice, kBob, kCarol};
  std::sort(expected.begin(), expected.end());
  CHECK(again == expected);

  w.transport.refuse_message.clear();
  w.transport.codes.clear();
  w.transport.calls.clear();
  const auto report = w.Deliver(kNow + 100);
  CHECK(report.delivered == 3);
  CHECK(w.Queue().empty());
  REQUIRE(w.transport.calls.size() == 1);
  auto post = w.f.store->spool().Find(w.post);
  REQUIRE(post.ok());
  CHECK((*post)->state == storage::PostState::kProcessed);
  auto after = w.f.store->held().ForList(w.f.list.id);
  REQUIRE(after.ok());
  CHECK(after->empty());
}

TEST_CASE("delivery: discarding a refused post drops its parked batches and nothing else",
          "[delivery_worker]") {
  WorkerFixture w;
  w.transport.refuse_message = "554 5.7.1 content rejected by policy";
  w.Deliver(kNow + 1);
  auto held = w.f.store->held().ForList(w.f.list.id);
  REQUIRE(held.ok());
  REQUIRE(held->size() == 1);
  listd::service::ModerationService moderation(*w.f.store, listd::service::PostOptions{},
                                               [] { return kNow + 100; });
  auto dropped = moderation.Discard((*held)[0].id);
  REQUIRE(dropped.ok());
  CHECK(dropped->action == listd::service::PostAction::kDiscarded);
  CHECK(w.Queue().empty());
  auto released = w.f.store->spool().ReleaseParked(w.post, kNow + 200);
  REQUIRE(released.ok());
  CHECK(*released == 0);  // nothing left parked either
  auto post = w.f.store->spool().Find(w.post);
  REQUIRE(post.ok());
  CHECK((*post)->state == storage::PostState::kDiscarded);
}

TEST_CASE(
    "delivery: with the message refused, a recipient refused at RCPT still scores its own "
    "bounce",
    "[delivery_worker]") {
  WorkerFixture w;
  w.transport.codes[kBob] = 550;
  w.transport.refuse_message = "550 5.7.1 sender refused";
  const auto report = w.Deliver(kNow + 1);
  CHECK(report.refused == 2);
  CHECK(report.bounced == 1);
  CHECK(w.BounceScore(kBob) == 1);
  CHECK(w.BounceScore(kAlice) == 0);
  CHECK(w.BounceScore(kCarol) == 0);
}

}  // namespace
