// SubscriberFace on a real store: advertised lists only, double opt-in
// with the same answer for members and strangers (no roster probing), the
// confirm link's GET-side description that changes nothing, the limits
// shared with the mail path (per client, per target address), and the
// member-link tokens (unsubscribe_tokens.h): tampered, another member's or
// list's, of the other purpose, or made before a rotation, they change
// nothing (RFC 8058 section 3.1's one-click rests on them).
#include "listd/webface/subscriber_face.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "listd/mime/footer_template.h"
#include "listd/service/list_service.h"
#include "listd/service/subscription_service.h"
#include "listd/service/unsubscribe_tokens.h"
#include "tests/support/list_fixture.h"
#include "tests/support/test_mail.h"

namespace {

using listd::service::LinkPurpose;
using listd::service::MakeMemberToken;
using web::SubscriberOutcome;
using namespace pipeline_test;

constexpr char kBase[] = "https://lists.example.org";

struct FaceFixture {
  ListFixture f;
  std::unique_ptr<listd::webface::SharedStore> shared;
  std::unique_ptr<listd::webface::SubscriberFace> face;

  FaceFixture() {
    f.Set({{"advertised", "on"}, {"description", "All about <demos>"}});
    storage::StoreOptions options;
    options.db_path = f.store->path();
    auto opened = storage::Store::Open(options);
    REQUIRE(opened.ok());
    shared = std::make_unique<listd::webface::SharedStore>(std::move(*opened));
    face = std::make_unique<listd::webface::SubscriberFace>(*shared,
                                                            listd::mime::BuiltInTemplatesDir());
  }

  int64_t ListId(const std::string& address) {
    auto parsed = base::EmailAddress::Parse(address);
    REQUIRE(parsed.ok());
    auto found = f.store->lists().Find(*parsed);
    REQUIRE(found.ok());
    REQUIRE(found->has_value());
    return (*found)->id;
  }

  std::optional<storage::MemberRecord> Member(const std::string& list, const std::string& address) {
    auto parsed = base::EmailAddress::Parse(address);
    REQUIRE(parsed.ok());
    auto found = f.store->members().Find(ListId(list), *parsed);
    REQUIRE(found.ok());
    return *found;
  }

  // The messages queued for `to`.
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

  web::SubscriberAnswer Join(const std::string& address, const std::string& client = "192.0.2.7",
                             const std::string& list = kListAddress, int64_t now = kNow) {
    auto answer = face->RequestJoin(list, address, client, kBase, now);
    REQUIRE(answer.ok());
    return *answer;
  }

  std::string Token(const std::string& address, LinkPurpose purpose,
                    const std::string& list = kListAddress) {
    auto member = Member(list, address);
    REQUIRE(member);
    auto token = MakeMemberToken(*f.store, ListId(list), member->id, purpose, kNow);
    REQUIRE(token.ok());
    return *token;
  }
};

// The confirmation token in a mail's "BASE/confirm/TOKEN" link.
std::string ConfirmToken(const std::string& mail) {
  const std::string marker = std::string(kBase) + "/confirm/";
  size_t at = mail.find(marker);
  REQUIRE(at != std::string::npos);
  at += marker.size();
  size_t end = at;
  while (end < mail.size() && (std::isalnum(static_cast<unsigned char>(mail[end])) ||
                               mail[end] == '-' || mail[end] == '_')) {
    ++end;
  }
  return mail.substr(at, end - at);
}

}  // namespace

TEST_CASE("webface: only advertised lists are shown, an unadvertised one is like an unknown one",
          "[webface][subscriber]") {
  FaceFixture t;
  auto lists = t.face->AdvertisedLists();
  REQUIRE(lists.ok());
  REQUIRE(lists->size() == 1);
  CHECK((*lists)[0].address == kListAddress);
  CHECK((*lists)[0].name == "Demo");
  CHECK((*lists)[0].description == "All about <demos>");
  t.f.Set({{"advertised", "off"}});
  auto hidden = t.face->AdvertisedList(kListAddress);
  auto unknown = t.face->AdvertisedList("nobody@lists.example.org");
  REQUIRE(hidden.ok());
  REQUIRE(unknown.ok());
  CHECK_FALSE(hidden->has_value());
  CHECK_FALSE(unknown->has_value());
  CHECK(t.face->AdvertisedLists()->empty());
  // And no request reaches it.
  auto refused = t.face->RequestJoin(kListAddress, "ann@example.org", "192.0.2.7", kBase, kNow);
  CHECK_FALSE(refused.ok());
  CHECK(refused.kind() == base::ErrorKind::kNotFound);
  CHECK(t.MailsTo("ann@example.org").empty());
}

TEST_CASE("webface: a subscribe only mails a confirmation, the same for a member and a stranger",
          "[webface][subscriber][security]") {
  FaceFixture t;
  t.f.AddMembers({"member@example.org"});
  auto stranger = t.Join("ann@example.org");
  auto member = t.Join("member@example.org", "192.0.2.8");
  CHECK(stranger.outcome == SubscriberOutcome::kDone);
  CHECK(member.outcome == SubscriberOutcome::kDone);
  // The sentences differ only by the address.
  auto without = [](std::string text, const std::string& address) {
    return text.replace(text.find(address), address.size(), "X");
  };
  CHECK(without(stranger.text, "ann@example.org") == without(member.text, "member@example.org"));
  CHECK_FALSE(t.Member(kListAddress, "ann@example.org"));  // not yet: double opt-in
  auto mails = t.MailsTo("ann@example.org");
  REQUIRE(mails.size() == 1);
  CHECK(t.MailsTo("member@example.org").size() == 1);
  CHECK(mails[0].find(std::string(kBase) + "/confirm/") != std::string::npos);
}

TEST_CASE("webface: the confirm link is described without a change, then confirmed once",
          "[webface][subscriber]") {
  FaceFixture t;
  t.Join("ann@example.org");
  auto mails = t.MailsTo("ann@example.org");
  REQUIRE(mails.size() == 1);
  const std::string token = ConfirmToken(mails[0]);
  for (int i = 0; i < 3; ++i) {
    auto described = t.face->DescribeConfirmation(token, kNow + 10);
    REQUIRE(described.ok());
    CHECK(described->valid);
    CHECK(described->join);
    CHECK(described->address == "ann@example.org");
    CHECK(described->list == kListAddress);
  }
  CHECK_FALSE(t.Member(kListAddress, "ann@example.org"));
  auto confirmed = t.face->Confirm(token, kBase, kNow + 20);
  REQUIRE(confirmed.ok());
  CHECK(confirmed->outcome == SubscriberOutcome::kDone);
  CHECK(t.Member(kListAddress, "ann@example.org"));
  // The welcome links to the member's own unsubscribe and preferences pages.
  auto after = t.MailsTo("ann@example.org");
  REQUIRE(after.size() == 2);
  const std::string& welcome = after[0] == mails[0] ? after[1] : after[0];
  CHECK(welcome.find(std::string(kBase) + "/u/") != std::string::npos);
  CHECK(welcome.find(std::string(kBase) + "/preferences/") != std::string::npos);
  auto again = t.face->Confirm(token, kBase, kNow + 30);
  REQUIRE(again.ok());
  CHECK(again->outcome == SubscriberOutcome::kInvalidLink);
  auto forged = t.face->Confirm("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", kBase, kNow + 30);
  REQUIRE(forged.ok());
  CHECK(forged->outcome == SubscriberOutcome::kInvalidLink);
}

TEST_CASE("webface: one client's confirmations are capped, another client is not held up",
          "[webface][subscriber][limits]") {
  FaceFixture t;
  listd::service::SubscriptionLimits limits;
  for (int64_t i = 0; i < limits.per_client_per_hour; ++i) {
    CHECK(t.Join("user" + std::to_string(i) + "@example.org").outcome == SubscriberOutcome::kDone);
  }
  auto throttled = t.Join("one-more@example.org");
  CHECK(throttled.outcome == SubscriberOutcome::kThrottled);
  CHECK(t.MailsTo("one-more@example.org").empty());
  CHECK(t.Join("one-more@example.org", "198.51.100.9").outcome == SubscriberOutcome::kDone);
  // An hour on, the first client may ask again.
  CHECK(t.Join("later@example.org", "192.0.2.7", kListAddress, kNow + 3600).outcome ==
        SubscriberOutcome::kDone);
}

TEST_CASE("webface: one target address gets a few confirmations an hour over every list",
          "[webface][subscriber][limits]") {
  FaceFixture t;
  listd::service::ListService lists(*t.f.store, "test");
  listd::service::SubscriptionLimits limits;
  std::vector<std::string> names;
  for (int64_t i = 0; i <= limits.per_address_per_hour; ++i) {
    const std::string name = "l" + std::to_string(i) + "@lists.example.org";
    REQUIRE(lists.CreateList(name, "L", std::nullopt, kNow).ok());
    REQUIRE(lists.Set(name, {{"advertised", "on"}}, {}, kNow).ok());
    names.push_back(name);
  }
  for (int64_t i = 0; i < limits.per_address_per_hour; ++i) {
    CHECK(t.Join("victim@example.org", "192.0.2." + std::to_string(i), names[i]).outcome ==
          SubscriberOutcome::kDone);
  }
  CHECK(t.Join("victim@example.org", "203.0.113.1", names.back()).outcome ==
        SubscriberOutcome::kThrottled);
  CHECK(t.MailsTo("victim@example.org").size() == static_cast<size_t>(limits.per_address_per_hour));
}

TEST_CASE("webface: the one-click token unsubscribes its member once, with the event",
          "[webface][subscriber][rfc8058]") {
  FaceFixture t;
  t.f.AddMembers({"ann@example.org", "bob@example.org"});
  const std::string token = t.Token("ann@example.org", LinkPurpose::kUnsubscribe);
  auto shown = t.face->UnsubscribeLinkMember(token);
  REQUIRE(shown.ok());
  REQUIRE(shown->has_value());
  CHECK((*shown)->address == "ann@example.org");
  CHECK(t.Member(kListAddress, "ann@example.org"));  // showing changed nothing
  auto left = t.face->Unsubscribe(token, kNow);
  REQUIRE(left.ok());
  CHECK(left->outcome == SubscriberOutcome::kDone);
  CHECK_FALSE(t.Member(kListAddress, "ann@example.org"));
  CHECK(t.Member(kListAddress, "bob@example.org"));
  auto events = t.f.store->events().Recent(t.f.list.id, 5);
  REQUIRE(events.ok());
  bool logged = false;
  for (const auto& event : *events) {
    logged |= event.action == "member.leave" &&
              event.detail.find("unsubscribe link") != std::string::npos;
  }
  CHECK(logged);
  auto again = t.face->Unsubscribe(token, kNow + 1);
  REQUIRE(again.ok());
  CHECK(again->outcome == SubscriberOutcome::kInvalidLink);
}

TEST_CASE("webface: a tampered, another member's or another list's token changes nothing",
          "[webface][subscriber][security]") {
  FaceFixture t;
  t.f.AddMembers({"ann@example.org", "bob@example.org"});
  listd::service::ListService lists(*t.f.store, "test");
  REQUIRE(lists.CreateList("other@lists.example.org", "Other", std::nullopt, kNow).ok());
  {
    auto other = base::EmailAddress::Parse("ann@example.org");
    REQUIRE(
        t.f.store->members()
            .Add(t.ListId("other@lists.example.org"), *other, storage::MemberRole::kMember, kNow)
            .ok());
  }
  const std::string ann = t.Token("ann@example.org", LinkPurpose::kUnsubscribe);
  const std::string bob_id = std::to_string(t.Member(kListAddress, "bob@example.org")->id);
  const std::string other =
      t.Token("ann@example.org", LinkPurpose::kUnsubscribe, "other@lists.example.org");
  const std::string list_id = std::to_string(t.f.list.id);

  std::string tampered = ann;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  // Ann's MAC with Bob's id; the other list's MAC with this list's id.
  const std::string moved_member = list_id + "." + bob_id + ann.substr(ann.rfind('.'));
  const std::string moved_list = list_id + other.substr(other.find('.'));
  const std::string preferences = t.Token("ann@example.org", LinkPurpose::kPreferences);
  for (const std::string& token :
       {tampered, moved_member, moved_list, preferences, std::string("1.2"), std::string("x.y.z"),
        std::string(""), std::string("01.02.") + ann.substr(ann.rfind('.') + 1)}) {
    INFO(token);
    auto shown = t.face->UnsubscribeLinkMember(token);
    REQUIRE(shown.ok());
    CHECK_FALSE(shown->has_value());
    auto left = t.face->Unsubscribe(token, kNow);
    REQUIRE(left.ok());
    CHECK(left->outcome == SubscriberOutcome::kInvalidLink);
  }
  CHECK(t.Member(kListAddress, "ann@example.org"));
  CHECK(t.Member(kListAddress, "bob@example.org"));
  CHECK(t.Member("other@lists.example.org", "ann@example.org"));
}

TEST_CASE("webface: rotating the list's secret revokes every member link made before",
          "[webface][subscriber][security]") {
  FaceFixture t;
  t.f.AddMembers({"ann@example.org"});
  const std::string before = t.Token("ann@example.org", LinkPurpose::kUnsubscribe);
  listd::service::SubscriptionService subscriptions(*t.f.store, "", "test");
  REQUIRE(subscriptions.RotateLinkSecret(kListAddress, kNow).ok());
  auto left = t.face->Unsubscribe(before, kNow);
  REQUIRE(left.ok());
  CHECK(left->outcome == SubscriberOutcome::kInvalidLink);
  CHECK(t.Member(kListAddress, "ann@example.org"));
  const std::string after = t.Token("ann@example.org", LinkPurpose::kUnsubscribe);
  CHECK(after != before);
  CHECK(t.face->Unsubscribe(after, kNow)->outcome == SubscriberOutcome::kDone);
}

TEST_CASE("webface: the preferences link turns the member's delivery off and on",
          "[webface][subscriber]") {
  FaceFixture t;
  t.f.AddMembers({"ann@example.org"});
  const std::string token = t.Token("ann@example.org", LinkPurpose::kPreferences);
  auto shown = t.face->PreferencesLinkMember(token);
  REQUIRE(shown.ok());
  REQUIRE(shown->has_value());
  CHECK((*shown)->delivery_on);
  REQUIRE(t.face->SetDelivery(token, false, kNow).ok());
  CHECK(t.Member(kListAddress, "ann@example.org")->delivery == storage::Delivery::kDisabledByUser);
  REQUIRE(t.face->SetDelivery(token, true, kNow).ok());
  CHECK(t.Member(kListAddress, "ann@example.org")->delivery == storage::Delivery::kEnabled);
  // The unsubscribe token does not open the preferences, nor the other way round.
  const std::string leave = t.Token("ann@example.org", LinkPurpose::kUnsubscribe);
  CHECK_FALSE(t.face->PreferencesLinkMember(leave)->has_value());
  CHECK(t.face->SetDelivery(leave, false, kNow)->outcome == SubscriberOutcome::kInvalidLink);
  CHECK(t.Member(kListAddress, "ann@example.org")->delivery == storage::Delivery::kEnabled);
}
