// Bounce chores (listd/service/bounce_chores.h) over injected days on a
// real store, reading the mail they queue: the warnings (the first at
// disabling, the next after the interval, each signed, RFC 6376, with an
// enable address), the removal after the last, the owners' notices as the
// settings say, removal at once with 0 warnings, the daily digest of
// unrecognised bounces (each in exactly one), the probe from
// list-bounces+probe.TOKEN@ and an unanswered probe forgotten.
#include <catch2/catch.hpp>

#include "listd/service/confirmation_tokens.h"
#include "listd/service/member_service.h"
#include "tests/service/bounce_fixture.h"

namespace {

using listd::service::CheckToken;
using listd::service::TokenCheck;
using namespace bounce_test;

// Disables alice by bounces at `when` (threshold 1, one DSN).
void DisableAlice(BounceFixture& b, int64_t when) {
  b.f.Set({{"bounce_score_threshold", "1"}});
  b.Take("demo-bounces", Dsn(kAlice), when);
  REQUIRE(b.Delivery(kAlice) == storage::Delivery::kDisabledByBounce);
}

bool SubjectIs(const storage::DeliveryBatch& mail, const std::string& subject) {
  return Says(mail.message, "\r\nSubject: " + subject + "\r\n");
}

}  // namespace

TEST_CASE("bounce chores: warnings at disabling and every interval, then removal",
          "[bounces][chores]") {
  BounceFixture b;
  const int64_t t0 = kNow;
  DisableAlice(b, t0);

  auto first = b.Chores(t0);
  CHECK(first.warnings == 1);
  CHECK(first.owner_notices == 1);
  auto warnings = b.MailsTo(kAlice);
  REQUIRE(warnings.size() == 1);
  const std::string& w = warnings[0].message;
  CHECK(w.rfind("DKIM-Signature:", 0) == 0);  // signed like all list mail
  CHECK(warnings[0].envelope_from == "demo-bounces@lists.example.org");
  CHECK(SubjectIs(warnings[0], "Your delivery from demo@lists.example.org is disabled"));
  CHECK(Says(w, "This is warning 1 of 3."));
  CHECK(Says(w, "in 21 days"));
  CHECK(Contains(w, "demo-request@lists.example.org"));  // the `enable` command
  CHECK(Says(w, "5.1.1 550 5.1.1 mailbox says no"));
  CHECK(b.Info(kAlice).warnings_sent == 1);
  CHECK(b.Info(kAlice).owners_told);
  auto owner = b.MailsTo(kOwner);
  REQUIRE(owner.size() == 1);
  CHECK(
      SubjectIs(owner[0], "alice@example.net's delivery from demo@lists.example.org is disabled"));
  CHECK(Says(owner[0].message, "listctl member enable demo@lists.example.org alice@example.net"));

  // Nothing more until the interval (a week by default) has passed.
  CHECK(b.Chores(t0 + kDay).Total() == 0);
  CHECK(b.Chores(t0 + kWeek - 1).Total() == 0);
  CHECK(b.Chores(t0 + kWeek).warnings == 1);
  CHECK(Says(b.MailsTo(kAlice).back().message, "This is warning 2 of 3."));
  CHECK(Says(b.MailsTo(kAlice).back().message, "in 14 days"));
  CHECK(b.Chores(t0 + 2 * kWeek).warnings == 1);
  CHECK(Says(b.MailsTo(kAlice).back().message, "This is warning 3 of 3."));
  CHECK(b.MailsTo(kAlice).size() == 3);
  CHECK(b.MailsTo(kOwner).size() == 1);  // the owners are told once
  CHECK(b.IsMember(kAlice));

  // The interval after the last warning: removed, a goodbye, the owners told.
  CHECK(b.Chores(t0 + 3 * kWeek - 1).Total() == 0);
  auto removal = b.Chores(t0 + 3 * kWeek);
  CHECK(removal.removals == 1);
  CHECK(removal.owner_notices == 1);
  CHECK_FALSE(b.IsMember(kAlice));
  CHECK(b.IsMember(kBob));
  auto to_alice = b.MailsTo(kAlice);
  REQUIRE(to_alice.size() == 4);
  CHECK(SubjectIs(to_alice.back(), "You have been removed from demo@lists.example.org"));
  CHECK(to_alice.back().message.rfind("DKIM-Signature:", 0) == 0);
  auto to_owner = b.MailsTo(kOwner);
  REQUIRE(to_owner.size() == 2);
  CHECK(SubjectIs(to_owner.back(),
                  "alice@example.net was removed from demo@lists.example.org for bouncing"));
  CHECK(b.HasEvent("bounce.remove"));
  // Nothing is left to do.
  auto work = b.f.store->bounces().ListsWithWork();
  REQUIRE(work.ok());
  CHECK(work->empty());
  CHECK(b.Chores(t0 + 10 * kWeek).Total() == 0);
}

TEST_CASE("bounce chores: a warning's reply goes to its -confirm+TOKEN address, which enables",
          "[bounces][chores]") {
  BounceFixture b;
  DisableAlice(b, kNow);
  b.Chores(kNow);
  auto warnings = b.MailsTo(kAlice);
  REQUIRE(warnings.size() == 1);
  // The template says "reply to this message": RFC 5322 section 3.6.2,
  // a reply goes to Reply-To, so it must name the confirm address.
  CHECK(Contains(warnings[0].message, "\r\nReply-To: demo-confirm+"));
  const std::string token = BounceFixture::TokenAfter(warnings[0].message, "demo-confirm+");
  CHECK(Contains(warnings[0].message, "demo-confirm+" + token + "@lists.example.org"));
  auto checked = CheckToken(*b.f.store, token, b.f.list.id, kNow + 3 * kWeek);
  REQUIRE(checked.ok());
  REQUIRE(checked->check == TokenCheck::kValid);  // valid until the removal, and a day
  CHECK(checked->record.purpose == listd::service::kEnablePurpose);
  auto context = b.f.Context();
  auto enabled =
      b.service.EnableMember(context, BounceFixture::Address(kAlice), "confirm", kNow + kDay);
  REQUIRE(enabled.ok());
  CHECK(b.Delivery(kAlice) == storage::Delivery::kEnabled);
  // Enabling spends every enable token of the member.
  checked = CheckToken(*b.f.store, token, b.f.list.id, kNow + kDay + 1);
  REQUIRE(checked.ok());
  CHECK(checked->check == TokenCheck::kUsed);
  // No more warnings, no removal.
  CHECK(b.Chores(kNow + 4 * kWeek).Total() == 0);
  CHECK(b.IsMember(kAlice));
  CHECK(b.MailsTo(kAlice).size() == 1);
}

TEST_CASE(
    "bounce chores: bounce_notify_owner_on_disable and _on_removal off tell the owners "
    "nothing",
    "[bounces][chores]") {
  BounceFixture b;
  b.f.Set({{"bounce_notify_owner_on_disable", "off"},
           {"bounce_notify_owner_on_removal", "off"},
           {"bounce_you_are_disabled_warnings", "1"}});
  DisableAlice(b, kNow);
  auto first = b.Chores(kNow);
  CHECK(first.warnings == 1);
  CHECK(first.owner_notices == 0);
  auto removal = b.Chores(kNow + kWeek);
  CHECK(removal.removals == 1);
  CHECK(removal.owner_notices == 0);
  CHECK(b.MailsTo(kOwner).empty());
  CHECK_FALSE(b.IsMember(kAlice));
  CHECK(b.MailsTo(kAlice).size() == 2);  // the warning and the goodbye
}

TEST_CASE("bounce chores: with 0 warnings the member is removed at once", "[bounces][chores]") {
  BounceFixture b;
  b.f.Set({{"bounce_you_are_disabled_warnings", "0"}});
  DisableAlice(b, kNow);
  auto done = b.Chores(kNow);
  CHECK(done.warnings == 0);
  CHECK(done.removals == 1);
  CHECK(done.owner_notices == 2);  // disabled, and removed
  CHECK_FALSE(b.IsMember(kAlice));
  auto to_alice = b.MailsTo(kAlice);
  REQUIRE(to_alice.size() == 1);
  CHECK(SubjectIs(to_alice[0], "You have been removed from demo@lists.example.org"));
}

TEST_CASE("bounce chores: a member enabled again by hand is forgotten, a stale score zeroed",
          "[bounces][chores]") {
  BounceFixture b;
  DisableAlice(b, kNow);
  REQUIRE(b.f.store->members().SetDelivery(b.Member(kAlice).id, storage::Delivery::kEnabled).ok());
  b.f.Set({{"bounce_score_threshold", "5"}});
  b.Take("demo-bounces", Dsn(kBob), kNow);
  auto done = b.Chores(kNow + 60);
  CHECK(done.forgotten == 1);  // alice; bob's failure is fresh
  CHECK(done.warnings == 0);
  CHECK(b.Info(kAlice).disabled_at == 0);
  CHECK(b.Score(kAlice) == 0);
  CHECK(b.Score(kBob) == 1);
  auto later = b.Chores(kNow + kWeek + 1);  // bob's failure is stale now
  CHECK(later.forgotten == 1);
  CHECK(b.Score(kBob) == 0);
  CHECK(b.Info(kBob).last_failure_at == 0);
  CHECK(b.MailsTo(kAlice).empty());
  CHECK(b.MailsTo(kBob).empty());
}

TEST_CASE("bounce chores: one digest a day to the owners, each bounce in exactly one",
          "[bounces][chores][digest]") {
  BounceFixture b;
  b.Take("demo-bounces", Dsn("one@example.com"), kNow);
  b.Take("demo-bounces", Dsn("two@example.com"), kNow + 10);
  auto first = b.Chores(kNow + 60);
  CHECK(first.digests == 1);
  auto digests = b.MailsTo(kOwner);
  REQUIRE(digests.size() == 1);
  CHECK(SubjectIs(digests[0], "2 unrecognised bounces for demo@lists.example.org"));
  CHECK(Contains(digests[0].message, "one@example.com"));
  CHECK(Contains(digests[0].message, "two@example.com"));
  CHECK(digests[0].message.rfind("DKIM-Signature:", 0) == 0);
  CHECK(b.MailsTo(kAlice).empty());  // to the owners only

  // A third within the day waits for the next day's digest.
  b.Take("demo-bounces", Dsn("three@example.com"), kNow + 120);
  CHECK(b.Chores(kNow + 3600).digests == 0);
  CHECK(b.Chores(kNow + 60 + kDay - 1).digests == 0);
  CHECK(b.MailsTo(kOwner).size() == 1);
  CHECK(b.Chores(kNow + 60 + kDay).digests == 1);
  digests = b.MailsTo(kOwner);
  REQUIRE(digests.size() == 2);
  CHECK(SubjectIs(digests[1], "1 unrecognised bounces for demo@lists.example.org"));
  CHECK(Contains(digests[1].message, "three@example.com"));
  CHECK_FALSE(Contains(digests[1].message, "one@example.com"));
  CHECK_FALSE(Contains(digests[1].message, "two@example.com"));
  // Nothing new: no digest at all.
  CHECK(b.Chores(kNow + 60 + 3 * kDay).digests == 0);
  CHECK(b.MailsTo(kOwner).size() == 2);
}

TEST_CASE("bounce chores: waiting bounces are dropped unsent once forwarding is turned off",
          "[bounces][chores][digest]") {
  BounceFixture b;
  b.Take("demo-bounces", Dsn("one@example.com"), kNow);
  b.f.Set({{"forward_unrecognized_bounces", "off"}});
  CHECK(b.Chores(kNow + 60).digests == 0);
  CHECK(b.MailsTo(kOwner).empty());
  auto pending = b.f.store->bounces().Undigested(b.f.list.id, 10);
  REQUIRE(pending.ok());
  CHECK(pending->empty());
  CHECK(b.HasEvent("bounce.digest_dropped"));
}

TEST_CASE(
    "bounce chores: a due probe is sent from list-bounces+probe.TOKEN@, unanswered it is "
    "forgotten after pending_request_life",
    "[bounces][chores][probe]") {
  BounceFixture b;
  b.f.Set({{"bounce_probe", "on"}, {"bounce_score_threshold", "1"}});
  b.Take("demo-bounces", Dsn(kAlice), kNow);
  REQUIRE(b.Info(kAlice).probe == storage::ProbeState::kDue);
  const int64_t sent_at = kNow + 60;
  auto done = b.Chores(sent_at);
  CHECK(done.probes == 1);
  CHECK(done.warnings == 0);
  auto probes = b.MailsTo(kAlice);
  REQUIRE(probes.size() == 1);
  const std::string& envelope = probes[0].envelope_from;
  CHECK(envelope.rfind("demo-bounces+probe.", 0) == 0);
  CHECK(envelope.size() > std::string("demo-bounces+probe.@lists.example.org").size());
  CHECK(envelope.substr(envelope.size() - 18) == "@lists.example.org");
  CHECK(SubjectIs(probes[0], "A test of your address on demo@lists.example.org"));
  CHECK(probes[0].message.rfind("DKIM-Signature:", 0) == 0);
  const std::string token = BounceFixture::TokenAfter(envelope, "demo-bounces+probe.");
  auto checked = CheckToken(*b.f.store, token, b.f.list.id, sent_at);
  REQUIRE(checked.ok());
  CHECK(checked->check == TokenCheck::kValid);
  CHECK(checked->record.purpose == listd::service::kBounceProbePurpose);
  // The envelope reads back as that probe's bounce address.
  auto readings = listd::service::ClassifyLocalPart(envelope.substr(0, envelope.find('@')));
  REQUIRE_FALSE(readings.empty());
  CHECK(readings[0].probe_token == token);
  CHECK(b.Info(kAlice).probe == storage::ProbeState::kSent);
  CHECK(b.Info(kAlice).probe_sent_at == sent_at);

  // Sent once, and not again while it waits.
  CHECK(b.Chores(sent_at + kDay).probes == 0);
  CHECK(b.MailsTo(kAlice).size() == 1);
  // pending_request_life (three days by default) without its bounce: the
  // address works, the score is 0 again.
  CHECK(b.Chores(sent_at + 3 * kDay - 1).probes_unanswered == 0);
  auto forgotten = b.Chores(sent_at + 3 * kDay);
  CHECK(forgotten.probes_unanswered == 1);
  CHECK(b.Score(kAlice) == 0);
  CHECK(b.Info(kAlice).probe == storage::ProbeState::kNone);
  CHECK(b.Delivery(kAlice) == storage::Delivery::kEnabled);
  CHECK(b.MailsTo(kAlice).size() == 1);
}

TEST_CASE("bounce chores: a member disabled by bounce by hand is warned from then on",
          "[bounces][chores]") {
  BounceFixture b;
  b.Take("demo-bounces", Dsn(kAlice), kNow);  // a row, score 1, still enabled
  REQUIRE(b.f.store->members()
              .SetDelivery(b.Member(kAlice).id, storage::Delivery::kDisabledByBounce)
              .ok());
  const int64_t later = kNow + 2 * kDay;
  auto done = b.Chores(later);
  CHECK(done.warnings == 1);
  CHECK(b.Info(kAlice).disabled_at == later);
  CHECK(b.Info(kAlice).warnings_sent == 1);
  CHECK(b.Chores(later + kWeek).warnings == 1);
}

TEST_CASE("bounce chores: no probe is mailed to a member who disabled delivery themselves",
          "[bounces][chores][probe]") {
  BounceFixture b;
  b.f.Set({{"bounce_probe", "on"}, {"bounce_score_threshold", "1"}});
  b.Take("demo-bounces", Dsn(kAlice), kNow);
  REQUIRE(b.Info(kAlice).probe == storage::ProbeState::kDue);
  // Before the chores run, alice asks for no mail (or complains, with
  // complaint_action=disable): the list must send her none, and a probe's
  // bounce could not disable her anyway (bounce_service.h).
  REQUIRE(b.f.store->members()
              .SetDelivery(b.Member(kAlice).id, storage::Delivery::kDisabledByUser)
              .ok());
  CHECK(b.Chores(kNow + 60).probes == 0);
  CHECK(b.MailsTo(kAlice).empty());
  // Enabled again, the probe still due is sent.
  REQUIRE(b.f.store->members().SetDelivery(b.Member(kAlice).id, storage::Delivery::kEnabled).ok());
  CHECK(b.Chores(kNow + 120).probes == 1);
  CHECK(b.MailsTo(kAlice).size() == 1);
}

TEST_CASE(
    "bounce chores: a digest holds at most 500 bounces, the rest go in the next day's, to "
    "every owner",
    "[bounces][chores][digest]") {
  BounceFixture b;
  listd::service::MemberService members(*b.f.store, "test");
  REQUIRE(
      members
          .AddMembers(kListAddress, {"second-owner@example.net"}, storage::MemberRole::kOwner, kNow)
          .ok());
  for (int i = 1; i <= 501; ++i) {
    REQUIRE(b.f.store->bounces()
                .AddUnrecognized(b.f.list.id, 1000 + i, "bounce number " + std::to_string(i) + ".",
                                 kNow)
                .ok());
  }
  CHECK(b.Chores(kNow + 60).digests == 2);  // one mail to each owner
  auto first = b.MailsTo(kOwner);
  REQUIRE(first.size() == 1);
  CHECK(SubjectIs(first[0], "500 unrecognised bounces for demo@lists.example.org"));
  CHECK(Says(first[0].message, "bounce number 1."));
  CHECK(Says(first[0].message, "bounce number 500."));
  CHECK_FALSE(Says(first[0].message, "bounce number 501."));
  REQUIRE(b.MailsTo("second-owner@example.net").size() == 1);
  CHECK(b.Chores(kNow + 120).digests == 0);  // the day is not over
  CHECK(b.Chores(kNow + 60 + kDay).digests == 2);
  auto second = b.MailsTo(kOwner);
  REQUIRE(second.size() == 2);
  CHECK(SubjectIs(second[1], "1 unrecognised bounces for demo@lists.example.org"));
  CHECK(Says(second[1].message, "bounce number 501."));
  CHECK_FALSE(Says(second[1].message, "bounce number 1."));
  auto pending = b.f.store->bounces().Undigested(b.f.list.id, 1000);
  REQUIRE(pending.ok());
  CHECK(pending->empty());
}

TEST_CASE(
    "bounce chores: an admin's delivery=disabled-by-bounce gets the warnings and the removal "
    "too",
    "[bounces][chores]") {
  // Without bounce state the chores would never see the member: `listctl
  // member set ... delivery=disabled-by-bounce` must give them some.
  BounceFixture b;
  listd::service::MemberService members(*b.f.store, "listctl");
  listd::service::MemberOptions options;
  options.delivery = storage::Delivery::kDisabledByBounce;
  REQUIRE(members.SetMemberOptions("demo@lists.example.org", kAlice, options, kNow).ok());
  CHECK(b.Info(kAlice).disabled_at == kNow);
  auto done = b.Chores(kNow + 60);
  CHECK(done.warnings == 1);
  CHECK(b.MailsTo(kAlice).size() == 1);
}
