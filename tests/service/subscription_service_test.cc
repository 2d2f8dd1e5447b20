// The subscriber's life cycle (listd/service/subscription_service.h) on a
// real store: each policy, tokens (expired on an injected clock, used,
// another list's, malformed: confirmation_tokens.h), the anti-bombing
// limits, and the no-roster-probing rule (the same answer and the same
// mail whether or not the address is a member).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "listd/mime/footer_template.h"
#include "listd/service/confirmation_tokens.h"
#include "listd/service/list_service.h"
#include "listd/service/subscription_service.h"
#include "tests/support/list_fixture.h"
#include "tests/support/test_mail.h"

namespace {

using listd::service::Answer;
using listd::service::CheckToken;
using listd::service::Requester;
using listd::service::SubscriptionService;
using listd::service::TokenCheck;
using namespace pipeline_test;

constexpr int64_t kHour = 3600;

struct SubscriptionFixture {
  ListFixture f;
  SubscriptionService service{*f.store, listd::mime::BuiltInTemplatesDir(), "test"};

  explicit SubscriptionFixture(const std::string& policy = "confirm") {
    f.AddKey(RsaKey(), "demo-rsa");
    f.Set({{"subscription_policy", policy}});
  }

  Requester Who(const std::string& address, bool proven = false) {
    Requester who;
    auto parsed = base::EmailAddress::Parse(address);
    REQUIRE(parsed.ok());
    who.address = *parsed;
    who.proven = proven;
    return who;
  }

  // Every queued mail for `to` (the batches listd would deliver).
  std::vector<std::string> MailsTo(const std::string& to) {
    auto due = f.store->spool().DueBatches(INT64_MAX / 2, 100000);
    REQUIRE(due.ok());
    std::vector<std::string> found;
    for (const storage::DeliveryBatch& batch : *due) {
      for (const std::string& r : batch.recipients) {
        if (r == to) found.push_back(batch.message);
      }
    }
    return found;
  }

  bool IsMember(const std::string& address) {
    auto parsed = base::EmailAddress::Parse(address);
    auto found = f.store->members().Find(f.list.id, *parsed);
    REQUIRE(found.ok());
    return found->has_value();
  }

  // The token in the -confirm+TOKEN Reply-To of `mail`.
  static std::string TokenIn(const std::string& mail) {
    const std::string marker = "demo-confirm+";
    const size_t at = mail.find(marker);
    REQUIRE(at != std::string::npos);
    const size_t begin = at + marker.size();
    return mail.substr(begin, mail.find('@', begin) - begin);
  }

  // Confirms by `token` at `now`, as the -confirm+TOKEN handler does.
  listd::service::RequestAnswer ConfirmBy(const std::string& token, int64_t now) {
    auto checked = CheckToken(*f.store, token, f.list.id, now);
    REQUIRE(checked.ok());
    REQUIRE(checked->check == TokenCheck::kValid);
    auto context = f.Context();
    auto answer = service.Confirm(context, token, checked->record, 0, now);
    REQUIRE(answer.ok());
    return *answer;
  }
};

TEST_CASE("subscriptions: confirm policy mails a signed confirmation, its token joins once",
          "[subscriptions]") {
  SubscriptionFixture s;
  auto context = s.f.Context();
  auto asked = s.service.RequestJoin(context, s.Who("bob@example.net"), kNow);
  REQUIRE(asked.ok());
  CHECK(asked->answer == Answer::kConfirmationSent);
  CHECK_FALSE(s.IsMember("bob@example.net"));
  auto mails = s.MailsTo("bob@example.net");
  REQUIRE(mails.size() == 1);
  // RFC 6376: signed by the list; RFC 3834 section 5: automatic.
  CHECK(mails[0].rfind("DKIM-Signature:", 0) == 0);
  CHECK(mails[0].find("Auto-Submitted: auto-generated") != std::string::npos);
  CHECK(mails[0].find("Reply-To: demo-confirm+") != std::string::npos);
  const std::string token = SubscriptionFixture::TokenIn(mails[0]);
  CHECK(token.size() == 22);  // 128 bits, base64url

  auto joined = s.ConfirmBy(token, kNow + 60);
  CHECK(joined.answer == Answer::kJoined);
  CHECK(s.IsMember("bob@example.net"));
  CHECK(s.MailsTo("bob@example.net").size() == 2);  // and the welcome

  auto again = CheckToken(*s.f.store, token, s.f.list.id, kNow + 120);
  REQUIRE(again.ok());
  CHECK(again->check == TokenCheck::kUsed);
}

TEST_CASE("subscriptions: an expired, another list's or a malformed token changes nothing",
          "[subscriptions]") {
  SubscriptionFixture s;
  auto context = s.f.Context();
  REQUIRE(s.service.RequestJoin(context, s.Who("bob@example.net"), kNow).ok());
  const std::string token = SubscriptionFixture::TokenIn(s.MailsTo("bob@example.net")[0]);

  // pending_request_life defaults to three days.
  auto expired = CheckToken(*s.f.store, token, s.f.list.id, kNow + 3 * 24 * kHour);
  REQUIRE(expired.ok());
  CHECK(expired->check == TokenCheck::kExpired);
  CHECK(expired->problem.find("expired") != std::string::npos);
  auto still = CheckToken(*s.f.store, token, s.f.list.id, kNow + 3 * 24 * kHour - 1);
  REQUIRE(still.ok());
  CHECK(still->check == TokenCheck::kValid);

  auto other = CheckToken(*s.f.store, token, s.f.list.id + 1, kNow);
  REQUIRE(other.ok());
  CHECK(other->check == TokenCheck::kOtherList);

  for (const std::string bad : {"", "short", "has spaces in it, many of them", "<script>x"}) {
    auto malformed = CheckToken(*s.f.store, bad, s.f.list.id, kNow);
    REQUIRE(malformed.ok());
    CHECK(malformed->check == TokenCheck::kMalformed);
  }
  auto unknown = CheckToken(*s.f.store, storage::NewToken(), s.f.list.id, kNow);
  REQUIRE(unknown.ok());
  CHECK(unknown->check == TokenCheck::kUnknown);
  CHECK_FALSE(s.IsMember("bob@example.net"));
}

TEST_CASE("subscriptions: no roster probing, the same answer and mail for a member",
          "[subscriptions]") {
  SubscriptionFixture s;
  s.f.AddMembers({"member@example.net"});
  auto context = s.f.Context();
  auto for_member = s.service.RequestJoin(context, s.Who("member@example.net"), kNow);
  auto for_stranger = s.service.RequestJoin(context, s.Who("stranger@example.net"), kNow);
  REQUIRE(for_member.ok());
  REQUIRE(for_stranger.ok());
  CHECK(for_member->answer == for_stranger->answer);
  std::string member_text = for_member->text, stranger_text = for_stranger->text;
  member_text.replace(member_text.find("member@"), 7, "X@");
  stranger_text.replace(stranger_text.find("stranger@"), 9, "X@");
  CHECK(member_text == stranger_text);
  CHECK(s.MailsTo("member@example.net").size() == 1);
  CHECK(s.MailsTo("stranger@example.net").size() == 1);

  // A leave asked without proof: a non-member's looks like a member's.
  auto leave_member = s.service.RequestLeave(context, s.Who("member@example.net"), kNow);
  auto leave_stranger = s.service.RequestLeave(context, s.Who("nobody@example.net"), kNow);
  REQUIRE(leave_member.ok());
  REQUIRE(leave_stranger.ok());
  CHECK(leave_member->answer == leave_stranger->answer);
  CHECK(s.MailsTo("nobody@example.net").empty());
}

TEST_CASE("subscriptions: a repeat within the hour mails nothing, after it, a fresh token",
          "[subscriptions]") {
  SubscriptionFixture s;
  auto context = s.f.Context();
  for (int i = 0; i < 50; ++i) {
    auto asked = s.service.RequestJoin(context, s.Who("bob@example.net"), kNow + i);
    REQUIRE(asked.ok());
    CHECK(asked->answer == Answer::kConfirmationSent);
  }
  auto first = s.MailsTo("bob@example.net");
  REQUIRE(first.size() == 1);
  const std::string old_token = SubscriptionFixture::TokenIn(first[0]);
  REQUIRE(s.service.RequestJoin(context, s.Who("bob@example.net"), kNow + kHour + 1).ok());
  auto mails = s.MailsTo("bob@example.net");
  REQUIRE(mails.size() == 2);
  // The earlier token no longer works: one request, one live token.
  auto old = CheckToken(*s.f.store, old_token, s.f.list.id, kNow + kHour + 2);
  REQUIRE(old.ok());
  CHECK(old->check == TokenCheck::kUsed);
  CHECK(s.ConfirmBy(SubscriptionFixture::TokenIn(mails[1]), kNow + kHour + 3).answer ==
        Answer::kJoined);
}

TEST_CASE("subscriptions: confirmations_per_hour caps a list's confirmation mails",
          "[subscriptions]") {
  SubscriptionFixture s;
  s.f.Set({{"confirmations_per_hour", "5"}});
  auto context = s.f.Context();
  int sent = 0, throttled = 0;
  for (int i = 0; i < 8; ++i) {
    auto asked =
        s.service.RequestJoin(context, s.Who("u" + std::to_string(i) + "@example.net"), kNow);
    REQUIRE(asked.ok());
    if (asked->answer == Answer::kConfirmationSent) ++sent;
    if (asked->answer == Answer::kThrottled) ++throttled;
  }
  CHECK(sent == 5);
  CHECK(throttled == 3);
  CHECK(s.MailsTo("u7@example.net").empty());
  // An hour on, the cap has room again.
  auto later = s.service.RequestJoin(context, s.Who("u7@example.net"), kNow + kHour);
  REQUIRE(later.ok());
  CHECK(later->answer == Answer::kConfirmationSent);
}

TEST_CASE("subscriptions: the site cap holds over every list", "[subscriptions]") {
  ListFixture f;
  f.AddKey(RsaKey(), "demo-rsa");
  listd::service::SubscriptionLimits limits;
  limits.site_per_hour = 2;
  SubscriptionService service(*f.store, listd::mime::BuiltInTemplatesDir(), "test", limits);
  auto context = f.Context();
  std::vector<Answer> answers;
  for (const char* who : {"a@example.net", "b@example.net", "c@example.net"}) {
    Requester r;
    r.address = *base::EmailAddress::Parse(who);
    auto asked = service.RequestJoin(context, r, kNow);
    REQUIRE(asked.ok());
    answers.push_back(asked->answer);
  }
  CHECK(answers == std::vector<Answer>{Answer::kConfirmationSent, Answer::kConfirmationSent,
                                       Answer::kThrottled});
}

TEST_CASE("subscriptions: open policy joins a proven address at once, else confirms",
          "[subscriptions]") {
  SubscriptionFixture s("open");
  auto context = s.f.Context();
  auto proven = s.service.RequestJoin(context, s.Who("bob@example.net", true), kNow);
  REQUIRE(proven.ok());
  CHECK(proven->answer == Answer::kJoined);
  CHECK(s.IsMember("bob@example.net"));
  auto unproven = s.service.RequestJoin(context, s.Who("eve@example.net", false), kNow);
  REQUIRE(unproven.ok());
  CHECK(unproven->answer == Answer::kConfirmationSent);
  CHECK_FALSE(s.IsMember("eve@example.net"));
}

TEST_CASE("subscriptions: moderate policy waits for a moderator, approve joins, reject tells",
          "[subscriptions]") {
  SubscriptionFixture s("moderate");
  auto context = s.f.Context();
  REQUIRE(s.f.store->members()
              .Add(s.f.list.id, *base::EmailAddress::Parse("mod@example.net"),
                   storage::MemberRole::kModerator, kNow)
              .ok());
  auto asked = s.service.RequestJoin(context, s.Who("bob@example.net"), kNow);
  REQUIRE(asked.ok());
  CHECK(asked->answer == Answer::kAwaitingModerator);
  CHECK(s.MailsTo("mod@example.net").size() == 1);
  CHECK(s.MailsTo("bob@example.net").empty());
  auto pending = s.service.Pending(kListAddress);
  REQUIRE(pending.ok());
  REQUIRE(pending->size() == 1);
  auto approved = s.service.Approve((*pending)[0].request.id, 0, kNow + 10);
  REQUIRE(approved.ok());
  CHECK(approved->answer == Answer::kJoined);
  CHECK(s.IsMember("bob@example.net"));
  // The moderator's token for it is spent.
  auto token = CheckToken(*s.f.store, SubscriptionFixture::TokenIn(s.MailsTo("mod@example.net")[0]),
                          s.f.list.id, kNow + 20);
  REQUIRE(token.ok());
  CHECK(token->check == TokenCheck::kUsed);

  REQUIRE(s.service.RequestJoin(context, s.Who("eve@example.net"), kNow).ok());
  pending = s.service.Pending(kListAddress);
  REQUIRE(pending->size() == 1);
  auto rejected = s.service.Reject((*pending)[0].request.id, "not on the team", 0, kNow);
  REQUIRE(rejected.ok());
  CHECK_FALSE(s.IsMember("eve@example.net"));
  auto told = s.MailsTo("eve@example.net");
  REQUIRE(told.size() == 1);
  CHECK(told[0].find("not on the team") != std::string::npos);
  auto again = s.service.Approve((*pending)[0].request.id, 0, kNow);
  REQUIRE_FALSE(again.ok());
  CHECK(again.failure().kind == base::ErrorKind::kNotFound);
}

TEST_CASE("subscriptions: confirm_then_moderate asks the moderators after the confirmation",
          "[subscriptions]") {
  SubscriptionFixture s("confirm_then_moderate");
  REQUIRE(s.f.store->members()
              .Add(s.f.list.id, *base::EmailAddress::Parse("mod@example.net"),
                   storage::MemberRole::kOwner, kNow)
              .ok());
  auto context = s.f.Context();
  REQUIRE(s.service.RequestJoin(context, s.Who("bob@example.net"), kNow).ok());
  CHECK(s.MailsTo("mod@example.net").empty());
  auto confirmed =
      s.ConfirmBy(SubscriptionFixture::TokenIn(s.MailsTo("bob@example.net")[0]), kNow + 5);
  CHECK(confirmed.answer == Answer::kAwaitingModerator);
  CHECK_FALSE(s.IsMember("bob@example.net"));
  CHECK(s.MailsTo("mod@example.net").size() == 1);
}

TEST_CASE("subscriptions: unsubscription open leaves a proven member at once, else confirms",
          "[subscriptions]") {
  SubscriptionFixture s;
  s.f.AddMembers({"bob@example.net", "carol@example.net"});
  auto context = s.f.Context();
  auto proven = s.service.RequestLeave(context, s.Who("bob@example.net", true), kNow);
  REQUIRE(proven.ok());
  CHECK(proven->answer == Answer::kLeft);
  CHECK_FALSE(s.IsMember("bob@example.net"));
  auto unproven = s.service.RequestLeave(context, s.Who("carol@example.net"), kNow);
  REQUIRE(unproven.ok());
  CHECK(unproven->answer == Answer::kConfirmationSent);
  CHECK(s.IsMember("carol@example.net"));
  auto left =
      s.ConfirmBy(SubscriptionFixture::TokenIn(s.MailsTo("carol@example.net")[0]), kNow + 5);
  CHECK(left.answer == Answer::kLeft);
  CHECK_FALSE(s.IsMember("carol@example.net"));
}

}  // namespace
