// Stage 4, admit, on authenticated identity: under posting_auth=aligned a
// post is a member's only when its From domain is authenticated, read from
// our own Authentication-Results (RFC 8601 sections 2.7.1 header.d, 5: the
// field stage 3 wrote) or a trusted upstream's dmarc=pass (RFC 8601
// section 2.7.6 header.from); alignment is RFC 7489 section 3.1.1's relaxed
// rule (the same organizational domain, section 3.2), and a pass is RFC
// 6376 section 6.1's. Then bans (exact and glob, per list and site-wide,
// before membership), moderated members, and posting_auth=from unchanged.
// The facts come from real recorded posts and a real store (SQLite in a
// temp dir); the decisions from Admit() alone.
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "listd/pipeline/admit.h"
#include "listd/service/list_service.h"
#include "storage/store.h"
#include "tests/support/temp_dir.h"

namespace {

using listd::pipeline::Admit;
using listd::pipeline::AdmitAction;
using listd::pipeline::AdmitFacts;
using listd::pipeline::AdmitPolicy;
using listd::pipeline::AuthorAuthResult;
using listd::pipeline::Verdict;
using storage::MemberRole;

constexpr int64_t kNow = 1800000000;
constexpr AdmitAction A = AdmitAction::kAccept;
constexpr AdmitAction H = AdmitAction::kHold;
constexpr AdmitAction R = AdmitAction::kReject;
constexpr AdmitAction D = AdmitAction::kDiscard;
constexpr const char* kOurs = "lists.example.org";

// The policy of a list with these settings over the catalogue's defaults
// (posting_auth=aligned, unauthenticated_member_action=hold,
// ban_action=discard).
AdmitPolicy Policy(const std::map<std::string, std::string>& set = {}) {
  const listd::settings::ListSettings settings(*base::EmailAddress::Parse("demo@lists.example.org"),
                                               set);
  return listd::pipeline::PolicyFrom(settings, "demo.lists.example.org", "demo@lists.example.org");
}

dkim::AuthenticationResults Upstream(const std::string& value) {
  auto parsed = dkim::ParseAuthenticationResults(value);
  REQUIRE(parsed.ok());
  return *parsed;
}

struct AuthFixture {
  storage_test::TempDir dir;
  std::unique_ptr<storage::Store> store;
  int64_t list_id = 0;
  std::vector<dkim::AuthenticationResults> trusted;

  AuthFixture() {
    storage::StoreOptions options;
    options.db_path = dir.File("listd.db");
    auto opened = storage::Store::Open(options);
    REQUIRE(opened.ok());
    store = std::move(*opened);
    listd::service::ListService lists(*store, "test");
    auto list = lists.CreateList("demo@lists.example.org", "Demo", std::nullopt, kNow);
    REQUIRE(list.ok());
    list_id = list->id;
    Add("jane@example.org", MemberRole::kMember);
    Add("mod@example.org", MemberRole::kModerator);
    Add("sub@mail.example.org", MemberRole::kMember);
  }
  int64_t Add(const std::string& address, MemberRole role) {
    auto email = *base::EmailAddress::Parse(address);
    REQUIRE(*store->members().Add(list_id, email, role, kNow));
    return (*store->members().Find(list_id, email))->id;
  }
  // The facts of a post from `from` whose recorded results (ours, on top)
  // are `results`.
  AdmitFacts Gather(const std::string& from, const std::string& results,
                    const std::string& authserv_id = kOurs) {
    const std::string post = "Authentication-Results: " + authserv_id + ";\r\n\t" + results +
                             "\r\nFrom: " + from + "\r\nSubject: hello\r\n\r\nbody\r\n";
    const listd::pipeline::AuthorEvidence evidence{kOurs, &trusted};
    auto facts = listd::pipeline::GatherFacts(post, list_id, Policy(), store->members(),
                                              &store->bans(), evidence);
    INFO(post);
    REQUIRE(facts.ok());
    return *facts;
  }
  Verdict Decide(const std::string& from, const std::string& results,
                 const std::map<std::string, std::string>& set = {}) {
    return Admit(Gather(from, results), Policy(set));
  }
};

}  // namespace

TEST_CASE("posting_auth is aligned by default for a new list", "[admit][auth]") {
  CHECK(Policy().posting_auth == listd::settings::PostingAuth::kAligned);
  CHECK(Policy().unauthenticated_member_action ==
        listd::settings::UnauthenticatedMemberAction::kHold);
  CHECK(Policy().ban_action == listd::settings::BanAction::kDiscard);
}

TEST_CASE("RFC 7489 section 3.1.1: a member's post signed by the member's domain is accepted",
          "[admit][auth]") {
  AuthFixture f;
  AdmitFacts facts = f.Gather("Jane <jane@example.org>",
                              "dkim=pass header.d=example.org header.s=s1 header.b=abcdefgh");
  REQUIRE(facts.author_auth);
  CHECK(facts.author_auth->result == AuthorAuthResult::kAuthenticated);
  CHECK(facts.author_auth->detail == "DKIM d=example.org");
  Verdict v = Admit(facts, Policy());
  CHECK(v.action == A);
  CHECK(v.reason == "post from member jane@example.org");
  // One passing aligned signature among others is enough.
  CHECK(f.Decide("jane@example.org",
                 "dkim=fail header.d=example.org;\r\n\tdkim=pass header.d=relay.example;\r\n\t"
                 "dkim=pass header.d=Example.ORG")
            .action == A);
}

TEST_CASE("RFC 7489 section 3.1.1 relaxed: a subdomain's signature aligns with its parent",
          "[admit][auth]") {
  AuthFixture f;
  CHECK(f.Decide("jane@example.org", "dkim=pass header.d=mail.example.org").action == A);
  CHECK(f.Decide("sub@mail.example.org", "dkim=pass header.d=example.org").action == A);
  CHECK(f.Decide("sub@mail.example.org", "dkim=pass header.d=other.example.org").action == A);
  // Relaxed alignment is organizational, not a suffix match of names.
  Verdict v = f.Decide("jane@example.org", "dkim=pass header.d=notexample.org");
  CHECK(v.action == H);
  CHECK_THAT(v.reason, Catch::Contains("no signature aligned with example.org: d=notexample.org"));
}

TEST_CASE("aligned: the same From unsigned is held, and the reason says why", "[admit][auth]") {
  AuthFixture f;
  Verdict v = f.Decide("jane@example.org", "dkim=none");
  CHECK(v.action == H);
  CHECK(v.reason ==
        "post from jane@example.org, which is a member's address, but From domain example.org "
        "not authenticated: the post has no DKIM signature");
  // The same when our results are missing or are someone else's claim:
  // only the field written for our authserv-id counts (RFC 8601 section 5).
  AdmitFacts forged =
      f.Gather("jane@example.org", "dkim=pass header.d=example.org", "forger.example");
  CHECK(forged.author_auth->result == AuthorAuthResult::kUnsigned);
  CHECK(Admit(forged, Policy()).action == H);
}

TEST_CASE("aligned: a member's From signed only by another domain is held with the reason",
          "[admit][auth]") {
  AuthFixture f;
  Verdict v = f.Decide("jane@example.org",
                       "dkim=pass header.d=other.example;\r\n\tdkim=pass header.d=relay.example");
  CHECK(v.action == H);
  CHECK(v.reason ==
        "post from jane@example.org, which is a member's address, but no signature aligned "
        "with example.org: d=other.example, d=relay.example");
}

TEST_CASE("aligned: an aligned signature that failed makes the post a non-member's",
          "[admit][auth]") {
  AuthFixture f;
  const std::string failed = "dkim=fail (body hash mismatch) header.d=example.org header.s=s1";
  Verdict v = f.Decide("jane@example.org", failed);
  CHECK(v.action == H);
  CHECK(v.reason ==
        "post from jane@example.org, which is a member's address, but From domain example.org "
        "not authenticated: dkim=fail (d=example.org): handled as a non-member's post");
  // As a non-member's, nonmember_action decides; the author domain signs,
  // so unauthenticated_member_action=accept does not let it in either.
  CHECK(f.Decide("jane@example.org", failed, {{"nonmember_action", "reject"}}).action == R);
  CHECK(f.Decide("jane@example.org", failed,
                 {{"nonmember_action", "discard"}, {"unauthenticated_member_action", "accept"}})
            .action == D);
  CHECK(f.Decide("mod@example.org", "dkim=permerror header.d=example.org",
                 {{"posting_policy", "moderated"}})
            .action == H);
}

TEST_CASE("RFC 8601 section 2.7.6: a trusted upstream's dmarc=pass for the From domain is enough",
          "[admit][auth]") {
  AuthFixture f;
  f.trusted = {Upstream("mx.example.net; dmarc=pass header.from=example.org")};
  AdmitFacts facts = f.Gather("jane@example.org", "dkim=none");
  CHECK(facts.author_auth->result == AuthorAuthResult::kAuthenticated);
  CHECK(facts.author_auth->detail == "dmarc=pass from mx.example.net");
  CHECK(Admit(facts, Policy()).action == A);
  // Not for another From domain, and not a dmarc=fail.
  f.trusted = {Upstream("mx.example.net; dmarc=pass header.from=other.example")};
  CHECK(f.Decide("jane@example.org", "dkim=none").action == H);
  f.trusted = {Upstream("mx.example.net; dmarc=fail header.from=example.org")};
  CHECK(f.Decide("jane@example.org", "dkim=none").action == H);
  // An upstream that is not trusted is not passed in: its field in the
  // post, even on top, is not ours and counts for nothing.
  f.trusted.clear();
  CHECK(f.Gather("jane@example.org", "dmarc=pass header.from=example.org", "mx.example.net")
            .author_auth->result == AuthorAuthResult::kUnsigned);
}

TEST_CASE("aligned: unauthenticated_member_action=accept lets an unsigned member's post in",
          "[admit][auth]") {
  AuthFixture f;
  const std::map<std::string, std::string> accept = {{"unauthenticated_member_action", "accept"}};
  CHECK(f.Decide("jane@example.org", "dkim=none", accept).action == A);
  CHECK(f.Decide("jane@example.org", "dkim=pass header.d=relay.example", accept).action == A);
  // The DMARC floor stays: a domain that asks for failing mail to be
  // rejected is not overridden (RFC 7489 section 6.6.2).
  AdmitFacts facts = f.Gather("jane@example.org", "dkim=none");
  facts.author_dmarc =
      listd::pipeline::AuthorDmarc{dkim::DmarcResult::kFail, dkim::DmarcPolicy::kReject};
  Verdict v = Admit(facts, Policy(accept));
  CHECK(v.action == H);
  CHECK_THAT(v.reason, Catch::Contains("fails its domain's DMARC check (p=reject)"));
}

TEST_CASE("aligned: a non-member and an open list are not changed by the check", "[admit][auth]") {
  AuthFixture f;
  CHECK(f.Decide("alice@example.net", "dkim=none").reason ==
        "post from non-member alice@example.net");
  CHECK(f.Decide("jane@example.org", "dkim=none", {{"posting_policy", "open"}}).action == A);
}

TEST_CASE("posting_auth=from keeps today's behaviour: the From alone", "[admit][auth]") {
  AuthFixture f;
  const std::map<std::string, std::string> from = {{"posting_auth", "from"}};
  Verdict v = f.Decide("jane@example.org", "dkim=none", from);
  CHECK(v.action == A);
  CHECK(v.reason == "post from member jane@example.org");
  CHECK(f.Decide("jane@example.org", "dkim=fail header.d=example.org", from).action == A);
  CHECK(f.Decide("jane@example.org", "dkim=pass header.d=other.example", from).action == A);
  CHECK(f.Decide("alice@example.net", "dkim=none", from).action == H);
}

TEST_CASE("bans: an exact address and a domain glob, on the list and site-wide, before membership",
          "[admit][auth][bans]") {
  AuthFixture f;
  auto& bans = f.store->bans();
  REQUIRE(bans.Add(f.list_id, "Jane@example.org", "flames", kNow).ok());
  REQUIRE(bans.Add(std::nullopt, "*@spam.example", "", kNow).ok());
  REQUIRE(bans.Add(std::nullopt, "*@*.junk.example", "", kNow).ok());
  // A banned member, properly signed: still banned.
  Verdict v = f.Decide("JANE@example.org", "dkim=pass header.d=example.org");
  CHECK(v.action == D);
  CHECK(v.reason == "post from JANE@example.org, banned on this list (Jane@example.org: flames)");
  v = f.Decide("Spammer <x@Spam.Example>", "dkim=pass header.d=spam.example");
  CHECK(v.action == D);
  CHECK(v.reason == "post from x@spam.example, banned site-wide (*@spam.example)");
  CHECK(f.Decide("x@mx.junk.example", "dkim=none").action == D);
  CHECK(f.Decide("x@junk.example", "dkim=none").action == H);  // not a subdomain: non-member
  // ban_action=reject refuses it instead, and the ban comes before size.
  AdmitFacts big = f.Gather("x@spam.example", "dkim=none");
  big.size = 100 * 1024 * 1024;
  CHECK(Admit(big, Policy({{"ban_action", "reject"}})).action == R);
  // Another list's ban is not this list's.
  REQUIRE(bans.Remove(f.list_id, "jane@example.org").ok());
  CHECK(f.Decide("jane@example.org", "dkim=pass header.d=example.org").action == A);
}

TEST_CASE("moderated: a moderated member's posts are held, whatever the policy", "[admit][auth]") {
  AuthFixture f;
  const int64_t id = f.Add("dave@example.org", MemberRole::kMember);
  REQUIRE(f.store->members().SetModerated(id, true).ok());
  const std::string signed_results = "dkim=pass header.d=example.org";
  AdmitFacts facts = f.Gather("dave@example.org", signed_results);
  CHECK(facts.sender.moderated);
  Verdict v = Admit(facts, Policy());
  CHECK(v.action == H);
  CHECK(v.reason == "post from member dave@example.org: member's posts are moderated");
  CHECK(Admit(facts, Policy({{"posting_policy", "open"}})).action == H);
  CHECK(Admit(facts, Policy({{"posting_auth", "from"}})).action == H);
  // Unsigned and moderated on an open list: held too, not waved through.
  CHECK(f.Decide("dave@example.org", "dkim=none", {{"posting_policy", "open"}}).action == H);
  REQUIRE(f.store->members().SetModerated(id, false).ok());
  CHECK(f.Decide("dave@example.org", signed_results).action == A);
}

TEST_CASE("aligned: a DMARC p=reject failure is said first, and decides as a non-member's",
          "[admit][auth]") {
  // RFC 7489 section 6.6.2: the author domain asks for the post to be
  // treated as forged, a stronger word than "not signed"; nonmember_action
  // applies, not unauthenticated_member_action.
  AuthFixture f;
  AdmitFacts facts = f.Gather("jane@example.org", "dkim=none");
  facts.author_dmarc =
      listd::pipeline::AuthorDmarc{dkim::DmarcResult::kFail, dkim::DmarcPolicy::kReject};
  Verdict v = Admit(facts, Policy({{"nonmember_action", "discard"}}));
  CHECK(v.action == D);
  CHECK_THAT(v.reason, Catch::Contains("fails its domain's DMARC check (p=reject)"));
}

TEST_CASE("aligned: on an open list a failed aligned signature still gets nonmember_action",
          "[admit][auth]") {
  // The author domain signed and the signature broke: suspect, like the
  // DMARC floor; an unsigned member's post goes out as anyone's would.
  AuthFixture f;
  const std::map<std::string, std::string> open = {{"posting_policy", "open"},
                                                   {"nonmember_action", "reject"}};
  CHECK(f.Decide("jane@example.org", "dkim=fail header.d=example.org", open).action == R);
  CHECK(f.Decide("jane@example.org", "dkim=none", open).action == A);
  CHECK(f.Decide("alice@example.net", "dkim=fail header.d=example.net", open).action == A);
}
