// Errors with kinds at the service boundary (base/result.h): every face
// (listctl's exit status, the REST API's HTTP status) tells "no such list"
// from "invalid input" from "already there" from "the store is locked"
// by the kind alone, so each operation's failures are checked here on a
// real store.
#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "dkim/txt_resolver.h"
#include "listd/service/doctor.h"
#include "listd/service/key_service.h"
#include "listd/service/list_service.h"
#include "listd/service/member_service.h"
#include "listd/service/moderation.h"
#include "tests/support/list_fixture.h"
#include "tests/support/test_mail.h"

namespace {

using base::ErrorKind;
using listd::service::KeyService;
using listd::service::ListService;
using listd::service::MemberService;
using storage::KeyAlgorithm;
using namespace pipeline_test;

template <typename T>
ErrorKind KindOf(const base::Result<T>& result) {
  INFO((result.ok() ? std::string("it succeeded") : result.error()));
  REQUIRE_FALSE(result.ok());
  return result.kind();
}

TEST_CASE("service errors: lists", "[errors]") {
  ListFixture f;
  ListService lists(*f.store, "test");
  CHECK(KindOf(lists.CreateList("not-an-address", "", std::nullopt, kNow)) == ErrorKind::kInvalid);
  CHECK(KindOf(lists.CreateList("x@lists.example.org", "", std::string("boss@"), kNow)) ==
        ErrorKind::kInvalid);
  CHECK(KindOf(lists.CreateList("DEMO@lists.example.org", "", std::nullopt, kNow)) ==
        ErrorKind::kConflict);
  CHECK(KindOf(lists.Show("nosuch@lists.example.org")) == ErrorKind::kNotFound);
  CHECK(KindOf(lists.Set("nosuch@lists.example.org", {{"arc", "off"}}, {}, kNow)) ==
        ErrorKind::kNotFound);
  CHECK(KindOf(lists.Set(kListAddress, {{"arc", "maybe"}}, {}, kNow)) == ErrorKind::kInvalid);
  CHECK(KindOf(lists.Set(kListAddress, {{"colour", "blue"}}, {}, kNow)) == ErrorKind::kInvalid);
  CHECK(KindOf(lists.Set(kListAddress, {}, {"colour"}, kNow)) == ErrorKind::kInvalid);
  CHECK(KindOf(lists.Set(kListAddress, {}, {}, kNow)) == ErrorKind::kInvalid);
  CHECK(KindOf(lists.RemoveList("nosuch@lists.example.org", kNow)) == ErrorKind::kNotFound);
  auto no_list = lists.Show("nosuch@lists.example.org");
  CHECK(no_list.error() == "no list nosuch@lists.example.org");
}

TEST_CASE("service errors: a list name that would reach List-Id with a line break is refused",
          "[errors]") {
  // Hardening finding 7: `list create --name $'Evil\r\nBcc: x'` put a Bcc
  // line in every copy; an ESC reached List-Id raw.
  ListFixture f;
  ListService lists(*f.store, "test");
  for (const char* name :
       {"Evil\r\nBcc: victim@example.org", "Evil\nBcc: x", "esc \x1b[2J", "bell\x07",
        "c1 \xc2\x9b"
        "31m"}) {
    INFO(name);
    CHECK(KindOf(lists.CreateList("evil@lists.example.org", name, std::nullopt, kNow)) ==
          ErrorKind::kInvalid);
  }
  CHECK(KindOf(lists.CreateList("evil@lists.example.org", std::string(201, 'x'), std::nullopt,
                                kNow)) == ErrorKind::kInvalid);
  CHECK(KindOf(lists.FindList("evil@lists.example.org")) == ErrorKind::kNotFound);  // none made
  CHECK(
      lists.CreateList("fine@lists.example.org", "Caf\xc3\xa9 & friends", std::nullopt, kNow).ok());
}

TEST_CASE("service errors: members", "[errors]") {
  ListFixture f;
  MemberService members(*f.store, "test");
  CHECK(KindOf(members.AddMembers(kListAddress, {"good@example.org", "bad@@example"},
                                  storage::MemberRole::kMember, kNow)) == ErrorKind::kInvalid);
  CHECK(KindOf(members.AddMembers(kListAddress, {"Evil\r\nBcc: x <a@example.org>"},
                                  storage::MemberRole::kMember, kNow)) == ErrorKind::kInvalid);
  CHECK(KindOf(members.AddMembers("nosuch@lists.example.org", {"a@example.org"},
                                  storage::MemberRole::kMember, kNow)) == ErrorKind::kNotFound);
  CHECK(KindOf(members.RemoveMembers("nosuch@lists.example.org", {"a@example.org"}, kNow)) ==
        ErrorKind::kNotFound);
  std::istringstream in("a@example.org\n");
  CHECK(KindOf(members.ImportMembers("nosuch@lists.example.org", in, kNow)) ==
        ErrorKind::kNotFound);
  std::ostringstream out;
  CHECK(KindOf(members.ExportMembers("nosuch@lists.example.org", out)) == ErrorKind::kNotFound);
}

TEST_CASE("service errors: keys and the rollover", "[errors]") {
  ListFixture f;
  KeyService keys(*f.store, "test");
  dkim::StaticTxtResolver dns;
  CHECK(KindOf(keys.Generate(kListAddress, KeyAlgorithm::kRsa, 512, std::nullopt, kNow)) ==
        ErrorKind::kInvalid);
  CHECK(KindOf(keys.Generate("nosuch@lists.example.org", KeyAlgorithm::kEd25519, 256, std::nullopt,
                             kNow)) == ErrorKind::kNotFound);
  CHECK(KindOf(keys.Dns(kListAddress, std::nullopt)) == ErrorKind::kNotFound);  // none yet
  CHECK(KindOf(keys.Rotate(kListAddress, std::nullopt, std::nullopt, kNow)) ==
        ErrorKind::kConflict);  // nothing active to rotate
  REQUIRE(keys.Generate(kListAddress, KeyAlgorithm::kEd25519, 256, std::string("s1"), kNow).ok());
  CHECK(KindOf(keys.Generate(kListAddress, KeyAlgorithm::kEd25519, 256, std::string("s1"),
                             kNow)) == ErrorKind::kConflict);  // the selector is taken
  CHECK(KindOf(keys.Retire(kListAddress, {"s1", {}}, kNow)) == ErrorKind::kConflict);
  CHECK(KindOf(keys.Retire(kListAddress, {"s9", {}}, kNow)) == ErrorKind::kNotFound);
  CHECK(KindOf(keys.Activate(kListAddress, {"s1", {}}, nullptr, false, kNow)) ==
        ErrorKind::kInvalid);  // no DNS and no force: nothing to go on
  REQUIRE(keys.Activate(kListAddress, {"s1", {}}, nullptr, true, kNow)->activated);
  CHECK(KindOf(keys.Activate(kListAddress, {"s1", {}}, &dns, false, kNow)) ==
        ErrorKind::kConflict);  // already active
  CHECK(KindOf(keys.Remove(kListAddress, {"s1", {}}, false, kNow)) == ErrorKind::kConflict);
  CHECK(KindOf(keys.Import(kListAddress, "s2", "not a key", kNow)) == ErrorKind::kInvalid);
  REQUIRE(keys.Generate(kListAddress, KeyAlgorithm::kRsa, 2048, std::string("s1"), kNow).ok());
  CHECK(KindOf(keys.Export(kListAddress, {"s1", {}}, kNow)) == ErrorKind::kInvalid);  // ambiguous
  CHECK(keys.Export(kListAddress, {"s1", KeyAlgorithm::kRsa}, kNow).ok());
  CHECK(KindOf(listd::service::Diagnose(*f.store, "nosuch@lists.example.org", dns, kNow)) ==
        ErrorKind::kNotFound);
}

TEST_CASE("service errors: held posts", "[errors]") {
  ListFixture f;
  listd::service::ModerationService moderation(*f.store, {}, [] { return kNow; });
  AuthFixture auth;
  CHECK(KindOf(moderation.Show(42)) == ErrorKind::kNotFound);
  CHECK(KindOf(moderation.Approve(42, auth.keys, &auth.dns)) == ErrorKind::kNotFound);
  CHECK(KindOf(moderation.Reject(42, "no")) == ErrorKind::kNotFound);
  CHECK(KindOf(moderation.Discard(42)) == ErrorKind::kNotFound);
  CHECK(KindOf(moderation.HeldPosts("nosuch@lists.example.org")) == ErrorKind::kNotFound);
  CHECK(KindOf(moderation.HeldPosts("nonsense")) == ErrorKind::kInvalid);
}

TEST_CASE("service errors: a store another process keeps locked is unavailable, not broken",
          "[errors]") {
  ListFixture f;
  // A second connection takes the write lock and keeps it.
  storage::StoreOptions options;
  options.db_path = f.dir.File("listd.db");
  options.busy_timeout_ms = 50;
  auto other = storage::Store::Open(options);
  REQUIRE(other.ok());
  storage::Transaction holding = (*other)->Begin();
  REQUIRE(holding.begun().ok());

  auto waiting = storage::Store::Open(options);
  REQUIRE(waiting.ok());
  ListService lists(**waiting, "test");
  CHECK(KindOf(lists.CreateList("new@lists.example.org", "", std::nullopt, kNow)) ==
        ErrorKind::kUnavailable);
  MemberService members(**waiting, "test");
  CHECK(KindOf(members.AddMembers(kListAddress, {"a@example.org"}, storage::MemberRole::kMember,
                                  kNow)) == ErrorKind::kUnavailable);
}

}  // namespace
