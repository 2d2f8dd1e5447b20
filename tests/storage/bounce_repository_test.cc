// BounceRepository on a real SQLite file (storage/bounce_repository.h,
// schema step 7): the defaults of a member whose mail never failed, a
// whole round trip, Clear, the walk over one list's tracked members only,
// what `bounce ls` lists, the unrecognised bounces waiting for the owners'
// digest (each in one digest, pruned a month after), the lists the chores
// visit, and the cascade when a member or a list goes.
#include "storage/bounce_repository.h"

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "storage/database.h"
#include "storage/list_repository.h"
#include "storage/member_repository.h"
#include "tests/support/temp_dir.h"

namespace {

using storage::BounceInfo;
using storage::BounceRepository;
using storage::MemberBounce;
using storage::ProbeState;

constexpr int64_t kNow = 1800000000;
constexpr int64_t kDay = 86400;

base::EmailAddress Address(const std::string& text) { return *base::EmailAddress::Parse(text); }

struct BounceFixture {
  storage_test::TempDir dir;
  std::unique_ptr<storage::Database> db;
  int64_t list_id = 0;
  int64_t other_id = 0;
  BounceFixture() {
    auto opened = storage::Database::Open(dir.File("listd.db"));
    REQUIRE(opened.ok());
    db = std::move(opened).value();
    storage::ListRepository lists(*db);
    list_id = lists.Create(Address("demo@example.org"), 1)->id;
    other_id = lists.Create(Address("other@example.org"), 1)->id;
  }
  int64_t Member(int64_t list, const std::string& address) {
    storage::MemberRepository members(*db);
    REQUIRE(*members.Add(list, Address(address), storage::MemberRole::kMember, kNow));
    auto found = members.Find(list, Address(address));
    REQUIRE(found.ok());
    REQUIRE(found->has_value());
    return (*found)->id;
  }
  // A row of bounce state for `member_id` that differs from the defaults.
  static BounceInfo Failed(int64_t member_id, int64_t at = kNow) {
    BounceInfo info;
    info.member_id = member_id;
    info.last_failure_at = at;
    info.last_failure = "5.1.1 user unknown";
    return info;
  }
  // The post ids of every unrecognized_bounces row still stored.
  std::vector<int64_t> Kept() {
    auto query = db->Prepare("SELECT post_id FROM unrecognized_bounces ORDER BY post_id");
    REQUIRE(query.ok());
    std::vector<int64_t> posts;
    for (;;) {
      auto row = (*query)->Step();
      REQUIRE(row.ok());
      if (!*row) break;
      posts.push_back((*query)->ColumnInt(0));
    }
    (*query)->Reset();
    return posts;
  }
  std::vector<int64_t> Tracked(int64_t list) {
    std::vector<int64_t> ids;
    REQUIRE(BounceRepository(*db)
                .ForEachTracked(list,
                                [&](const MemberBounce& m) {
                                  ids.push_back(m.member.id);
                                  return true;
                                })
                .ok());
    return ids;
  }
};

}  // namespace

TEST_CASE("bounce state: a member whose mail never failed reads the defaults",
          "[storage][bounces]") {
  BounceFixture f;
  const int64_t alice = f.Member(f.list_id, "alice@example.net");
  auto info = BounceRepository(*f.db).Get(alice);
  REQUIRE(info.ok());
  CHECK(info->member_id == alice);
  CHECK(info->last_failure_at == 0);
  CHECK(info->last_failure.empty());
  CHECK(info->probe == ProbeState::kNone);
  CHECK(info->probe_sent_at == 0);
  CHECK(info->disabled_at == 0);
  CHECK_FALSE(info->owners_told);
  CHECK(info->warnings_sent == 0);
  CHECK(info->last_warning_at == 0);
  CHECK(f.Tracked(f.list_id).empty());  // no row was made by reading
}

TEST_CASE("bounce state: Put writes every field and Get reads them back, Put again overwrites",
          "[storage][bounces]") {
  BounceFixture f;
  BounceRepository bounces(*f.db);
  const int64_t alice = f.Member(f.list_id, "alice@example.net");
  BounceInfo info;
  info.member_id = alice;
  info.last_failure_at = kNow;
  info.last_failure = "5.2.2 mailbox full";
  info.probe = ProbeState::kSent;
  info.probe_sent_at = kNow + 1;
  info.disabled_at = kNow + 2;
  info.owners_told = true;
  info.warnings_sent = 2;
  info.last_warning_at = kNow + 3;
  REQUIRE(bounces.Put(info).ok());
  auto read = bounces.Get(alice);
  REQUIRE(read.ok());
  CHECK(read->last_failure_at == kNow);
  CHECK(read->last_failure == "5.2.2 mailbox full");
  CHECK(read->probe == ProbeState::kSent);
  CHECK(read->probe_sent_at == kNow + 1);
  CHECK(read->disabled_at == kNow + 2);
  CHECK(read->owners_told);
  CHECK(read->warnings_sent == 2);
  CHECK(read->last_warning_at == kNow + 3);

  info.probe = ProbeState::kDue;
  info.owners_told = false;
  info.warnings_sent = 0;
  REQUIRE(bounces.Put(info).ok());
  read = bounces.Get(alice);
  REQUIRE(read.ok());
  CHECK(read->probe == ProbeState::kDue);
  CHECK_FALSE(read->owners_told);
  CHECK(read->warnings_sent == 0);
  CHECK(storage::ToString(ProbeState::kNone) == "none");
  CHECK(storage::ToString(ProbeState::kDue) == "due");
  CHECK(storage::ToString(ProbeState::kSent) == "sent");
}

TEST_CASE("bounce state: Clear returns a member to the defaults and stops tracking them",
          "[storage][bounces]") {
  BounceFixture f;
  BounceRepository bounces(*f.db);
  const int64_t alice = f.Member(f.list_id, "alice@example.net");
  REQUIRE(bounces.Put(BounceFixture::Failed(alice)).ok());
  CHECK(f.Tracked(f.list_id) == std::vector<int64_t>{alice});
  REQUIRE(bounces.Clear(alice).ok());
  CHECK(bounces.Get(alice)->last_failure_at == 0);
  CHECK(f.Tracked(f.list_id).empty());
}

TEST_CASE("bounce state: ForEachTracked walks only that list's members with state, in id order",
          "[storage][bounces]") {
  BounceFixture f;
  BounceRepository bounces(*f.db);
  const int64_t carol = f.Member(f.list_id, "carol@example.net");
  const int64_t alice = f.Member(f.list_id, "alice@example.net");
  f.Member(f.list_id, "quiet@example.net");  // no state: not walked
  const int64_t elsewhere = f.Member(f.other_id, "alice@example.net");
  REQUIRE(bounces.Put(BounceFixture::Failed(alice)).ok());
  REQUIRE(bounces.Put(BounceFixture::Failed(carol)).ok());
  REQUIRE(bounces.Put(BounceFixture::Failed(elsewhere)).ok());
  CHECK(f.Tracked(f.list_id) == std::vector<int64_t>{carol, alice});  // ids, not addresses
  CHECK(f.Tracked(f.other_id) == std::vector<int64_t>{elsewhere});
  int calls = 0;
  REQUIRE(bounces.ForEachTracked(f.list_id, [&](const MemberBounce&) { return ++calls < 1; }).ok());
  CHECK(calls == 1);  // false stops the walk
}

TEST_CASE("bounce state: Listed shows members with a score, a row or disabled by bounce",
          "[storage][bounces]") {
  BounceFixture f;
  BounceRepository bounces(*f.db);
  storage::MemberRepository members(*f.db);
  const int64_t zed = f.Member(f.list_id, "zed@example.net");
  const int64_t amy = f.Member(f.list_id, "amy@example.net");
  const int64_t bea = f.Member(f.list_id, "bea@example.net");
  f.Member(f.list_id, "quiet@example.net");
  const int64_t off = f.Member(f.list_id, "self@example.net");
  const int64_t other = f.Member(f.other_id, "amy@example.net");
  REQUIRE(bounces.Put(BounceFixture::Failed(zed)).ok());  // a row
  REQUIRE(members.SetBounceScore(amy, 2).ok());           // a score, no row
  REQUIRE(members.SetDelivery(bea, storage::Delivery::kDisabledByBounce).ok());
  REQUIRE(members.SetDelivery(off, storage::Delivery::kDisabledByUser).ok());  // not bounces'
  REQUIRE(bounces.Put(BounceFixture::Failed(other)).ok());
  auto listed = bounces.Listed(f.list_id);
  REQUIRE(listed.ok());
  std::vector<std::string> who;
  for (const MemberBounce& m : *listed) who.push_back(m.member.address.ToString());
  CHECK(who == std::vector<std::string>{"amy@example.net", "bea@example.net", "zed@example.net"});
  CHECK((*listed)[0].info.member_id == amy);  // the defaults, under its member
  CHECK((*listed)[0].info.last_failure_at == 0);
  CHECK((*listed)[0].member.bounce_score == 2);
  CHECK((*listed)[2].info.last_failure == "5.1.1 user unknown");
}

TEST_CASE("unrecognised bounces: kept undigested oldest first, marked once, LastDigestAt",
          "[storage][bounces]") {
  BounceFixture f;
  BounceRepository bounces(*f.db);
  CHECK(*bounces.LastDigestAt(f.list_id) == 0);
  auto first = bounces.AddUnrecognized(f.list_id, 11, "post 11 from a@b: naming nobody", kNow);
  auto second = bounces.AddUnrecognized(f.list_id, 12, "post 12", kNow + 5);
  auto theirs = bounces.AddUnrecognized(f.other_id, 13, "post 13", kNow);
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  REQUIRE(theirs.ok());
  auto pending = bounces.Undigested(f.list_id, 10);
  REQUIRE(pending.ok());
  REQUIRE(pending->size() == 2);
  CHECK((*pending)[0].id == *first);
  CHECK((*pending)[0].list_id == f.list_id);
  CHECK((*pending)[0].post_id == 11);
  CHECK((*pending)[0].received_at == kNow);
  CHECK((*pending)[0].summary == "post 11 from a@b: naming nobody");
  CHECK((*pending)[1].id == *second);
  CHECK(bounces.Undigested(f.list_id, 1)->size() == 1);  // the limit

  REQUIRE(bounces.MarkDigested({*first}, kNow + 100).ok());
  pending = bounces.Undigested(f.list_id, 10);
  REQUIRE(pending.ok());
  REQUIRE(pending->size() == 1);
  CHECK((*pending)[0].id == *second);
  CHECK(*bounces.LastDigestAt(f.list_id) == kNow + 100);
  CHECK(*bounces.LastDigestAt(f.other_id) == 0);  // another list's digest is its own
  CHECK(bounces.Undigested(f.other_id, 10)->size() == 1);
}

TEST_CASE("unrecognised bounces: digested ones are forgotten 30 days after, the newest stay",
          "[storage][bounces]") {
  BounceFixture f;
  BounceRepository bounces(*f.db);
  auto old_one = bounces.AddUnrecognized(f.list_id, 1, "old", kNow);
  REQUIRE(bounces.MarkDigested({*old_one}, kNow).ok());
  CHECK(f.Kept() == std::vector<int64_t>{1});
  // 30 days to the second after its digest: still kept.
  auto day30 = bounces.AddUnrecognized(f.list_id, 2, "day 30", kNow + 30 * kDay);
  REQUIRE(bounces.MarkDigested({*day30}, kNow + 30 * kDay).ok());
  CHECK(f.Kept() == std::vector<int64_t>{1, 2});
  // A second more: the first is forgotten, the undigested one is not.
  auto waiting = bounces.AddUnrecognized(f.list_id, 3, "waiting", kNow + 30 * kDay);
  auto day30s = bounces.AddUnrecognized(f.list_id, 4, "day 30 and a second", kNow + 30 * kDay);
  REQUIRE(bounces.MarkDigested({*day30s}, kNow + 30 * kDay + 1).ok());
  CHECK(f.Kept() == std::vector<int64_t>{2, 3, 4});
  CHECK(*bounces.LastDigestAt(f.list_id) == kNow + 30 * kDay + 1);
  // Long after: only the newest digest and what still waits remain.
  REQUIRE(bounces.MarkDigested({*waiting}, kNow + 90 * kDay).ok());
  CHECK(f.Kept() == std::vector<int64_t>{3});
  CHECK(*bounces.LastDigestAt(f.list_id) == kNow + 90 * kDay);
}

TEST_CASE("bounce work: ListsWithWork names lists with tracked members or undigested bounces",
          "[storage][bounces]") {
  BounceFixture f;
  BounceRepository bounces(*f.db);
  CHECK(bounces.ListsWithWork()->empty());
  const int64_t alice = f.Member(f.list_id, "alice@example.net");
  REQUIRE(bounces.Put(BounceFixture::Failed(alice)).ok());
  CHECK(*bounces.ListsWithWork() == std::vector<int64_t>{f.list_id});
  auto kept = bounces.AddUnrecognized(f.other_id, 1, "post 1", kNow);
  CHECK(*bounces.ListsWithWork() == std::vector<int64_t>{f.list_id, f.other_id});
  REQUIRE(bounces.MarkDigested({*kept}, kNow).ok());
  REQUIRE(bounces.Clear(alice).ok());
  CHECK(bounces.ListsWithWork()->empty());  // digested bounces are no work
}

TEST_CASE("bounce state: removing the member or the list removes its rows (ON DELETE CASCADE)",
          "[storage][bounces]") {
  BounceFixture f;
  BounceRepository bounces(*f.db);
  storage::MemberRepository members(*f.db);
  const int64_t alice = f.Member(f.list_id, "alice@example.net");
  const int64_t bob = f.Member(f.other_id, "bob@example.net");
  REQUIRE(bounces.Put(BounceFixture::Failed(alice)).ok());
  REQUIRE(bounces.Put(BounceFixture::Failed(bob)).ok());
  REQUIRE(bounces.AddUnrecognized(f.other_id, 1, "post 1", kNow).ok());
  REQUIRE(*members.Remove(f.list_id, Address("alice@example.net")));
  CHECK(f.Tracked(f.list_id).empty());
  CHECK(bounces.Get(alice)->last_failure_at == 0);
  // A member of the same address added again starts from nothing.
  const int64_t again = f.Member(f.list_id, "alice@example.net");
  CHECK(bounces.Get(again)->last_failure_at == 0);

  REQUIRE(storage::ListRepository(*f.db).Remove(f.other_id).ok());
  CHECK(bounces.Get(bob)->last_failure_at == 0);
  CHECK(bounces.Undigested(f.other_id, 10)->empty());
  CHECK(bounces.ListsWithWork()->empty());
}
