// BanRepository on a real SQLite file: the pattern forms (an exact address,
// "*@domain", "*@*.domain" for subdomains) and what is refused, one ban
// per scope whatever its case, Match comparing as members compare (domain
// and local part without regard to ASCII case, RFC 5321 section 2.4 leaves
// the local part to the host: listd folds it, as storage/member_repository.h
// says), list bans before site bans, and SetModerated on a member.
#include "storage/ban_repository.h"

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "storage/database.h"
#include "storage/list_repository.h"
#include "storage/member_repository.h"
#include "tests/support/temp_dir.h"

namespace {

using storage::BanRepository;
using storage::NormalizeBanPattern;

base::EmailAddress Address(const std::string& text) { return *base::EmailAddress::Parse(text); }

struct BanFixture {
  storage_test::TempDir dir;
  std::unique_ptr<storage::Database> db;
  int64_t list_id = 0;
  int64_t other_id = 0;
  BanFixture() {
    auto opened = storage::Database::Open(dir.File("listd.db"));
    REQUIRE(opened.ok());
    db = std::move(opened).value();
    storage::ListRepository lists(*db);
    list_id = lists.Create(Address("discuss@example.org"), 1)->id;
    other_id = lists.Create(Address("other@example.org"), 1)->id;
  }
  // The pattern that bans `address` on `list`, or "" when none does.
  std::string Matched(int64_t list, const std::string& address) {
    auto ban = BanRepository(*db).Match(list, Address(address));
    REQUIRE(ban.ok());
    return *ban ? (*ban)->pattern : "";
  }
};

}  // namespace

TEST_CASE("Ban patterns: an address, a domain, a domain's subdomains, nothing else",
          "[storage][bans]") {
  CHECK(*NormalizeBanPattern("Troll@Example.NET") == "Troll@example.net");
  CHECK(*NormalizeBanPattern("*@Spam.Example") == "*@spam.example");
  CHECK(*NormalizeBanPattern("*@*.Spam.Example") == "*@*.spam.example");
  for (const char* bad :
       {"spam.example", "*", "*@*", "*@com", "*@*.com", "t*@spam.example", "*@sp*m.example",
        "*@a.*.example", "Troll <troll@example.net>", "*@", "@spam.example", "*@*."}) {
    INFO(bad);
    auto pattern = NormalizeBanPattern(bad);
    REQUIRE_FALSE(pattern.ok());
    CHECK(pattern.kind() == base::ErrorKind::kInvalid);
  }
}

TEST_CASE("Match finds an exact ban whatever the case of the address", "[storage][bans]") {
  BanFixture f;
  BanRepository bans(*f.db);
  REQUIRE(bans.Add(f.list_id, "Troll@example.net", "flames", 5).ok());
  CHECK(f.Matched(f.list_id, "troll@EXAMPLE.net") == "Troll@example.net");
  CHECK(f.Matched(f.list_id, "TROLL@example.net") == "Troll@example.net");
  CHECK(f.Matched(f.list_id, "troll2@example.net").empty());
  CHECK(f.Matched(f.list_id, "troll@example.net.evil").empty());
  // Another list is not banned by this list's ban.
  CHECK(f.Matched(f.other_id, "troll@example.net").empty());
}

TEST_CASE("A domain glob bans the domain, a subdomain glob its subdomains only",
          "[storage][bans]") {
  BanFixture f;
  BanRepository bans(*f.db);
  REQUIRE(bans.Add(f.list_id, "*@spam.example", "", 5).ok());
  REQUIRE(bans.Add(f.list_id, "*@*.junk.example", "", 5).ok());
  CHECK(f.Matched(f.list_id, "anyone@Spam.Example") == "*@spam.example");
  CHECK(f.Matched(f.list_id, "anyone@mx.spam.example").empty());
  CHECK(f.Matched(f.list_id, "anyone@notspam.example").empty());
  CHECK(f.Matched(f.list_id, "a@mx.junk.example") == "*@*.junk.example");
  CHECK(f.Matched(f.list_id, "a@deep.mx.JUNK.example") == "*@*.junk.example");
  CHECK(f.Matched(f.list_id, "a@junk.example").empty());
  CHECK(f.Matched(f.list_id, "a@xjunk.example").empty());
}

TEST_CASE("A site-wide ban covers every list, a list's own ban is reported first",
          "[storage][bans]") {
  BanFixture f;
  BanRepository bans(*f.db);
  REQUIRE(bans.Add(std::nullopt, "*@spam.example", "site", 5).ok());
  CHECK(f.Matched(f.list_id, "x@spam.example") == "*@spam.example");
  CHECK(f.Matched(f.other_id, "x@spam.example") == "*@spam.example");
  REQUIRE(bans.Add(f.list_id, "x@spam.example", "list", 6).ok());
  auto ban = bans.Match(f.list_id, Address("x@spam.example"));
  REQUIRE(ban.ok());
  REQUIRE(*ban);
  CHECK((*ban)->list_id == f.list_id);
  CHECK((*ban)->reason == "list");
  auto site = bans.Match(f.other_id, Address("x@spam.example"));
  REQUIRE(site.ok());
  REQUIRE(*site);
  CHECK_FALSE((*site)->list_id.has_value());
}

TEST_CASE("A pattern is banned once per scope, removed whatever its case", "[storage][bans]") {
  BanFixture f;
  BanRepository bans(*f.db);
  REQUIRE(bans.Add(f.list_id, "*@spam.example", "", 5).ok());
  auto again = bans.Add(f.list_id, "*@SPAM.example", "", 6);
  REQUIRE_FALSE(again.ok());
  CHECK(again.kind() == base::ErrorKind::kConflict);
  REQUIRE(bans.Add(std::nullopt, "*@spam.example", "", 6).ok());  // another scope
  auto twice = bans.Add(std::nullopt, "*@spam.example", "", 7);
  CHECK(twice.kind() == base::ErrorKind::kConflict);
  auto listed = bans.List(f.list_id);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().pattern == "*@spam.example");
  CHECK(listed->front().list_id == f.list_id);
  CHECK(bans.List(std::nullopt)->size() == 1);
  CHECK(*bans.Remove(f.list_id, "*@Spam.EXAMPLE"));
  CHECK_FALSE(*bans.Remove(f.list_id, "*@spam.example"));
  CHECK(bans.List(f.list_id)->empty());
  CHECK(bans.List(std::nullopt)->size() == 1);  // the site's stays
  // No such list: the foreign key refuses it.
  CHECK_FALSE(bans.Add(int64_t{999}, "a@b.example", "", 5).ok());
}

TEST_CASE("A pattern with LIKE's wildcards means only itself", "[storage][bans]") {
  BanFixture f;
  BanRepository bans(*f.db);
  REQUIRE(bans.Add(f.list_id, "a_b@example.net", "", 5).ok());
  CHECK(f.Matched(f.list_id, "a_b@example.net") == "a_b@example.net");
  CHECK(f.Matched(f.list_id, "axb@example.net").empty());
  REQUIRE(bans.Add(f.list_id, "a%@example.net", "", 5).ok());
  CHECK(f.Matched(f.list_id, "abc@example.net").empty());
}

TEST_CASE("A member's moderated flag is stored and read back", "[storage][members]") {
  BanFixture f;
  storage::MemberRepository members(*f.db);
  REQUIRE(*members.Add(f.list_id, Address("alice@example.com"), storage::MemberRole::kMember, 1));
  auto alice = members.Find(f.list_id, Address("alice@example.com"));
  REQUIRE(alice.ok());
  REQUIRE(*alice);
  CHECK_FALSE((*alice)->moderated);
  REQUIRE(members.SetModerated((*alice)->id, true).ok());
  CHECK((*members.Find(f.list_id, Address("Alice@example.com")))->moderated);
  REQUIRE(members.SetModerated((*alice)->id, false).ok());
  CHECK_FALSE((*members.Find(f.list_id, Address("alice@example.com")))->moderated);
  CHECK(members.SetModerated(12345, true).kind() == base::ErrorKind::kNotFound);
}

TEST_CASE("Match looks bans up through the index, not by scanning them", "[storage][bans]") {
  // Regression: the first Match compared every ban of the list and the
  // site in one statement (40 ms a post at 100,000 bans); each candidate
  // pattern is now one lookup of bans_by_pattern.
  BanFixture f;
  auto plan = f.db->Prepare(
      "EXPLAIN QUERY PLAN SELECT id, list_id, pattern, reason, created_at FROM bans "
      "WHERE ifnull(list_id, 0) IN (?1, 0) AND lower(pattern) = ?2 "
      "ORDER BY list_id IS NULL LIMIT 1");
  REQUIRE(plan.ok());
  (*plan)->Bind(1, f.list_id).Bind(2, "x@example.net");
  std::string detail;
  while (*(*plan)->Step()) detail += (*plan)->ColumnText(3) + "\n";
  (*plan)->Reset();
  CHECK_THAT(detail, Catch::Contains("USING INDEX bans_by_pattern"));
  // And the deep subdomain still meets the glob of a far parent.
  REQUIRE(BanRepository(*f.db).Add(std::nullopt, "*@*.j.example", "", 5).ok());
  CHECK(f.Matched(f.list_id, "a@b.c.d.e.f.g.h.i.j.example") == "*@*.j.example");
}
