// RequestRepository and MailLog on a real SQLite file: one request per
// (list, address, action) with the address compared as members' are (RFC
// 5321 section 2.4 leaves the local part's case to the host; we fold it,
// as Mailman does); the mail log's counts by kind, list, address and time,
// which the subscription limits read; and Token Find/UseAllFor, which tell
// a used token from an unknown one.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "storage/database.h"
#include "storage/list_repository.h"
#include "storage/mail_log.h"
#include "storage/request_repository.h"
#include "storage/token_repository.h"
#include "tests/support/temp_dir.h"

namespace {

using storage::RequestAction;
using storage::RequestRecord;
using storage::RequestState;

struct RequestFixture {
  storage_test::TempDir dir;
  std::unique_ptr<storage::Database> db;
  int64_t list_id = 0;
  RequestFixture() {
    auto opened = storage::Database::Open(dir.File("listd.db"));
    REQUIRE(opened.ok());
    db = std::move(opened).value();
    list_id = storage::ListRepository(*db)
                  .Create(*base::EmailAddress::Parse("discuss@example.org"), 1)
                  ->id;
  }
  RequestRecord Request(const std::string& address, RequestAction action) const {
    RequestRecord r;
    r.list_id = list_id;
    r.address = *base::EmailAddress::Parse(address);
    r.action = action;
    r.state = RequestState::kConfirming;
    r.via = "mail";
    r.created_at = 100;
    r.expires_at = 200;
    return r;
  }
};

TEST_CASE("requests: one per list, address and action, whatever the address's case",
          "[storage][requests]") {
  RequestFixture f;
  storage::RequestRepository requests(*f.db);
  auto id = requests.Add(f.Request("Joe.Bloggs@Example.org", RequestAction::kJoin));
  REQUIRE(id.ok());
  CHECK_FALSE(requests.Add(f.Request("joe.bloggs@example.ORG", RequestAction::kJoin)).ok());
  CHECK(requests.Add(f.Request("joe.bloggs@example.org", RequestAction::kLeave)).ok());
  auto found = requests.FindFor(f.list_id, *base::EmailAddress::Parse("JOE.BLOGGS@example.org"),
                                RequestAction::kJoin);
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK((*found)->id == *id);
  CHECK((*found)->address.local_part == "Joe.Bloggs");  // kept as first given
  CHECK((*found)->address.domain == "example.org");
}

TEST_CASE("requests: move to moderating, list by state, renew, remove", "[storage][requests]") {
  RequestFixture f;
  storage::RequestRepository requests(*f.db);
  auto a = requests.Add(f.Request("a@example.org", RequestAction::kJoin));
  auto b = requests.Add(f.Request("b@example.org", RequestAction::kJoin));
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(requests.SetState(*b, RequestState::kModerating, 900).ok());
  auto moderating = requests.ForList(f.list_id, RequestState::kModerating);
  REQUIRE(moderating.ok());
  REQUIRE(moderating->size() == 1);
  CHECK((*moderating)[0].id == *b);
  CHECK((*moderating)[0].expires_at == 900);
  REQUIRE(requests.Renew(*a, 500).ok());
  CHECK(requests.Find(*a)->value().expires_at == 500);
  REQUIRE(requests.Remove(*a).ok());
  CHECK_FALSE(requests.Find(*a)->has_value());
  auto gone = requests.Remove(*a);
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.failure().kind == base::ErrorKind::kNotFound);
}

TEST_CASE("mail log: counts by kind, list, address, client and since", "[storage][mail_log]") {
  RequestFixture f;
  storage::MailLog log(*f.db);
  REQUIRE(log.Record(f.list_id, "confirm-join", "Ann@Example.org", 1000).ok());
  REQUIRE(log.Record(f.list_id, "confirm-join", "bob@example.org", 1500).ok());
  REQUIRE(log.Record(f.list_id, "reply", "ann@example.org", 1600).ok());
  REQUIRE(log.Record(std::nullopt, "confirm-join", "cy@example.org", 1700).ok());
  auto count = [&](storage::MailCount c) {
    auto n = log.Count(c);
    REQUIRE(n.ok());
    return *n;
  };
  CHECK(count({"confirm-join", std::nullopt, "", 0, ""}) == 3);
  CHECK(count({"confirm-join", f.list_id, "", 0, ""}) == 2);
  CHECK(count({"confirm-join", f.list_id, "ANN@example.org", 0, ""}) == 1);
  CHECK(count({"confirm-join", f.list_id, "", 1200, ""}) == 1);
  CHECK(count({"", f.list_id, "ann@example.org", 0, ""}) == 2);
  // The web client that asked for a confirmation (schema step 9): the
  // per-client cap counts its rows only.
  REQUIRE(log.Record(f.list_id, "confirm-join", "eve@example.org", 1800, "192.0.2.7").ok());
  CHECK(count({"confirm-join", std::nullopt, "", 0, "192.0.2.7"}) == 1);
  CHECK(count({"confirm-join", std::nullopt, "", 0, "192.0.2.8"}) == 0);
  CHECK(count({"confirm-join", std::nullopt, "", 0, ""}) == 4);
  // A day on, old rows of the kind are pruned as a new one is written.
  REQUIRE(log.Record(f.list_id, "confirm-join", "dee@example.org", 1000 + 24 * 3600 + 1).ok());
  CHECK(count({"confirm-join", std::nullopt, "", 0, ""}) == 4);
}

TEST_CASE("tokens: Find tells a used token from an unknown one, UseAllFor retires a request's",
          "[storage][tokens]") {
  RequestFixture f;
  storage::TokenRepository tokens(*f.db);
  storage::TokenRecord record;
  record.list_id = f.list_id;
  record.purpose = "join";
  record.address = "ann@example.org";
  record.payload = "7";
  record.created_at = 10;
  record.expires_at = 1000;
  const std::string first = storage::NewToken(), second = storage::NewToken();
  REQUIRE(tokens.Add(first, record).ok());
  REQUIRE(tokens.Add(second, record).ok());
  auto found = tokens.Find(first);
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK_FALSE((*found)->used_at.has_value());
  CHECK((*found)->record.payload == "7");
  REQUIRE(tokens.UseAllFor("join", "7", 50).ok());
  for (const std::string& token : {first, second}) {
    auto used = tokens.Find(token);
    REQUIRE(used.ok());
    REQUIRE(used->has_value());
    CHECK((*used)->used_at == std::optional<int64_t>(50));
    auto redeemed = tokens.Redeem(token, 60);
    REQUIRE(redeemed.ok());
    CHECK_FALSE(redeemed->has_value());
  }
  auto unknown = tokens.Find(storage::NewToken());
  REQUIRE(unknown.ok());
  CHECK_FALSE(unknown->has_value());
}

}  // namespace
