// Which recipients are list addresses (list@, list-request@,
// list-confirm+TOKEN@, list-bounces+user=host@ ...), resolved against a
// real store, and the spool written in one transaction, bare LF made CRLF
// (service/list_address.h, service/spool.h).
#include <catch2/catch.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "listd/service/list_address.h"
#include "listd/service/list_service.h"
#include "listd/service/spool.h"
#include "tests/support/list_fixture.h"
#include "tests/support/test_mail.h"

namespace {

using listd::service::AddressRole;
using listd::service::ResolveListAddress;
using listd::service::SpoolPost;
using namespace pipeline_test;

std::optional<listd::service::ResolvedAddress> Resolve(ListFixture& f, std::string_view address) {
  auto resolved = ResolveListAddress(*f.store, address);
  REQUIRE(resolved.ok());
  return *resolved;
}

std::vector<int64_t> Pending(ListFixture& f) {
  auto pending = f.store->spool().Pending();
  REQUIRE(pending.ok());
  return *pending;
}

TEST_CASE("list address: a list's addresses resolve to the list and their role", "[spool]") {
  ListFixture f;
  struct Row {
    const char* address;
    AddressRole role;
  };
  const Row rows[] = {
      {"demo@lists.example.org", AddressRole::kPost},
      {"demo-request@lists.example.org", AddressRole::kRequest},
      {"demo-join@lists.example.org", AddressRole::kJoin},
      {"demo-leave@lists.example.org", AddressRole::kLeave},
      {"demo-owner@lists.example.org", AddressRole::kOwner},
      {"demo-bounces@lists.example.org", AddressRole::kBounces},
      // VERP (the bounce of a copy to bob@example.org).
      {"demo-bounces+bob=example.org@lists.example.org", AddressRole::kBounces},
      // A reply to a confirmation (the token after the '+').
      {"demo-confirm+Zm9vYmFy@lists.example.org", AddressRole::kConfirm},
      {"demo-confirm@lists.example.org", AddressRole::kConfirm},
      // Domains compare case-insensitively, and so do the suffixes.
      {"demo@LISTS.Example.Org", AddressRole::kPost},
      {"demo-REQUEST@lists.example.org", AddressRole::kRequest},
  };
  for (const Row& row : rows) {
    INFO(row.address);
    const auto resolved = Resolve(f, row.address);
    REQUIRE(resolved.has_value());
    CHECK(resolved->list_id == f.list.id);
    CHECK(resolved->address.role == row.role);
  }
}

TEST_CASE("list address: anything else is no list address", "[spool]") {
  ListFixture f;
  for (const char* address :
       {"nobody@lists.example.org", "demo@example.org", "demo-unknown@lists.example.org",
        "demo-request@other.example", "not an address", "", "@lists.example.org"}) {
    INFO(address);
    CHECK_FALSE(Resolve(f, address).has_value());
  }
}

TEST_CASE("list address: a list whose name has a role suffix still resolves its own addresses",
          "[spool]") {
  ListFixture f;
  listd::service::ListService lists(*f.store, "test");
  auto team = lists.CreateList("team-request@lists.example.org", "Odd", std::nullopt, kNow);
  REQUIRE(team.ok());
  // team-request@ is now the post address of that list, not demo's or a role.
  const auto post = Resolve(f, "team-request@lists.example.org");
  REQUIRE(post.has_value());
  CHECK(post->list_id == team->id);
  CHECK(post->address.role == AddressRole::kPost);
  const auto request = Resolve(f, "team-request-request@lists.example.org");
  REQUIRE(request.has_value());
  CHECK(request->list_id == team->id);
  CHECK(request->address.role == AddressRole::kRequest);
}

// service/list_address.h: "list names compare case-insensitively". A
// list created with capitals (listctl list create Team@...) must still
// receive its mail, whatever case the sender writes.
TEST_CASE("list address: a list whose local part has capitals resolves in any case", "[spool]") {
  ListFixture f;
  listd::service::ListService lists(*f.store, "test");
  auto team = lists.CreateList("Team@lists.example.org", "Team", std::nullopt, kNow);
  REQUIRE(team.ok());
  for (const char* address :
       {"Team@lists.example.org", "team@lists.example.org", "TEAM-request@lists.example.org"}) {
    INFO(address);
    const auto resolved = Resolve(f, address);
    REQUIRE(resolved.has_value());
    CHECK(resolved->list_id == team->id);
  }
}

TEST_CASE(
    "spool: SpoolPost with an unknown recipient fails and stores nothing, not even "
    "the good rows before it",
    "[spool]") {
  ListFixture f;
  auto spooled = SpoolPost(*f.store, "jane@example.org",
                           {"demo@lists.example.org", "nobody@lists.example.org"}, kPost, kNow);
  REQUIRE_FALSE(spooled.ok());
  CHECK(spooled.kind() == base::ErrorKind::kInvalid);
  CHECK_THAT(spooled.error(), Catch::Contains("nobody@lists.example.org"));
  CHECK(Pending(f).empty());

  // The store is still usable afterwards: the transaction was closed.
  auto good = SpoolPost(*f.store, "", {"demo-bounces@lists.example.org"}, kPost, kNow);
  REQUIRE(good.ok());
  REQUIRE(good->size() == 1);
  CHECK(Pending(f) == *good);
}

TEST_CASE("list address: RFC 5322 section 2.1, a pipe transport's bare LF is spooled as CRLF",
          "[spool]") {
  ListFixture f;
  auto spooled = SpoolPost(*f.store, "jane@example.org", {"demo@lists.example.org"},
                           "From: jane@example.org\nSubject: hi\n\nbody\r\nmore\n", kNow);
  REQUIRE(spooled.ok());
  auto post = f.store->spool().Find(spooled->front());
  REQUIRE(post.ok());
  REQUIRE(*post);
  CHECK((*post)->message == "From: jane@example.org\r\nSubject: hi\r\n\r\nbody\r\nmore\r\n");
}

// RFC 2033 section 4.2: the same forward-path may be given twice, and each
// RCPT still gets its reply; but a list address names one list and role,
// so one transaction is one post for it, whatever the case or the count
// (1,000 RCPTs of demo@ once made 1,000 copies for every member).
TEST_CASE(
    "spool: one post per list address per transaction, however often and in whatever case "
    "it is given",
    "[spool]") {
  ListFixture f;
  std::vector<std::string> recipients(1000, "demo@lists.example.org");
  recipients[1] = "DEMO@lists.example.org";
  recipients[2] = "demo@LISTS.EXAMPLE.ORG";
  auto spooled = SpoolPost(*f.store, "jane@example.org", recipients, kPost, kNow);
  REQUIRE(spooled.ok());
  const std::vector<int64_t> pending = Pending(f);
  REQUIRE(pending.size() == 1);
  // Every recipient is answered with the post its address resolved to.
  REQUIRE(spooled->size() == recipients.size());
  for (int64_t id : *spooled) CHECK(id == pending[0]);
  auto post = f.store->spool().Find(pending[0]);
  REQUIRE(post.ok());
  REQUIRE(*post);
  CHECK((*post)->recipient == "demo@lists.example.org");  // the first RCPT's spelling
}

TEST_CASE(
    "spool: different addresses of one list (post, -owner, VERP for two members) stay "
    "different posts",
    "[spool]") {
  ListFixture f;
  const std::vector<std::string> recipients = {
      "demo@lists.example.org",
      "demo-owner@lists.example.org",
      "demo-bounces+bob=example.org@lists.example.org",
      "demo-bounces+carol=example.org@lists.example.org",
      "Demo-Owner@lists.example.org",                    // the -owner again
      "demo-bounces+bob=EXAMPLE.org@lists.example.org",  // bob again: domains have no case
      "demo-confirm+AbC@lists.example.org",
      "demo-confirm+abc@lists.example.org",  // tokens keep their case: another token
  };
  auto spooled = SpoolPost(*f.store, "", recipients, kPost, kNow);
  REQUIRE(spooled.ok());
  REQUIRE(spooled->size() == recipients.size());
  const std::vector<int64_t>& ids = *spooled;
  CHECK(Pending(f).size() == 6);
  CHECK(ids[4] == ids[1]);
  CHECK(ids[5] == ids[2]);
  const std::set<int64_t> distinct = {ids[0], ids[1], ids[2], ids[3], ids[6], ids[7]};
  CHECK(distinct.size() == 6);
}

}  // namespace
