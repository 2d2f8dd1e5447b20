// Hardening finding 9, seen from the pipeline and the service: a member
// subscribed as alice@example.net who writes From: ALICE@Example.NET is the
// member (she was a non-member before), and subscribing Alice@ beside
// alice@ adds no second copy of every post.
#include <catch2/catch.hpp>
#include <string>

#include "listd/pipeline/admit.h"
#include "listd/service/member_service.h"
#include "tests/support/list_fixture.h"
#include "tests/support/test_mail.h"

namespace {

using namespace pipeline_test;

TEST_CASE("member case: From in another case than the subscription is the member",
          "[admit][members]") {
  ListFixture f;
  f.AddMembers({"alice@example.net"});
  const std::string post =
      "From: Alice <ALICE@Example.NET>\r\nTo: demo@lists.example.org\r\nSubject: hi\r\n\r\nhi\r\n";
  listd::pipeline::AdmitPolicy policy;
  auto facts = listd::pipeline::GatherFacts(post, f.list.id, policy, f.store->members());
  REQUIRE(facts.ok());
  REQUIRE(facts->sender.role.has_value());
  CHECK(*facts->sender.role == storage::MemberRole::kMember);
  CHECK(listd::pipeline::Admit(*facts, policy).action == listd::pipeline::AdmitAction::kAccept);
}

TEST_CASE("member case: Alice@ and ALICE@ beside alice@ are the same subscription", "[members]") {
  ListFixture f;
  listd::service::MemberService members(*f.store, "test");
  auto first =
      members.AddMembers(kListAddress, {"alice@example.net"}, storage::MemberRole::kMember, kNow);
  REQUIRE(first.ok());
  auto again = members.AddMembers(kListAddress, {"Alice@example.net", "ALICE@EXAMPLE.NET"},
                                  storage::MemberRole::kMember, kNow);
  REQUIRE(again.ok());
  CHECK(again->changed.empty());
  CHECK(again->unchanged.size() == 2);
  auto count = f.store->members().Count(f.list.id);
  REQUIRE(count.ok());
  CHECK(*count == 1);
  auto removed = members.RemoveMembers(kListAddress, {"ALICE@example.net"}, kNow);
  REQUIRE(removed.ok());
  CHECK(removed->changed.size() == 1);
  CHECK(*f.store->members().Count(f.list.id) == 0);
}

}  // namespace
