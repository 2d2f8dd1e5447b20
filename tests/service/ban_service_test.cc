// BanService and MemberService::SetMemberOptions on a real store: each
// write one transaction with its event, errors with kinds (base/result.h),
// and Banned(), the question the subscription service asks before anyone
// joins (a list's ban first, then the site's; addresses compared as members
// are, without regard to ASCII case, RFC 5321 section 2.4).
#include <catch2/catch.hpp>
#include <optional>
#include <string>

#include "listd/service/ban_service.h"
#include "listd/service/member_service.h"
#include "tests/support/list_fixture.h"

namespace {

using base::ErrorKind;
using listd::service::BanService;
using listd::service::MemberOptions;
using listd::service::MemberService;
using namespace pipeline_test;

constexpr int64_t kAt = 1800000000;

base::EmailAddress Address(const std::string& text) { return *base::EmailAddress::Parse(text); }

int64_t EventCount(storage::Store& store, const std::string& action) {
  auto events = store.events().Recent(std::nullopt, 1000);
  REQUIRE(events.ok());
  int64_t n = 0;
  for (const auto& e : *events) n += e.action == action ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("ban service: add, list, Banned and remove, per list and site-wide", "[bans]") {
  ListFixture f;
  BanService bans(*f.store, "test");
  auto list_ban = bans.AddBan(std::string_view(kListAddress), "Troll@Example.net", "flames", kAt);
  REQUIRE(list_ban.ok());
  CHECK(list_ban->pattern == "Troll@example.net");
  CHECK(list_ban->list_id == f.list.id);
  REQUIRE(bans.AddBan(std::nullopt, "*@*.spam.example", "", kAt).ok());
  CHECK(EventCount(*f.store, "ban.add") == 2);

  CHECK(*bans.Banned(f.list.id, Address("troll@EXAMPLE.net")) ==
        std::optional<std::string>("Troll@example.net"));
  CHECK(*bans.Banned(f.list.id, Address("a@mx.spam.example")) ==
        std::optional<std::string>("*@*.spam.example"));
  CHECK_FALSE(bans.Banned(f.list.id, Address("a@spam.example"))->has_value());
  CHECK_FALSE(bans.Banned(f.list.id, Address("jane@example.org"))->has_value());

  CHECK(bans.ListBans(std::string_view(kListAddress))->size() == 1);
  CHECK(bans.ListBans(std::nullopt)->size() == 1);
  REQUIRE(bans.RemoveBan(std::string_view(kListAddress), "troll@example.net", kAt).ok());
  CHECK(EventCount(*f.store, "ban.remove") == 1);
  CHECK_FALSE(bans.Banned(f.list.id, Address("troll@example.net"))->has_value());
}

TEST_CASE("ban service: errors have kinds and change nothing", "[bans][errors]") {
  ListFixture f;
  BanService bans(*f.store, "test");
  CHECK(bans.AddBan(std::nullopt, "*@com", "", kAt).kind() == ErrorKind::kInvalid);
  CHECK(bans.AddBan(std::nullopt, "a@b.example", "two\nlines", kAt).kind() == ErrorKind::kInvalid);
  CHECK(bans.AddBan(std::string_view("nosuch@lists.example.org"), "a@b.example", "", kAt).kind() ==
        ErrorKind::kNotFound);
  REQUIRE(bans.AddBan(std::nullopt, "a@b.example", "", kAt).ok());
  CHECK(bans.AddBan(std::nullopt, "A@B.example", "", kAt).kind() == ErrorKind::kConflict);
  CHECK(bans.RemoveBan(std::string_view(kListAddress), "a@b.example", kAt).kind() ==
        ErrorKind::kNotFound);
  CHECK(EventCount(*f.store, "ban.add") == 1);
  CHECK(EventCount(*f.store, "ban.remove") == 0);
}

TEST_CASE("member service: set moderated and delivery, one event, errors with kinds", "[members]") {
  ListFixture f;
  f.AddMembers({"jane@example.org"});
  MemberService members(*f.store, "test");
  MemberOptions options;
  options.moderated = true;
  options.delivery = storage::Delivery::kDisabledByUser;
  auto set = members.SetMemberOptions(kListAddress, "JANE@example.org", options, kAt);
  REQUIRE(set.ok());
  CHECK(set->moderated);
  CHECK(set->delivery == storage::Delivery::kDisabledByUser);
  auto stored = f.store->members().Find(f.list.id, Address("jane@example.org"));
  REQUIRE((stored.ok() && *stored));
  CHECK((*stored)->moderated);
  CHECK((*stored)->delivery == storage::Delivery::kDisabledByUser);
  CHECK(EventCount(*f.store, "member.set") == 1);

  CHECK(members.SetMemberOptions(kListAddress, "nobody@example.org", options, kAt).kind() ==
        ErrorKind::kNotFound);
  CHECK(members.SetMemberOptions(kListAddress, "jane@example.org", MemberOptions{}, kAt).kind() ==
        ErrorKind::kInvalid);
  CHECK(members.SetMemberOptions(kListAddress, "not an address", options, kAt).kind() ==
        ErrorKind::kInvalid);
  CHECK(EventCount(*f.store, "member.set") == 1);
}
