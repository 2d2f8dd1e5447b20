// Finding 6 of the hardening issue: a member's or owner's address in From
// is not enough when the author domain's DMARC check failed under
// p=quarantine or p=reject (RFC 7489 section 6.6.2: that domain tells
// receivers such mail is forged). The post is handled as a non-member's,
// whatever the posting policy, and the reason says which check failed.
#include <catch2/catch.hpp>
#include <optional>
#include <string>

#include "listd/pipeline/admit.h"

namespace {

using listd::pipeline::Admit;
using listd::pipeline::AdmitAction;
using listd::pipeline::AdmitFacts;
using listd::pipeline::AdmitPolicy;
using listd::pipeline::AuthorDmarc;
using listd::settings::NonmemberAction;
using listd::settings::PostingPolicy;
using storage::MemberRole;

AdmitFacts Facts(std::optional<MemberRole> role, std::optional<AuthorDmarc> dmarc) {
  AdmitFacts facts;
  facts.sender.from = *base::EmailAddress::Parse("ceo@example.org");
  facts.sender.role = role;
  facts.author_dmarc = dmarc;
  facts.size = 1000;
  return facts;
}

AdmitPolicy Policy(PostingPolicy posting, NonmemberAction nonmember = NonmemberAction::kHold) {
  AdmitPolicy policy;
  policy.posting_policy = posting;
  policy.nonmember_action = nonmember;
  policy.list_id = "demo.lists.example.org";
  policy.list_address = "demo@lists.example.org";
  return policy;
}

constexpr AuthorDmarc kRejectFail{dkim::DmarcResult::kFail, dkim::DmarcPolicy::kReject};
constexpr AuthorDmarc kQuarantineFail{dkim::DmarcResult::kFail, dkim::DmarcPolicy::kQuarantine};

TEST_CASE("admit: a member's From failing DMARC under p=reject is a non-member's post",
          "[admit][dmarc]") {
  for (MemberRole role : {MemberRole::kMember, MemberRole::kModerator, MemberRole::kOwner}) {
    for (PostingPolicy posting :
         {PostingPolicy::kMembersOnly, PostingPolicy::kAnnounceOnly, PostingPolicy::kModerated}) {
      INFO(storage::ToString(role) << " / " << listd::settings::ToString(posting));
      const auto held = Admit(Facts(role, kRejectFail), Policy(posting));
      CHECK(held.action == AdmitAction::kHold);
      CHECK_THAT(held.reason, Catch::Contains("fails its domain's DMARC check (p=reject)"));
      CHECK(Admit(Facts(role, kQuarantineFail), Policy(posting, NonmemberAction::kReject)).action ==
            AdmitAction::kReject);
      CHECK(Admit(Facts(role, kRejectFail), Policy(posting, NonmemberAction::kDiscard)).action ==
            AdmitAction::kDiscard);
    }
  }
}

TEST_CASE("admit: a DMARC pass, p=none, or no verdict leaves membership as it was",
          "[admit][dmarc]") {
  const AuthorDmarc pass{dkim::DmarcResult::kPass, dkim::DmarcPolicy::kReject};
  const AuthorDmarc fail_none{dkim::DmarcResult::kFail, dkim::DmarcPolicy::kNone};
  const AuthorDmarc temperror{dkim::DmarcResult::kTempError, dkim::DmarcPolicy::kNone};
  for (const std::optional<AuthorDmarc>& dmarc :
       {std::optional<AuthorDmarc>(pass), std::optional<AuthorDmarc>(fail_none),
        std::optional<AuthorDmarc>(temperror), std::optional<AuthorDmarc>()}) {
    CHECK(Admit(Facts(MemberRole::kOwner, dmarc), Policy(PostingPolicy::kAnnounceOnly)).action ==
          AdmitAction::kAccept);
    CHECK(Admit(Facts(MemberRole::kMember, dmarc), Policy(PostingPolicy::kMembersOnly)).action ==
          AdmitAction::kAccept);
  }
}

TEST_CASE("admit: an open list still takes a post whose DMARC check failed", "[admit][dmarc]") {
  // Nobody's address earns anything on an open list, so there is nothing
  // to forge; the DMARC mitigation (decorate) still applies.
  CHECK(Admit(Facts(std::nullopt, kRejectFail), Policy(PostingPolicy::kOpen)).action ==
        AdmitAction::kAccept);
}

}  // namespace
