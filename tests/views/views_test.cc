// The JSON views (listd/views): one shape per entity, the same wherever it
// is shown (`list show`, `key ls`, later the REST API); no private key in
// any of them; bytes that are not UTF-8 still print as JSON.
#include <catch2/catch.hpp>
#include <string>

#include "listd/service/bounce_service.h"
#include "listd/service/list_service.h"
#include "listd/views/ban_view.h"
#include "listd/views/doctor_view.h"
#include "listd/views/held_view.h"
#include "listd/views/json.h"
#include "listd/views/key_view.h"
#include "listd/views/list_view.h"
#include "listd/views/member_bounce_view.h"
#include "listd/views/member_view.h"
#include "tests/support/list_fixture.h"
#include "tests/support/test_mail.h"

namespace {

using listd::views::Json;
using namespace pipeline_test;

TEST_CASE("views: a list in full, its keys in the one key view", "[views]") {
  ListFixture f;
  f.Set({{"signing.domain", "mail.example.org"}, {"posting_policy", "open"}});
  const storage::KeyRecord key = f.AddKey(EdKey(), "s1");
  f.AddMembers({"bob@example.net"});
  listd::service::ListService lists(*f.store, "test");
  auto details = lists.Show(kListAddress);
  REQUIRE(details.ok());
  const Json view = listd::views::ListDetailsView(*details);
  CHECK(view["address"] == kListAddress);
  CHECK(view["name"] == "Demo");
  CHECK(view["members"]["member"] == 1);
  CHECK(view["members"]["total"] == 1);
  CHECK(view["settings"]["posting_policy"] == Json({{"value", "open"}, {"default", false}}));
  CHECK(view["settings"]["arc"] == Json({{"value", "on"}, {"default", true}}));
  REQUIRE(view["keys"].size() == 1);
  const Json& shown = view["keys"][0];
  CHECK(shown == listd::views::KeyView(key, "mail.example.org"));
  CHECK(shown["record_name"] == "s1._domainkey.mail.example.org");
  CHECK(shown["algorithm"] == "ed25519");
  CHECK(shown["state"] == "active");
  CHECK(shown["public_key"] == key.public_key);
  CHECK(shown["retired_at"].is_null());
  // The private half is in none of it.
  const std::string text = listd::views::Dump(view);
  CHECK_THAT(text, !Catch::Contains("PRIVATE"));
  CHECK_THAT(text, !Catch::Contains("sealed"));
}

TEST_CASE("views: members, held posts, the doctor", "[views]") {
  storage::MemberRecord member;
  member.address = *base::EmailAddress::Parse("Bob <bob@example.net>");
  member.role = storage::MemberRole::kModerator;
  member.delivery = storage::Delivery::kDisabledByBounce;
  member.bounce_score = 2.5;
  member.subscribed_at = 1800000000;
  member.moderated = true;
  CHECK(listd::views::MemberView(member) == Json({{"address", "bob@example.net"},
                                                  {"name", "Bob"},
                                                  {"role", "moderator"},
                                                  {"delivery", "disabled-by-bounce"},
                                                  {"bounce_score", 2.5},
                                                  {"moderated", true},
                                                  {"subscribed_at", 1800000000}}));

  storage::HeldPost held;
  held.id = 3;
  held.post_id = 9;
  held.held_at = 1800000000;  // 2027-01-15T08:00:00Z
  held.sender = "jane@example.org";
  held.subject = "hi";
  held.reason = "post from non-member jane@example.org";
  const Json h = listd::views::HeldPostView(held);
  CHECK(h["id"] == 3);
  CHECK(h["post"] == 9);
  CHECK(h["held_at"] == "2027-01-15T08:00:00Z");
  CHECK(h["reason"] == held.reason);

  listd::service::DoctorReport report;
  report.list = kListAddress;
  report.signing_domain = "lists.example.org";
  report.findings = {{listd::service::Severity::kError, "no-active-key", "m", "f"},
                     {listd::service::Severity::kNote, "no-dmarc-record", "m", "f"},
                     {listd::service::Severity::kNote, "rsa-only", "m", "f"}};
  const Json d = listd::views::DoctorReportView(report);
  CHECK(d["errors"] == 1);
  CHECK(d["warnings"] == 0);
  CHECK(d["notes"] == 2);
  CHECK(d["findings"][0]["severity"] == "error");
  CHECK(d["findings"][0]["code"] == "no-active-key");
}

TEST_CASE("views: a ban, on a list and site-wide", "[views]") {
  storage::BanRecord ban;
  ban.id = 4;
  ban.list_id = 1;
  ban.pattern = "*@spam.example";
  ban.reason = "spam";
  ban.created_at = 1800000000;  // 2027-01-15T08:00:00Z
  CHECK(listd::views::BanView(ban, std::string(kListAddress)) ==
        Json({{"id", 4},
              {"list", kListAddress},
              {"pattern", "*@spam.example"},
              {"reason", "spam"},
              {"created_at", "2027-01-15T08:00:00Z"}}));
  ban.list_id.reset();
  CHECK(listd::views::BanView(ban, std::nullopt)["list"].is_null());
}

TEST_CASE("views: a member's bounce state, every time null until it happened", "[views]") {
  storage::MemberBounce entry;
  entry.member.address = *base::EmailAddress::Parse("Gone <gone@example.org>");
  entry.member.delivery = storage::Delivery::kDisabledByBounce;
  entry.member.bounce_score = 5;
  entry.info.last_failure_at = 1800000000;  // 2027-01-15T08:00:00Z
  entry.info.last_failure = "550 5.1.1 no such user";
  entry.info.disabled_at = 1800003600;
  entry.info.owners_told = true;
  entry.info.warnings_sent = 2;
  entry.info.last_warning_at = 1800604800;
  entry.info.probe = storage::ProbeState::kSent;
  entry.info.probe_sent_at = 1800001800;
  CHECK(listd::views::MemberBounceView(entry) == Json({{"address", "gone@example.org"},
                                                       {"name", "Gone"},
                                                       {"delivery", "disabled-by-bounce"},
                                                       {"bounce_score", 5.0},
                                                       {"last_failure_at", "2027-01-15T08:00:00Z"},
                                                       {"last_failure", "550 5.1.1 no such user"},
                                                       {"disabled_at", "2027-01-15T09:00:00Z"},
                                                       {"owners_told", true},
                                                       {"warnings_sent", 2},
                                                       {"last_warning_at", "2027-01-22T08:00:00Z"},
                                                       {"probe", "sent"},
                                                       {"probe_sent_at", "2027-01-15T08:30:00Z"}}));

  // A member with a score and nothing else kept: no 1970 anywhere.
  storage::MemberBounce fresh;
  fresh.member.address = *base::EmailAddress::Parse("x@example.org");
  fresh.member.bounce_score = 1;
  const Json view = listd::views::MemberBounceView(fresh);
  for (const char* time : {"last_failure_at", "disabled_at", "last_warning_at", "probe_sent_at"}) {
    CHECK(view[time].is_null());
  }
  CHECK(view["probe"] == "none");
  CHECK(view["delivery"] == "enabled");
}

TEST_CASE("views: bounce ls's entries are what the store keeps, read back by the service",
          "[views]") {
  ListFixture f;
  f.AddMembers({"gone@example.org", "fine@example.org", "probed@example.net"});
  auto gone = f.store->members().Find(f.list.id, *base::EmailAddress::Parse("gone@example.org"));
  auto probed =
      f.store->members().Find(f.list.id, *base::EmailAddress::Parse("probed@example.net"));
  REQUIRE(gone.ok());
  REQUIRE(*gone);
  REQUIRE(probed.ok());
  REQUIRE(*probed);
  REQUIRE(f.store->members().SetBounceScore((*gone)->id, 2).ok());
  storage::BounceInfo info;
  info.member_id = (*gone)->id;
  info.last_failure_at = 1800000000;
  info.last_failure = "550 5.1.1 no such user";
  REQUIRE(f.store->bounces().Put(info).ok());
  storage::BounceInfo probe;
  probe.member_id = (*probed)->id;
  probe.probe = storage::ProbeState::kDue;
  REQUIRE(f.store->bounces().Put(probe).ok());

  listd::service::BounceService bounces(*f.store, "", "test");
  auto listed = bounces.Listed(kListAddress);
  REQUIRE(listed.ok());
  CHECK(listed->list == kListAddress);
  // fine@ has no bounce state and is not listed; the order is by domain,
  // then local part.
  REQUIRE(listed->members.size() == 2);
  const Json first = listd::views::MemberBounceView(listed->members[0]);
  const Json second = listd::views::MemberBounceView(listed->members[1]);
  CHECK(first["address"] == "probed@example.net");
  CHECK(first["probe"] == "due");
  CHECK(first["bounce_score"] == 0.0);
  CHECK(second["address"] == "gone@example.org");
  CHECK(second["bounce_score"] == 2.0);
  CHECK(second["last_failure_at"] == "2027-01-15T08:00:00Z");
  CHECK(second["last_failure"] == "550 5.1.1 no such user");
}

TEST_CASE("views: a name that is not UTF-8 still prints as JSON", "[views]") {
  storage::MemberRecord member;
  member.address = *base::EmailAddress::Parse("x@example.org");
  member.address.display_name = "Caf\xe9";  // Latin-1, as an old import may hold
  const std::string line = listd::views::DumpLine(listd::views::MemberView(member));
  CHECK_NOTHROW(Json::parse(line));
  CHECK(Json::parse(line)["name"] == "Caf\xef\xbf\xbd");  // U+FFFD
}

}  // namespace
