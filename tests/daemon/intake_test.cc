// Intake, the LMTP server's handler: RFC 2033 section 4.2 replies (one per
// recipient after DATA, 2xx only once the post is in the spool), RFC 3463
// enhanced codes (5.1.1 for no such address), on a real store. Which
// addresses are a list's is tests/service/spool_test.cc's.
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "listd/daemon/intake.h"
#include "tests/support/list_fixture.h"
#include "tests/support/test_mail.h"

namespace {

using listd::daemon::Intake;
using namespace pipeline_test;

std::vector<int64_t> Pending(ListFixture& f) {
  auto pending = f.store->spool().Pending();
  REQUIRE(pending.ok());
  return *pending;
}

TEST_CASE(
    "intake: RFC 2033 section 4.1 with RFC 3463, RCPT of an unknown address is "
    "550 5.1.1",
    "[intake]") {
  ListFixture f;
  Intake intake(*f.store, nullptr, [] { return kNow; });
  const auto unknown = intake.CheckRecipient("jane@example.org", "nobody@lists.example.org");
  CHECK(unknown.code == 550);
  CHECK(unknown.enhanced == "5.1.1");
  CHECK_THAT(unknown.text, Catch::Contains("nobody@lists.example.org"));
  const auto known = intake.CheckRecipient("jane@example.org", "demo@lists.example.org");
  CHECK(known.code == 250);
  CHECK(known.enhanced == "2.1.5");
  CHECK(intake.CheckRecipient("", "demo-bounces+bob=example.org@lists.example.org").code == 250);
}

TEST_CASE(
    "intake: RFC 2033 section 4.2, DATA spools one row per recipient and answers each "
    "250 \"queued as post N\"",
    "[intake]") {
  ListFixture f;
  int woken = 0;
  size_t told = 0;
  Intake intake(
      *f.store,
      [&](size_t posts) {
        ++woken;
        told += posts;
      },
      [] { return kNow + 7; });
  listd::lmtp::Envelope envelope;
  envelope.mail_from = "jane@example.org";
  envelope.recipients = {"demo@lists.example.org", "demo-owner@lists.example.org"};
  const auto replies = intake.Deliver(envelope, kPost);
  REQUIRE(replies.size() == 2);
  CHECK(woken == 1);

  const std::vector<int64_t> pending = Pending(f);
  CHECK(told == pending.size());  // what /metrics counts as received
  REQUIRE(pending.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    INFO(i);
    CHECK(replies[i].code == 250);
    CHECK(replies[i].enhanced == "2.0.0");
    CHECK(replies[i].text == "queued as post " + std::to_string(pending[i]));
    auto post = f.store->spool().Find(pending[i]);
    REQUIRE(post.ok());
    REQUIRE(post->has_value());
    CHECK((*post)->list_id == f.list.id);
    CHECK((*post)->recipient == envelope.recipients[i]);
    CHECK((*post)->envelope_from == "jane@example.org");
    CHECK((*post)->message == kPost);
    CHECK((*post)->received_at == kNow + 7);
    CHECK((*post)->state == storage::PostState::kReceived);
  }
  CHECK(pending[0] != pending[1]);
}

TEST_CASE(
    "intake: RFC 2033 section 4.2, a DATA that cannot be spooled is 451 4.3.0 for "
    "every recipient and wakes no one",
    "[intake]") {
  ListFixture f;
  int woken = 0;
  Intake intake(
      *f.store, [&](size_t) { ++woken; }, [] { return kNow; });
  listd::lmtp::Envelope envelope;
  envelope.mail_from = "jane@example.org";
  // The list went away between RCPT and DATA.
  envelope.recipients = {"demo@lists.example.org", "gone@lists.example.org"};
  const auto replies = intake.Deliver(envelope, kPost);
  REQUIRE(replies.size() == 2);
  for (const auto& reply : replies) {
    CHECK(reply.code == 451);
    CHECK(reply.enhanced == "4.3.0");
  }
  CHECK(woken == 0);
  CHECK(Pending(f).empty());
}

TEST_CASE(
    "intake: RFC 2033 section 4.2, a list address given twice or in another case spools one "
    "post and answers every RCPT with it",
    "[intake]") {
  ListFixture f;
  int woken = 0;
  Intake intake(
      *f.store, [&](size_t) { ++woken; }, [] { return kNow; });
  listd::lmtp::Envelope envelope;
  envelope.mail_from = "jane@example.org";
  envelope.recipients = {"demo@lists.example.org", "DEMO@lists.example.org",
                         "demo-owner@lists.example.org", "demo@lists.example.org"};
  const auto replies = intake.Deliver(envelope, kPost);
  const std::vector<int64_t> pending = Pending(f);
  REQUIRE(pending.size() == 2);  // the post address and -owner: two addresses
  REQUIRE(replies.size() == 4);  // still one reply per RCPT
  for (const auto& reply : replies) CHECK(reply.code == 250);
  const std::string post = "queued as post " + std::to_string(pending[0]);
  CHECK(replies[0].text == post);
  CHECK(replies[1].text == post);
  CHECK(replies[3].text == post);
  CHECK(replies[2].text == "queued as post " + std::to_string(pending[1]));
  CHECK(woken == 1);
}

}  // namespace
