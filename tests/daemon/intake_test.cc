// Intake: which recipients are list addresses (list@, list-request@,
// list-bounces+user=host@ ...), RFC 2033 section 4.2 replies (one per
// recipient after DATA, 2xx only once the post is in the spool), RFC 3463
// enhanced codes (5.1.1 for no such address), and the spool written in one
// transaction, on a real store.
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "listd/daemon/intake.h"
#include "listd/service/list_service.h"
#include "tests/support/list_fixture.h"
#include "tests/support/test_mail.h"

namespace {

using listd::Intake;
using listd::ResolveListAddress;
using listd::SpoolPost;
using listd::lmtp::AddressRole;
using namespace pipeline_test;

std::optional<listd::ResolvedAddress> Resolve(ListFixture& f, std::string_view address) {
  auto resolved = ResolveListAddress(*f.store, address);
  REQUIRE(resolved.ok());
  return *resolved;
}

std::vector<int64_t> Pending(ListFixture& f) {
  auto pending = f.store->spool().Pending();
  REQUIRE(pending.ok());
  return *pending;
}

TEST_CASE("intake: a list's addresses resolve to the list and their role", "[intake]") {
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
      // Domains compare case-insensitively, and so do the suffixes.
      {"demo@LISTS.Example.Org", AddressRole::kPost},
      {"demo-REQUEST@lists.example.org", AddressRole::kRequest},
  };
  for (const Row& row : rows) {
    INFO(row.address);
    const auto resolved = Resolve(f, row.address);
    REQUIRE(resolved.has_value());
    CHECK(resolved->list_id == f.list.id);
    CHECK(resolved->role == row.role);
  }
}

TEST_CASE("intake: anything else is no list address", "[intake]") {
  ListFixture f;
  for (const char* address :
       {"nobody@lists.example.org", "demo@example.org", "demo-unknown@lists.example.org",
        "demo-request@other.example", "not an address", "", "@lists.example.org"}) {
    INFO(address);
    CHECK_FALSE(Resolve(f, address).has_value());
  }
}

TEST_CASE("intake: a list whose name has a role suffix still resolves its own addresses",
          "[intake]") {
  ListFixture f;
  listd::ListService lists(*f.store, "test");
  auto team = lists.CreateList("team-request@lists.example.org", "Odd", std::nullopt, kNow);
  REQUIRE(team.ok());
  // team-request@ is now the post address of that list, not demo's or a role.
  const auto post = Resolve(f, "team-request@lists.example.org");
  REQUIRE(post.has_value());
  CHECK(post->list_id == team->id);
  CHECK(post->role == AddressRole::kPost);
  const auto request = Resolve(f, "team-request-request@lists.example.org");
  REQUIRE(request.has_value());
  CHECK(request->list_id == team->id);
  CHECK(request->role == AddressRole::kRequest);
}

// listd/lmtp/list_address.h: "list names compare case-insensitively". A
// list created with capitals (listctl list create Team@...) must still
// receive its mail, whatever case the sender writes.
TEST_CASE("intake: a list whose local part has capitals resolves in any case",
          "[intake]") {
  ListFixture f;
  listd::ListService lists(*f.store, "test");
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
  Intake intake(
      *f.store, [&] { ++woken; }, [] { return kNow + 7; });
  listd::lmtp::Envelope envelope;
  envelope.mail_from = "jane@example.org";
  envelope.recipients = {"demo@lists.example.org", "demo-owner@lists.example.org"};
  const auto replies = intake.Deliver(envelope, kPost);
  REQUIRE(replies.size() == 2);
  CHECK(woken == 1);

  const std::vector<int64_t> pending = Pending(f);
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
    CHECK((*post)->state == "received");
  }
  CHECK(pending[0] != pending[1]);
}

TEST_CASE(
    "intake: SpoolPost with an unknown recipient fails and stores nothing, not even "
    "the good rows before it",
    "[intake]") {
  ListFixture f;
  auto spooled = SpoolPost(*f.store, "jane@example.org",
                           {"demo@lists.example.org", "nobody@lists.example.org"}, kPost, kNow);
  REQUIRE_FALSE(spooled.ok());
  CHECK_THAT(spooled.error(), Catch::Contains("nobody@lists.example.org"));
  CHECK(Pending(f).empty());

  // The store is still usable afterwards: the transaction was closed.
  auto good = SpoolPost(*f.store, "", {"demo-bounces@lists.example.org"}, kPost, kNow);
  REQUIRE(good.ok());
  REQUIRE(good->size() == 1);
  CHECK(Pending(f) == *good);
}

TEST_CASE("intake: RFC 5322 section 2.1, a pipe transport's bare LF is spooled as CRLF",
          "[intake]") {
  ListFixture f;
  auto spooled = SpoolPost(*f.store, "jane@example.org", {"demo@lists.example.org"},
                           "From: jane@example.org\nSubject: hi\n\nbody\r\nmore\n", kNow);
  REQUIRE(spooled.ok());
  auto post = f.store->spool().Find(spooled->front());
  REQUIRE(post.ok());
  REQUIRE(*post);
  CHECK((*post)->message == "From: jane@example.org\r\nSubject: hi\r\n\r\nbody\r\nmore\r\n");
}

TEST_CASE(
    "intake: RFC 2033 section 4.2, a DATA that cannot be spooled is 451 4.3.0 for "
    "every recipient and wakes no one",
    "[intake]") {
  ListFixture f;
  int woken = 0;
  Intake intake(
      *f.store, [&] { ++woken; }, [] { return kNow; });
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

}  // namespace
