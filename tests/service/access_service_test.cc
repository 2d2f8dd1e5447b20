// AccessService on a real SQLite file with a clock the test moves:
// Argon2id hashes in their encoded form (RFC 9106), wrong and unknown
// passwords answered alike, sessions that end 8 h after their last use and
// 7 days after they were opened, password links that work once, within an
// hour, at most 3 an hour, mailed through the list the officer holds, and
// API tokens scoped to the site or one list, revocable. Every change has
// its event; no event names a secret.
#include "listd/service/access_service.h"

#include <catch2/catch.hpp>

#include <string>

#include "base/ascii.h"
#include "listd/service/password_hash.h"
#include "tests/support/list_fixture.h"

namespace {

using listd::service::AccessPolicy;
using listd::service::AccessService;

constexpr int64_t kStart = 1800000000;
constexpr int64_t kHour = 3600;

// The cost of the tests' hashes: cheap, since the encoding carries it.
AccessPolicy CheapPolicy() {
  AccessPolicy policy;
  policy.cost.passes = 1;
  policy.cost.memory_kib = 64;
  return policy;
}

struct AccessFixture {
  pipeline_test::ListFixture f;
  AccessService access{*f.store, "", "test:access", CheapPolicy()};

  void AddOfficer(const std::string& address, storage::MemberRole role) {
    REQUIRE(*f.store->members().Add(f.list.id, *base::EmailAddress::Parse(address), role, kStart));
  }
  std::vector<std::string> MailsTo(const std::string& to) {
    auto due = f.store->spool().DueBatches(INT64_MAX / 2, 100000);
    REQUIRE(due.ok());
    std::vector<std::string> found;
    for (const storage::DeliveryBatch& batch : *due) {
      for (const std::string& r : batch.recipients) {
        if (base::LowerAscii(r) == base::LowerAscii(to)) found.push_back(batch.message);
      }
    }
    return found;
  }
  // The token of the last password link mailed to `to`.
  std::string LinkTokenTo(const std::string& to) {
    auto mails = MailsTo(to);
    REQUIRE_FALSE(mails.empty());
    const std::string& mail = mails.back();
    const std::string marker = "https://lists.example.org/password/";
    const size_t at = mail.find(marker);
    REQUIRE(at != std::string::npos);
    const size_t begin = at + marker.size();
    size_t end = begin;
    while (end < mail.size() && (std::isalnum(static_cast<unsigned char>(mail[end])) ||
                                 mail[end] == '-' || mail[end] == '_')) {
      ++end;
    }
    return mail.substr(begin, end - begin);
  }
  std::string EventsText() {
    auto events = f.store->events().Recent(std::nullopt, 1000);
    REQUIRE(events.ok());
    std::string text;
    for (const auto& e : *events) text += e.action + " " + e.detail + "\n";
    return text;
  }
};

}  // namespace

TEST_CASE("a password hash is Argon2id in its encoded form with the default cost",
          "[access][hash]") {
  auto encoded = listd::service::HashPassword("correct horse battery");
  REQUIRE(encoded.ok());
  CHECK(encoded->rfind("$argon2id$v=19$m=65536,t=3,p=1$", 0) == 0);
  CHECK(listd::service::VerifyPassword(*encoded, "correct horse battery"));
  CHECK_FALSE(listd::service::VerifyPassword(*encoded, "correct horse batterY"));
  // A fresh salt each time.
  CHECK(*listd::service::HashPassword("correct horse battery") != *encoded);
  CHECK_FALSE(listd::service::VerifyPassword("not an encoding", "x"));
}

TEST_CASE("a web user logs in with its password and a wrong one is refused like an unknown one",
          "[access][password]") {
  AccessFixture s;
  REQUIRE(s.access.AddUser("Admin@Example.org", true, kStart).ok());
  CHECK(s.access.AddUser("admin@example.org", false, kStart).kind() == base::ErrorKind::kConflict);
  // No password yet: nobody logs in.
  CHECK_FALSE(s.access.CheckPassword("admin@example.org", "", kStart)->has_value());
  CHECK(s.access.SetPassword("admin@example.org", "short", kStart).kind() ==
        base::ErrorKind::kInvalid);
  // Ten code points, fewer than ten would not do; "é" is one.
  CHECK(s.access.SetPassword("admin@example.org", "ééééééééé", kStart).kind() ==
        base::ErrorKind::kInvalid);
  REQUIRE(s.access.SetPassword("admin@example.org", "éééééééééé", kStart).ok());
  REQUIRE(s.access.SetPassword("admin@example.org", "a long password", kStart).ok());
  auto ok = s.access.CheckPassword("ADMIN@example.org", "a long password", kStart);
  REQUIRE(ok.ok());
  REQUIRE(ok->has_value());
  CHECK((*ok)->address == "Admin@example.org");
  CHECK((*ok)->site_admin);
  CHECK_FALSE(s.access.CheckPassword("admin@example.org", "a long passworD", kStart)->has_value());
  CHECK_FALSE(s.access.CheckPassword("nobody@example.org", "a long password", kStart)->has_value());
  CHECK_FALSE(s.access.CheckPassword("not an address", "a long password", kStart)->has_value());
  CHECK(s.access.SetPassword("nobody@example.org", "a long password", kStart).kind() ==
        base::ErrorKind::kNotFound);
  auto users = s.access.Users();
  REQUIRE(users->size() == 1);
  CHECK((*users)[0].has_password);
  const std::string events = s.EventsText();
  CHECK(events.find("user.add") != std::string::npos);
  CHECK(events.find("user.passwd") != std::string::npos);
  CHECK(events.find("a long password") == std::string::npos);
  CHECK(events.find("$argon2") == std::string::npos);
}

TEST_CASE("a session ends 8 hours after its last use and 7 days after it opened",
          "[access][session]") {
  AccessFixture s;
  REQUIRE(s.access.AddUser("a@example.org", false, kStart).ok());
  auto id = s.access.OpenSession("a@example.org", kStart);
  REQUIRE(id.ok());
  CHECK(id->size() == 22);
  CHECK(s.access.OpenSession("nobody@example.org", kStart).kind() == base::ErrorKind::kNotFound);
  // Used every 7 hours, it lives on, until the 7th day.
  int64_t t = kStart;
  while (t + 7 * kHour < kStart + 7 * 24 * kHour) {
    t += 7 * kHour;
    REQUIRE(s.access.ForSession(*id, t)->has_value());
  }
  CHECK_FALSE(s.access.ForSession(*id, kStart + 7 * 24 * kHour)->has_value());

  auto idle = s.access.OpenSession("a@example.org", kStart);
  REQUIRE(s.access.ForSession(*idle, kStart + 8 * kHour - 1)->has_value());
  CHECK_FALSE(s.access.ForSession(*idle, kStart + 16 * kHour - 1)->has_value());

  auto closed = s.access.OpenSession("a@example.org", kStart);
  REQUIRE(s.access.CloseSession(*closed, kStart + 1).ok());
  CHECK_FALSE(s.access.ForSession(*closed, kStart + 2)->has_value());
  CHECK(s.access.CloseSession("unknown", kStart).ok());
  CHECK_FALSE(s.access.ForSession("", kStart)->has_value());
  CHECK(s.EventsText().find(*closed) == std::string::npos);
}

TEST_CASE("a new password ends the user's sessions", "[access][session]") {
  AccessFixture s;
  REQUIRE(s.access.AddUser("a@example.org", false, kStart).ok());
  auto id = s.access.OpenSession("a@example.org", kStart);
  REQUIRE(s.access.SetPassword("a@example.org", "a long password", kStart + 1).ok());
  CHECK_FALSE(s.access.ForSession(*id, kStart + 2)->has_value());
}

TEST_CASE("a list owner without an account sets a password through a mailed link",
          "[access][link]") {
  AccessFixture s;
  s.AddOfficer("Owner@Example.net", storage::MemberRole::kOwner);
  REQUIRE(
      s.access.MailPasswordLink("owner@example.net", "https://lists.example.org/", kStart).ok());
  const std::string token = s.LinkTokenTo("Owner@example.net");
  CHECK(token.size() == 22);
  CHECK(s.access.PasswordLinkAddress(token, kStart + 10)->value() == "owner@example.net");
  CHECK(s.access.SetPasswordWithToken(token, "too short", kStart + 10).kind() ==
        base::ErrorKind::kInvalid);
  // A refused password does not spend the link.
  REQUIRE(s.access.SetPasswordWithToken(token, "owner's password", kStart + 20).ok());
  CHECK(s.access.SetPasswordWithToken(token, "owner's password", kStart + 21).kind() ==
        base::ErrorKind::kNotFound);
  CHECK_FALSE(s.access.PasswordLinkAddress(token, kStart + 21)->has_value());
  auto who = s.access.CheckPassword("owner@example.net", "owner's password", kStart + 30);
  REQUIRE(who->has_value());
  CHECK_FALSE((*who)->site_admin);
  REQUIRE((*who)->roles.size() == 1);
  CHECK((*who)->roles[0].list_address == pipeline_test::kListAddress);
  CHECK((*who)->roles[0].role == storage::MemberRole::kOwner);
  CHECK(s.EventsText().find(token) == std::string::npos);
}

TEST_CASE("a password link expires after an hour and at most 3 are mailed an hour",
          "[access][link]") {
  AccessFixture s;
  s.AddOfficer("mod@example.net", storage::MemberRole::kModerator);
  const std::string base = "https://lists.example.org";
  REQUIRE(s.access.MailPasswordLink("mod@example.net", base, kStart).ok());
  const std::string first = s.LinkTokenTo("mod@example.net");
  CHECK(s.access.PasswordLinkAddress(first, kStart + kHour - 1)->has_value());
  CHECK_FALSE(s.access.PasswordLinkAddress(first, kStart + kHour)->has_value());
  REQUIRE(s.access.MailPasswordLink("mod@example.net", base, kStart + 1).ok());
  // A new link retires the one before.
  CHECK_FALSE(s.access.PasswordLinkAddress(first, kStart + 2)->has_value());
  REQUIRE(s.access.MailPasswordLink("MOD@example.net", base, kStart + 2).ok());
  REQUIRE(s.access.MailPasswordLink("mod@example.net", base, kStart + 3).ok());
  CHECK(s.MailsTo("mod@example.net").size() == 3);
  REQUIRE(s.access.MailPasswordLink("mod@example.net", base, kStart + kHour).ok());
  CHECK(s.MailsTo("mod@example.net").size() == 4);
  // Anyone else: nothing mailed, no error.
  REQUIRE(s.access.MailPasswordLink("member@example.net", base, kStart).ok());
  REQUIRE(s.access.MailPasswordLink("not an address", base, kStart).ok());
  CHECK(s.MailsTo("member@example.net").empty());
}

TEST_CASE("a plain member cannot be given a password", "[access][password]") {
  AccessFixture s;
  s.AddOfficer("member@example.net", storage::MemberRole::kMember);
  CHECK(s.access.SetPassword("member@example.net", "a long password", kStart).kind() ==
        base::ErrorKind::kNotFound);
}

TEST_CASE("API tokens are the site's or one list's, revocable, and shown once", "[access][token]") {
  AccessFixture s;
  auto site = s.access.CreateApiToken("backup", std::nullopt, storage::MemberRole::kOwner, kStart);
  REQUIRE(site.ok());
  auto mod = s.access.CreateApiToken("bot", std::string_view(pipeline_test::kListAddress),
                                     storage::MemberRole::kModerator, kStart);
  REQUIRE(mod.ok());
  CHECK(s.access
            .CreateApiToken("x", std::string_view("nope@example.org"), storage::MemberRole::kOwner,
                            kStart)
            .kind() == base::ErrorKind::kNotFound);
  CHECK(s.access.CreateApiToken("a\nb", std::nullopt, storage::MemberRole::kOwner, kStart).kind() ==
        base::ErrorKind::kInvalid);
  auto found = s.access.ForApiToken(mod->token, kStart + 5);
  REQUIRE(found->has_value());
  CHECK((*found)->list_address == pipeline_test::kListAddress);
  CHECK((*found)->record.role == storage::MemberRole::kModerator);
  CHECK_FALSE(s.access.ForApiToken(site->token, kStart)->value().list_address.has_value());
  CHECK_FALSE(s.access.ForApiToken("unknown", kStart)->has_value());
  REQUIRE(s.access.RevokeApiToken(site->info.record.id, kStart + 6).ok());
  CHECK_FALSE(s.access.ForApiToken(site->token, kStart + 7)->has_value());
  CHECK(s.access.RevokeApiToken(999, kStart).kind() == base::ErrorKind::kNotFound);
  auto all = s.access.ApiTokens();
  REQUIRE(all->size() == 2);
  CHECK((*all)[1].record.last_used_at == kStart + 5);
  const std::string events = s.EventsText();
  CHECK(events.find("token.create") != std::string::npos);
  CHECK(events.find("token.revoke") != std::string::npos);
  CHECK(events.find(site->token) == std::string::npos);
  CHECK(events.find(mod->token) == std::string::npos);
}
