// The web face's account tables on a real SQLite file (schema step 9):
// web users unique whatever the case of their address, sessions, API
// tokens and password links stored as SHA-256 only and found by their
// secret alone, a password link spent once, and the lists where an address
// is owner or moderator found across every list.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "storage/api_token_repository.h"
#include "storage/database.h"
#include "storage/list_repository.h"
#include "storage/member_repository.h"
#include "storage/password_link_repository.h"
#include "storage/token_hash.h"
#include "storage/token_repository.h"
#include "storage/web_session_repository.h"
#include "storage/web_user_repository.h"
#include "tests/support/temp_dir.h"

namespace {

base::EmailAddress Addr(const std::string& text) { return *base::EmailAddress::Parse(text); }

struct AccountsFixture {
  storage_test::TempDir dir;
  std::unique_ptr<storage::Database> db;
  AccountsFixture() {
    auto opened = storage::Database::Open(dir.File("listd.db"));
    REQUIRE(opened.ok());
    db = std::move(opened).value();
  }
  int64_t List(const std::string& address) {
    return storage::ListRepository(*db).Create(Addr(address), 1)->id;
  }
  // How many rows of `table` hold `secret` itself in any column.
  int64_t RowsHolding(const std::string& table, const std::string& secret) {
    auto query = db->Prepare("SELECT * FROM " + table);
    REQUIRE(query.ok());
    int64_t found = 0;
    storage::Statement& s = **query;
    while (*s.Step()) {
      for (int c = 0; c < 9; ++c) {
        if (!s.ColumnIsNull(c) && s.ColumnBlob(c).find(secret) != std::string::npos) ++found;
      }
    }
    s.Reset();
    return found;
  }
};

}  // namespace

TEST_CASE("a web user is unique whatever the case of its address", "[storage][web_users]") {
  AccountsFixture f;
  storage::WebUserRepository users(*f.db);
  auto id = users.Add(Addr("Alice@Example.org"), true, 100);
  REQUIRE(id.ok());
  auto again = users.Add(Addr("alice@EXAMPLE.ORG"), false, 101);
  REQUIRE_FALSE(again.ok());
  CHECK(again.kind() == base::ErrorKind::kConflict);
  auto found = users.Find(Addr("ALICE@example.org"));
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK((*found)->address == "Alice@example.org");
  CHECK((*found)->site_admin);
  CHECK_FALSE((*found)->password_hash.has_value());
  REQUIRE(users.SetPasswordHash(*id, "$argon2id$v=19$m=65536,t=3,p=1$x$y").ok());
  CHECK(users.FindById(*id)->value().password_hash == "$argon2id$v=19$m=65536,t=3,p=1$x$y");
  CHECK(users.All()->size() == 1);
  CHECK(*users.Remove(Addr("alice@example.org")));
  CHECK_FALSE(*users.Remove(Addr("alice@example.org")));
  CHECK_FALSE(users.Find(Addr("alice@example.org"))->has_value());
}

TEST_CASE("a session is found by its id alone and only its hash is stored",
          "[storage][web_sessions]") {
  AccountsFixture f;
  const int64_t user = *storage::WebUserRepository(*f.db).Add(Addr("a@example.org"), false, 1);
  storage::WebSessionRepository sessions(*f.db);
  const std::string id = storage::NewToken();
  REQUIRE(sessions.Add(id, user, 100).ok());
  CHECK(f.RowsHolding("web_sessions", id) == 0);
  CHECK(f.RowsHolding("web_sessions", storage::TokenHash(id)) == 1);
  auto found = sessions.Find(id);
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK((*found)->user_id == user);
  CHECK((*found)->last_used_at == 100);
  REQUIRE(sessions.Touch((*found)->id, 200).ok());
  CHECK(sessions.Find(id)->value().last_used_at == 200);
  CHECK_FALSE(sessions.Find(storage::NewToken())->has_value());
  CHECK(*sessions.Close(id, 300));
  CHECK_FALSE(*sessions.Close(id, 301));
  CHECK(sessions.Find(id)->value().closed_at == 300);
  const std::string other = storage::NewToken();
  REQUIRE(sessions.Add(other, user, 400).ok());
  CHECK(*sessions.CloseAllFor(user, 500) == 1);
}

TEST_CASE("removing a web user removes its sessions", "[storage][web_sessions]") {
  AccountsFixture f;
  storage::WebUserRepository users(*f.db);
  const int64_t user = *users.Add(Addr("a@example.org"), false, 1);
  storage::WebSessionRepository sessions(*f.db);
  const std::string id = storage::NewToken();
  REQUIRE(sessions.Add(id, user, 100).ok());
  REQUIRE(*users.Remove(Addr("a@example.org")));
  CHECK_FALSE(sessions.Find(id)->has_value());
}

TEST_CASE("an API token has the site or one list as scope and is revoked once",
          "[storage][api_tokens]") {
  AccountsFixture f;
  const int64_t list = f.List("discuss@example.org");
  storage::ApiTokenRepository tokens(*f.db);
  const std::string site_secret = storage::NewToken();
  const std::string list_secret = storage::NewToken();
  storage::ApiTokenRecord site;
  site.name = "backup";
  site.created_at = 10;
  storage::ApiTokenRecord moderator;
  moderator.name = "bot";
  moderator.list_id = list;
  moderator.role = storage::MemberRole::kModerator;
  moderator.created_at = 11;
  const int64_t site_id = *tokens.Add(site_secret, site);
  const int64_t list_id = *tokens.Add(list_secret, moderator);
  CHECK(f.RowsHolding("api_tokens", site_secret) == 0);
  CHECK(f.RowsHolding("api_tokens", list_secret) == 0);
  auto found = tokens.Find(list_secret);
  REQUIRE(found->has_value());
  CHECK((*found)->id == list_id);
  CHECK((*found)->list_id == list);
  CHECK((*found)->role == storage::MemberRole::kModerator);
  CHECK_FALSE(tokens.Find(site_secret)->value().list_id.has_value());
  REQUIRE(tokens.Touch(site_id, 50).ok());
  CHECK(tokens.Find(site_secret)->value().last_used_at == 50);
  CHECK(*tokens.Revoke(site_id, 60));
  CHECK_FALSE(*tokens.Revoke(site_id, 61));
  CHECK(tokens.Find(site_secret)->value().revoked_at == 60);
  CHECK(tokens.Revoke(999, 62).kind() == base::ErrorKind::kNotFound);
  storage::ApiTokenRecord member = moderator;
  member.role = storage::MemberRole::kMember;
  CHECK(tokens.Add(storage::NewToken(), member).kind() == base::ErrorKind::kInvalid);
  CHECK(tokens.All()->size() == 2);
}

TEST_CASE("a list's API tokens go with the list", "[storage][api_tokens]") {
  AccountsFixture f;
  const int64_t list = f.List("discuss@example.org");
  storage::ApiTokenRepository tokens(*f.db);
  storage::ApiTokenRecord owner;
  owner.list_id = list;
  owner.role = storage::MemberRole::kOwner;
  const std::string secret = storage::NewToken();
  REQUIRE(tokens.Add(secret, owner).ok());
  REQUIRE(storage::ListRepository(*f.db).Remove(list).ok());
  // ON DELETE CASCADE, never SET NULL: a list token must not become a
  // site token.
  CHECK_FALSE(tokens.Find(secret)->has_value());
}

TEST_CASE("a password link works once and not after it expires", "[storage][password_links]") {
  AccountsFixture f;
  storage::PasswordLinkRepository links(*f.db);
  const std::string token = storage::NewToken();
  REQUIRE(links.Add(token, "Owner@example.org", 100, 100 + 3600).ok());
  CHECK(f.RowsHolding("password_links", token) == 0);
  CHECK(links.FindLive(token, 200)->value().address == "Owner@example.org");
  CHECK_FALSE(links.FindLive(token, 3700)->has_value());
  CHECK_FALSE(links.Redeem(token, 3700)->has_value());
  CHECK(links.Redeem(token, 200)->value().address == "Owner@example.org");
  CHECK_FALSE(links.Redeem(token, 201)->has_value());
  CHECK_FALSE(links.FindLive(token, 201)->has_value());
  CHECK(*links.CountSince("owner@EXAMPLE.org", 100) == 1);
  CHECK(*links.CountSince("owner@example.org", 101) == 0);
  const std::string second = storage::NewToken();
  REQUIRE(links.Add(second, "owner@example.org", 300, 3900).ok());
  REQUIRE(links.UseAllFor("OWNER@example.org", 400).ok());
  CHECK_FALSE(links.FindLive(second, 401)->has_value());
}

TEST_CASE("the lists where an address is owner or moderator, on every list", "[storage][members]") {
  AccountsFixture f;
  const int64_t one = f.List("one@example.org");
  const int64_t two = f.List("two@example.org");
  const int64_t three = f.List("three@example.org");
  storage::MemberRepository members(*f.db);
  REQUIRE(*members.Add(one, Addr("Boss@Example.org"), storage::MemberRole::kOwner, 1));
  REQUIRE(*members.Add(two, Addr("boss@example.org"), storage::MemberRole::kModerator, 1));
  REQUIRE(*members.Add(three, Addr("boss@example.org"), storage::MemberRole::kMember, 1));
  REQUIRE(*members.Add(three, Addr("other@example.org"), storage::MemberRole::kOwner, 1));
  auto roles = members.PrivilegedRoles(Addr("BOSS@example.ORG"));
  REQUIRE(roles.ok());
  REQUIRE(roles->size() == 2);
  CHECK((*roles)[0].list_id == one);
  CHECK((*roles)[0].list_address == "one@example.org");
  CHECK((*roles)[0].role == storage::MemberRole::kOwner);
  CHECK((*roles)[1].list_id == two);
  CHECK((*roles)[1].role == storage::MemberRole::kModerator);
  CHECK(members.PrivilegedRoles(Addr("nobody@example.org"))->empty());
  // The partial index of step 9 serves the query.
  auto plan = f.db->Prepare(
      "EXPLAIN QUERY PLAN SELECT m.list_id FROM members m WHERE m.domain = 'example.org' "
      "AND lower(m.local_part) = lower('boss') AND m.role IN ('owner', 'moderator')");
  REQUIRE(plan.ok());
  std::string detail;
  while (*(*plan)->Step()) detail += (*plan)->ColumnText(3) + "\n";
  (*plan)->Reset();
  CHECK(detail.find("members_privileged_by_address") != std::string::npos);
}
