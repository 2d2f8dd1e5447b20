// BounceService (listd/service/bounce_service.h) on a real store, with
// bounce mails written here and read by the real parser: what each kind of
// returned mail does (an RFC 3464 DSN, a VERP bounce, an RFC 5965
// complaint under each complaint_action, a delayed DSN, an RFC 3834
// vacation reply, a bounce naming no member kept for the digest or
// discarded, another list's complaint, a probe's bounce), and Enable,
// RequestEnable and Listed.
#include <catch2/catch.hpp>

#include "listd/service/confirmation_tokens.h"
#include "tests/service/bounce_fixture.h"

namespace {

using listd::service::CheckToken;
using listd::service::TokenCheck;
using namespace bounce_test;

// Alice's score taken to `points` on consecutive days from kNow by DSNs
// to -bounces; returns the day after the last.
int64_t BounceDays(BounceFixture& b, int points) {
  for (int day = 0; day < points; ++day) b.Take("demo-bounces", Dsn(kAlice), kNow + day * kDay);
  return kNow + points * kDay;
}

std::vector<storage::UnrecognizedBounce> Undigested(BounceFixture& b) {
  auto pending = b.f.store->bounces().Undigested(b.f.list.id, 100);
  REQUIRE(pending.ok());
  return *pending;
}

}  // namespace

TEST_CASE("returned mail: an RFC 3464 DSN scores each permanently failed member it names",
          "[bounces][take]") {
  BounceFixture b;
  const std::string said = b.Take("demo-bounces", Dsn(kAlice), kNow);
  CHECK(said == "bounce: alice@example.net scored");
  CHECK(b.Score(kAlice) == 1);
  CHECK(b.Info(kAlice).last_failure == "5.1.1 550 5.1.1 mailbox says no");
  CHECK(b.Score(kBob) == 0);
  CHECK(Undigested(b).empty());
  CHECK(b.AllMails() == 0);  // a bounce is never answered (RFC 3464 section 2)

  // Two groups (RFC 3464 section 2.3), both members: both scored.
  b.Take("demo-bounces",
         Report("delivery-status", "message/delivery-status",
                "Reporting-MTA: dns; mx.example.net\n\n"
                "Final-Recipient: rfc822; alice@example.net\nAction: failed\nStatus: 5.1.1\n\n"
                "Final-Recipient: rfc822; bob@example.net\nAction: failed\nStatus: 5.2.1\n"),
         kNow + kDay);
  CHECK(b.Score(kAlice) == 2);
  CHECK(b.Score(kBob) == 1);
}

TEST_CASE("returned mail: a VERP bounce names the member whatever address the report gives",
          "[bounces][take]") {
  BounceFixture b;
  // Alice forwards to an address the list never heard of; the DSN names
  // that one, the envelope (list-bounces+alice=example.net@) names her.
  const std::string said =
      b.Take("demo-bounces+alice=example.net", Dsn("alice.old@forward.example.com"), kNow);
  CHECK(said == "bounce: alice@example.net scored");
  CHECK(b.Score(kAlice) == 1);
  // The VERP envelope decides alone: a DSN that names bob through
  // alice's VERP address scores alice, not bob.
  b.Take("demo-bounces+alice=example.net", Dsn(kBob), kNow + kDay);
  CHECK(b.Score(kAlice) == 2);
  CHECK(b.Score(kBob) == 0);
  CHECK(Undigested(b).empty());
}

TEST_CASE("returned mail: an RFC 3464 delayed DSN (status 4.x.x) changes no score",
          "[bounces][take]") {
  BounceFixture b;
  b.f.Set({{"bounce_score_threshold", "1"}});
  const std::string said = b.Take("demo-bounces", Dsn(kAlice, "delayed", "4.4.7"), kNow);
  CHECK(Contains(said, "no score changed"));
  b.Take("demo-bounces+alice=example.net", Dsn(kAlice, "delayed", "4.2.2"), kNow + kDay);
  CHECK(b.Score(kAlice) == 0);
  CHECK(b.Delivery(kAlice) == storage::Delivery::kEnabled);
  CHECK(b.Info(kAlice).last_failure_at == 0);
  CHECK(Undigested(b).empty());  // a delay is not unrecognised either
  CHECK(b.Actions(1) == std::vector<std::string>{"bounce.ignored"});
}

TEST_CASE("returned mail: an RFC 3834 vacation reply changes no score", "[bounces][take]") {
  BounceFixture b;
  b.f.Set({{"bounce_score_threshold", "1"}});
  const std::string said = b.Take("demo-bounces+alice=example.net", Vacation(kAlice), kNow);
  CHECK(Contains(said, "auto-reply"));
  CHECK(Contains(said, "no score changed"));
  CHECK(b.Score(kAlice) == 0);
  CHECK(b.Delivery(kAlice) == storage::Delivery::kEnabled);
  CHECK(Undigested(b).empty());
  CHECK(b.AllMails() == 0);  // RFC 3834 section 2: never answer an auto-reply
}

TEST_CASE(
    "returned mail: a bounce naming no member waits for the owners' digest, or is discarded "
    "with forward_unrecognized_bounces=off",
    "[bounces][take]") {
  BounceFixture b;
  SECTION("kept for the digest") {
    const std::string said = b.Take("demo-bounces", Dsn("stranger@example.com"), kNow);
    CHECK(Contains(said, "kept for the owners' digest"));
    CHECK(Contains(said, "stranger@example.com"));
    auto pending = Undigested(b);
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].received_at == kNow);
    CHECK(Contains(pending[0].summary, "MAILER-DAEMON@mx.example.net"));
    CHECK(Contains(pending[0].summary, "a bounce naming no member"));
    CHECK(b.Actions(1) == std::vector<std::string>{"bounce.unrecognized"});
    // Mail that is no bounce at all waits the same way.
    b.Take("demo-bounces",
           Crlf("From: someone@example.com\nTo: demo-bounces@lists.example.org\nSubject: hi\n\n"
                "Are you there?\n"),
           kNow + 1);
    CHECK(Undigested(b).size() == 2);
  }
  SECTION("discarded") {
    b.f.Set({{"forward_unrecognized_bounces", "off"}});
    const std::string said = b.Take("demo-bounces", Dsn("stranger@example.com"), kNow);
    CHECK(Contains(said, "discarded"));
    CHECK(Undigested(b).empty());
    CHECK(b.Actions(1) == std::vector<std::string>{"bounce.discarded"});
    auto work = b.f.store->bounces().ListsWithWork();
    REQUIRE(work.ok());
    CHECK(work->empty());
  }
  CHECK(b.Score(kAlice) == 0);
  CHECK(b.Score(kBob) == 0);
}

TEST_CASE("returned mail: an RFC 5965 complaint follows complaint_action, the member never mailed",
          "[bounces][take][complaint]") {
  BounceFixture b;
  SECTION("unsubscribe (the default): removed without a goodbye") {
    const std::string said = b.Take("demo-bounces", Arf("<Alice@Example.NET>"), kNow);
    CHECK(said == "complaint: alice@example.net unsubscribed");
    CHECK_FALSE(b.IsMember(kAlice));
    CHECK(b.IsMember(kBob));
    CHECK(b.HasEvent("complaint.unsubscribe"));
    CHECK(b.AllMails() == 0);
  }
  SECTION("disable: delivery disabled as the member's own wish, no bounce warnings follow") {
    b.f.Set({{"complaint_action", "disable"}});
    const std::string said = b.Take("demo-bounces", Arf(kAlice), kNow);
    CHECK(said == "complaint: alice@example.net disabled");
    CHECK(b.Delivery(kAlice) == storage::Delivery::kDisabledByUser);
    CHECK(b.HasEvent("complaint.disable"));
    CHECK(b.AllMails() == 0);
    b.Chores(kNow + kDay);
    CHECK(b.MailsTo(kAlice).empty());
  }
  SECTION("notify: the owners are told, the member stays and is not told") {
    b.f.Set({{"complaint_action", "notify"}});
    const std::string said = b.Take("demo-bounces", Arf(kAlice), kNow);
    CHECK(said == "complaint: alice@example.net, owners told");
    CHECK(b.Delivery(kAlice) == storage::Delivery::kEnabled);
    auto notices = b.MailsTo(kOwner);
    REQUIRE(notices.size() == 1);
    CHECK(Says(notices[0].message, "Subject: Spam complaint about demo@lists.example.org"));
    CHECK(Says(notices[0].message, "Feedback type: abuse."));
    CHECK(Contains(notices[0].message, "DKIM-Signature:"));
    CHECK(b.MailsTo(kAlice).empty());
    CHECK(b.Score(kAlice) == 0);  // a complaint is no bounce
  }
}

TEST_CASE(
    "returned mail: a complaint whose From is not authenticated changes no subscription and "
    "waits for the digest",
    "[bounces][take][complaint]") {
  // Anyone can write an RFC 5965 report naming any member; feedback loops
  // sign theirs (RFC 6376), so only a signed one may act.
  for (const char* action : {"unsubscribe", "disable", "notify"}) {
    INFO(action);
    BounceFixture b;
    b.f.Set({{"complaint_action", action}});
    const std::string said = b.Take("demo-bounces", Arf(kAlice), kNow, /*authenticated=*/false);
    CHECK(Contains(said, "not authenticated"));
    CHECK(b.IsMember(kAlice));
    CHECK(b.Delivery(kAlice) == storage::Delivery::kEnabled);
    CHECK(b.AllMails() == 0);  // not even the owners, until the digest
    CHECK(b.HasEvent("bounce.unrecognized"));
  }
}

TEST_CASE("returned mail: a complaint found by the VERP envelope, without Original-Rcpt-To",
          "[bounces][take][complaint]") {
  BounceFixture b;
  // RFC 5965 section 3.2: Original-Rcpt-To is optional.
  const std::string said = b.Take("demo-bounces+bob=example.net", Arf(""), kNow);
  CHECK(said == "complaint: bob@example.net unsubscribed");
  CHECK_FALSE(b.IsMember(kBob));
  CHECK(b.IsMember(kAlice));
}

TEST_CASE("returned mail: a complaint whose returned List-Id is another list's is not ours",
          "[bounces][take][complaint]") {
  BounceFixture b;
  // RFC 2919: the List-Id names the list whose mail was complained of.
  const std::string said =
      b.Take("demo-bounces", Arf(kAlice, "Other <other.lists.example.org>"), kNow);
  CHECK(Contains(said, "another list"));
  CHECK(b.IsMember(kAlice));
  CHECK(b.Delivery(kAlice) == storage::Delivery::kEnabled);
  CHECK(Undigested(b).size() == 1);
  // Our own List-Id in another case is ours (RFC 2919 section 3).
  CHECK(b.Take("demo-bounces", Arf(kAlice, "<DEMO.lists.example.org>"), kNow + 1) ==
        "complaint: alice@example.net unsubscribed");
}

TEST_CASE("returned mail: a complaint naming no member waits for the digest",
          "[bounces][take][complaint]") {
  BounceFixture b;
  const std::string said = b.Take("demo-bounces", Arf("stranger@example.com"), kNow);
  CHECK(Contains(said, "a complaint naming no member"));
  CHECK(Undigested(b).size() == 1);
  CHECK(b.IsMember(kAlice));
  CHECK(b.IsMember(kBob));
}

TEST_CASE("returned mail: only the probe's own bounce disables, a reply to it changes nothing",
          "[bounces][take][probe]") {
  BounceFixture b;
  b.f.Set({{"bounce_probe", "on"}, {"bounce_score_threshold", "2"}});
  const int64_t after = BounceDays(b, 2);
  CHECK(b.Info(kAlice).probe == storage::ProbeState::kDue);
  REQUIRE(b.Chores(after).probes == 1);
  auto probes = b.MailsTo(kAlice);
  REQUIRE(probes.size() == 1);
  const std::string token =
      BounceFixture::TokenAfter(probes[0].envelope_from, "demo-bounces+probe.");
  const std::string probe_address = "demo-bounces+probe." + token;
  CHECK(b.Delivery(kAlice) == storage::Delivery::kEnabled);

  // RFC 3834: a vacation reply to the probe says the mailbox is read.
  CHECK(Contains(b.Take(probe_address, Vacation(kAlice), after + 60), "nothing changed"));
  CHECK(b.Delivery(kAlice) == storage::Delivery::kEnabled);
  // RFC 3464 delayed: not yet an answer either.
  b.Take(probe_address, Dsn(kAlice, "delayed", "4.4.1"), after + 120);
  CHECK(b.Delivery(kAlice) == storage::Delivery::kEnabled);

  const std::string said = b.Take(probe_address, Dsn(kAlice), after + 3600);
  CHECK(said == "the probe of alice@example.net bounced: delivery disabled");
  CHECK(b.Delivery(kAlice) == storage::Delivery::kDisabledByBounce);
  CHECK(b.Info(kAlice).disabled_at == after + 3600);
  CHECK(b.Info(kAlice).probe == storage::ProbeState::kNone);
  // The token is spent: the same bounce again is no probe's.
  auto checked = CheckToken(*b.f.store, token, b.f.list.id, after + 7200);
  REQUIRE(checked.ok());
  CHECK(checked->check == TokenCheck::kUsed);
  CHECK(Contains(b.Take(probe_address, Dsn(kAlice), after + 7200), "not valid"));
}

TEST_CASE("returned mail: an unknown probe token disables nobody", "[bounces][take][probe]") {
  BounceFixture b;
  const std::string said = b.Take("demo-bounces+probe.AAAAAAAAAAAAAAAAAAAAAA", Dsn(kAlice), kNow);
  CHECK(Contains(said, "not valid"));
  CHECK(b.Delivery(kAlice) == storage::Delivery::kEnabled);
  CHECK(b.Score(kAlice) == 0);
}

TEST_CASE("enable: delivery enabled again, the score and bounce state forgotten",
          "[bounces][enable]") {
  BounceFixture b;
  b.f.Set({{"bounce_score_threshold", "1"}});
  b.Take("demo-bounces", Dsn(kAlice), kNow);
  REQUIRE(b.Delivery(kAlice) == storage::Delivery::kDisabledByBounce);
  auto enabled = b.service.Enable(kListAddress, BounceFixture::Address(kAlice), "listctl", kNow);
  REQUIRE(enabled.ok());
  CHECK(*enabled == "Delivery to alice@example.net from demo@lists.example.org is enabled again.");
  CHECK(b.Delivery(kAlice) == storage::Delivery::kEnabled);
  CHECK(b.Score(kAlice) == 0);
  CHECK(b.Info(kAlice).disabled_at == 0);
  CHECK(b.Info(kAlice).last_failure_at == 0);
  CHECK(b.HasEvent("member.enable"));
  auto stranger =
      b.service.Enable(kListAddress, BounceFixture::Address("x@example.com"), "listctl", kNow);
  REQUIRE_FALSE(stranger.ok());
  CHECK(stranger.kind() == base::ErrorKind::kNotFound);
}

TEST_CASE(
    "enable by mail: unproven, a disabled member is sent a confirmation, the answer says "
    "nothing of the roster",
    "[bounces][enable]") {
  BounceFixture b;
  b.f.Set({{"bounce_score_threshold", "1"}});
  b.Take("demo-bounces", Dsn(kAlice), kNow);
  auto context = b.f.Context();
  auto for_alice =
      b.service.RequestEnable(context, BounceFixture::Address(kAlice), false, 0, kNow + 60);
  auto for_bob = b.service.RequestEnable(context, BounceFixture::Address(kBob), false, 0, kNow);
  auto for_stranger = b.service.RequestEnable(
      context, BounceFixture::Address("stranger@example.com"), false, 0, kNow);
  REQUIRE(for_alice.ok());
  REQUIRE(for_bob.ok());
  REQUIRE(for_stranger.ok());
  std::string a = *for_alice, s = *for_stranger;
  a.replace(a.find(kAlice), std::string(kAlice).size(), "X");
  s.replace(s.find("stranger@example.com"), std::string("stranger@example.com").size(), "X");
  CHECK(a == s);
  CHECK(b.MailsTo(kBob).empty());  // enabled: nothing to confirm
  CHECK(b.MailsTo("stranger@example.com").empty());
  auto mails = b.MailsTo(kAlice);
  REQUIRE(mails.size() == 1);
  CHECK(Contains(mails[0].message, "Reply-To: demo-confirm+"));
  CHECK(b.Delivery(kAlice) == storage::Delivery::kDisabledByBounce);  // not yet
  // At most one an hour.
  REQUIRE(
      b.service.RequestEnable(context, BounceFixture::Address(kAlice), false, 0, kNow + 120).ok());
  CHECK(b.MailsTo(kAlice).size() == 1);
  // Proven (an authenticated From): enabled at once.
  auto proven =
      b.service.RequestEnable(context, BounceFixture::Address(kAlice), true, 0, kNow + 180);
  REQUIRE(proven.ok());
  CHECK(b.Delivery(kAlice) == storage::Delivery::kEnabled);
}

TEST_CASE("bounce ls: Listed shows the members with a score or bounce state", "[bounces][listed]") {
  BounceFixture b;
  b.Take("demo-bounces", Dsn(kBob), kNow);
  auto listed = b.service.Listed(kListAddress);
  REQUIRE(listed.ok());
  CHECK(listed->list == "demo@lists.example.org");
  REQUIRE(listed->members.size() == 1);
  CHECK(listed->members[0].member.address.ToString() == kBob);
  CHECK(listed->members[0].member.bounce_score == 1);
  CHECK(listed->members[0].info.last_failure_at == kNow);
  auto missing = b.service.Listed("nosuch@lists.example.org");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.kind() == base::ErrorKind::kNotFound);
}

TEST_CASE("returned mail: an unreadable mail to a probe's envelope is its bounce and disables",
          "[bounces][take][probe]") {
  BounceFixture b;
  b.f.Set({{"bounce_probe", "on"}, {"bounce_score_threshold", "1"}});
  b.Take("demo-bounces", Dsn(kAlice), kNow);
  REQUIRE(b.Chores(kNow + 60).probes == 1);
  const std::string token =
      BounceFixture::TokenAfter(b.MailsTo(kAlice).at(0).envelope_from, "demo-bounces+probe.");
  // Mail came back to the one-time envelope: whatever it says, the probe
  // did not arrive (the header's rule: a bounce or unreadable).
  const std::string said =
      b.Take("demo-bounces+probe." + token,
             Crlf("From: postmaster@example.net\nTo: demo-bounces@lists.example.org\n"
                  "Subject: returned\n\nYour message could not be handled.\n"),
             kNow + 120);
  CHECK(said == "the probe of alice@example.net bounced: delivery disabled");
  CHECK(b.Delivery(kAlice) == storage::Delivery::kDisabledByBounce);
  CHECK(b.Delivery(kBob) == storage::Delivery::kEnabled);
}

TEST_CASE(
    "returned mail: a VERP bounce for an address that is no longer a member waits for the "
    "digest",
    "[bounces][take]") {
  BounceFixture b;
  const std::string said = b.Take("demo-bounces+gone=example.org", Dsn("gone@example.org"), kNow);
  CHECK(Contains(said, "a bounce naming no member (gone@example.org)"));
  CHECK(Undigested(b).size() == 1);
  CHECK(b.Score(kAlice) == 0);
  CHECK(b.Score(kBob) == 0);
}

TEST_CASE("returned mail: Take joins the caller's transaction, so a rollback undoes the bounce",
          "[bounces][take]") {
  // The -bounces handler commits what a bounce did with the post's new
  // state: a crash between them must not leave one without the other.
  BounceFixture b;
  {
    storage::Transaction caller = b.f.store->Begin();
    REQUIRE(caller.begun().ok());
    b.Take("demo-bounces", Dsn(kAlice), kNow);
    b.Take("demo-bounces", Dsn("stranger@example.com"), kNow);
    CHECK(b.Score(kAlice) == 1);  // seen inside it
  }                               // not committed
  CHECK(b.Score(kAlice) == 0);
  CHECK(b.Info(kAlice).last_failure_at == 0);
  CHECK(Undigested(b).empty());
  CHECK_FALSE(b.HasEvent("bounce.score"));
  // Committed, it stays.
  storage::Transaction caller = b.f.store->Begin();
  b.Take("demo-bounces", Dsn(kAlice), kNow);
  REQUIRE(caller.Commit().ok());
  CHECK(b.Score(kAlice) == 1);
}
