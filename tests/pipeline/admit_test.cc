// Stage 4, admit: the decision for every posting policy and sender role,
// loops (RFC 5321 section 6.3 asks for them to be stopped; our List-Id,
// RFC 2919 sections 3 and 6, or our X-Loop), size, the author's address (RFC 5322
// sections 3.4 and 3.6.2), and the facts gathered from a post and a real
// member table (SQLite in a temp dir).
#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <string>

#include "listd/pipeline/admit.h"
#include "listd/service/list_service.h"
#include "storage/store.h"
#include "tests/support/temp_dir.h"

namespace {

using listd::pipeline::Admit;
using listd::pipeline::AdmitAction;
using listd::pipeline::AdmitFacts;
using listd::pipeline::AdmitPolicy;
using listd::pipeline::GatherFacts;
using listd::pipeline::ParseMailboxList;
using listd::pipeline::Verdict;
using storage::MemberRole;

constexpr int64_t kNow = 1800000000;
constexpr AdmitAction A = AdmitAction::kAccept;
constexpr AdmitAction H = AdmitAction::kHold;
constexpr AdmitAction R = AdmitAction::kReject;
constexpr AdmitAction D = AdmitAction::kDiscard;

using listd::settings::NonmemberAction;
using listd::settings::PostingPolicy;

// The policy spelled as the catalogue spells it (each must be valid).
AdmitPolicy Policy(const std::string& posting = "members-only",
                   const std::string& nonmember = "hold") {
  listd::settings::ListSettings settings(
      *base::EmailAddress::Parse("demo@lists.example.org"),
      {{"posting_policy", posting}, {"nonmember_action", nonmember}});
  REQUIRE(listd::settings::ToString(settings.posting_policy()) == posting);
  REQUIRE(listd::settings::ToString(settings.nonmember_action()) == nonmember);
  AdmitPolicy p;
  p.posting_policy = settings.posting_policy();
  p.nonmember_action = settings.nonmember_action();
  p.list_id = "demo.lists.example.org";
  p.list_address = "demo@lists.example.org";
  return p;
}

AdmitFacts From(std::optional<MemberRole> role, std::string address = "alice@example.net") {
  AdmitFacts f;
  f.sender.from = *base::EmailAddress::Parse(address);
  f.sender.role = role;
  f.size = 2000;
  return f;
}

TEST_CASE("admit: ToString names every action", "[admit]") {
  CHECK(ToString(A) == "accept");
  CHECK(ToString(H) == "hold");
  CHECK(ToString(R) == "reject");
  CHECK(ToString(D) == "discard");
}

TEST_CASE("admit: every posting policy against every role and nonmember_action", "[admit]") {
  struct Row {
    const char* policy;
    const char* nonmember;
    AdmitAction nobody, member, moderator, owner;
  };
  const Row table[] = {
      {"open", "hold", A, A, A, A},
      {"open", "reject", A, A, A, A},
      {"members-only", "hold", H, A, A, A},
      {"members-only", "reject", R, A, A, A},
      {"members-only", "discard", D, A, A, A},
      {"moderated", "hold", H, H, A, A},
      {"moderated", "reject", R, H, A, A},
      {"moderated", "discard", D, H, A, A},
      {"announce-only", "hold", H, H, A, A},
      {"announce-only", "reject", R, H, A, A},
      {"announce-only", "discard", D, H, A, A},
  };
  for (const Row& row : table) {
    const AdmitPolicy policy = Policy(row.policy, row.nonmember);
    INFO(row.policy << " / nonmember_action=" << row.nonmember);
    CHECK(Admit(From(std::nullopt), policy).action == row.nobody);
    CHECK(Admit(From(MemberRole::kMember), policy).action == row.member);
    CHECK(Admit(From(MemberRole::kModerator), policy).action == row.moderator);
    CHECK(Admit(From(MemberRole::kOwner), policy).action == row.owner);
  }
}

TEST_CASE("admit: the reasons read as sentences for a moderator", "[admit]") {
  CHECK(Admit(From(std::nullopt), Policy()).reason == "post from non-member alice@example.net");
  CHECK(Admit(From(MemberRole::kMember), Policy()).reason == "post from member alice@example.net");
  CHECK(Admit(From(MemberRole::kMember), Policy("moderated")).reason ==
        "post from member alice@example.net to a moderated list");
  CHECK(Admit(From(MemberRole::kMember), Policy("announce-only")).reason ==
        "post from member alice@example.net to an announce-only list (only moderators and "
        "owners post)");
  CHECK(Admit(From(MemberRole::kOwner), Policy("announce-only")).reason ==
        "post from owner alice@example.net");
  CHECK(Admit(From(std::nullopt), Policy("open")).reason ==
        "post from alice@example.net to an open list");
}

TEST_CASE("RFC 5321 section 6.3, our List-Id or X-Loop: a post that went through us is discarded",
          "[admit]") {
  AdmitFacts facts = From(MemberRole::kOwner);
  facts.carries_our_list_id = true;
  facts.size = 100 * 1024 * 1024;  // the loop is decided before the size
  Verdict v = Admit(facts, Policy("open"));
  CHECK(v.action == D);
  CHECK(v.reason == "loop: the post already carries this list's List-Id <demo.lists.example.org>");
  facts.carries_our_list_id = false;
  facts.carries_our_x_loop = true;
  v = Admit(facts, Policy("open"));
  CHECK(v.action == D);
  CHECK(v.reason == "loop: the post already carries X-Loop: demo@lists.example.org");
}

TEST_CASE("admit: a post larger than max_size is held, 0 means no limit", "[admit]") {
  AdmitFacts facts = From(MemberRole::kOwner);
  AdmitPolicy policy = Policy();
  facts.size = 6 * 1024 * 1024;
  Verdict v = Admit(facts, policy);
  CHECK(v.action == H);
  CHECK(v.reason == "message of 6 MB exceeds the list's limit of 5 MB");
  facts.size = 5 * 1024 * 1024;  // at the limit is allowed
  CHECK(Admit(facts, policy).action == A);
  facts.size = 5 * 1024 * 1024 + 1;  // too close to round: exact bytes
  CHECK(Admit(facts, policy).reason ==
        "message of 5242881 bytes exceeds the list's limit of 5242880 bytes");
  policy.max_size = 40 * 1024;
  facts.size = 40 * 1024 + 512;
  CHECK(Admit(facts, policy).reason == "message of 40.5 KB exceeds the list's limit of 40 KB");
  policy.max_size = 0;
  facts.size = 1024ull * 1024 * 1024;
  CHECK(Admit(facts, policy).action == A);
}

TEST_CASE("RFC 5322 section 3.6.2: a post without a readable author is held", "[admit]") {
  AdmitFacts facts;
  facts.from_problem = "the post has no From field";
  for (const char* policy : {"open", "members-only", "moderated", "announce-only"}) {
    Verdict v = Admit(facts, Policy(policy, "discard"));
    CHECK(v.action == H);
    CHECK(v.reason == "the post has no From field");
  }
  CHECK(Admit(AdmitFacts{}, Policy("open")).reason == "the post has no author address");
}

TEST_CASE("RFC 5322 section 3.4: mailboxes with display names, comments and groups", "[admit]") {
  auto one = [](const std::string& value) {
    auto list = ParseMailboxList(value);
    INFO(value);
    REQUIRE(list.ok());
    REQUIRE(list->size() == 1);
    return list->front();
  };
  base::EmailAddress a = one(" \"Doe, Jane\" <jane@example.org>");
  CHECK(a.ToString() == "jane@example.org");
  CHECK(a.display_name == "Doe, Jane");
  CHECK(one("jane@example.org (Jane)").ToString() == "jane@example.org");
  CHECK(one("Jane (the author)\r\n Doe <jane@EXAMPLE.org>").display_name == "Jane Doe");
  CHECK(one("Jane Doe <jane@EXAMPLE.org>").domain == "example.org");
  CHECK(one("\"Jane \\\"JD\\\" Doe\" <jane@example.org>").display_name == "Jane \"JD\" Doe");
  CHECK(one("<@relay.example:jane@example.org>").ToString() == "jane@example.org");  // obs-route

  auto several = ParseMailboxList("\"Doe, Jane\" <jane@example.org>, bob@example.net (Bob)");
  REQUIRE(several.ok());
  REQUIRE(several->size() == 2);
  CHECK((*several)[1].ToString() == "bob@example.net");

  // RFC 6854: a group in From; its name is not a mailbox.
  auto group = ParseMailboxList("Editors: jane@example.org, bob@example.net;");
  REQUIRE(group.ok());
  CHECK(group->size() == 2);
  auto empty = ParseMailboxList("undisclosed-recipients:;");
  REQUIRE(empty.ok());
  CHECK(empty->empty());

  for (const char* bad : {"\"Jane <jane@example.org>", "Jane (Doe <jane@example.org>",
                          "Jane <jane@example.org", "jane", "\"odd local\"@example.org"}) {
    INFO(bad);
    CHECK_FALSE(ParseMailboxList(bad).ok());
  }
}

struct StoreFixture {
  storage_test::TempDir dir;
  std::unique_ptr<storage::Store> store;
  int64_t list_id = 0;
  AdmitPolicy policy = Policy();

  StoreFixture() {
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
  }
  void Add(const std::string& address, MemberRole role) {
    auto added = store->members().Add(list_id, *base::EmailAddress::Parse(address), role, kNow);
    REQUIRE(added.ok());
  }
  AdmitFacts Gather(const std::string& header) {
    const std::string post = header + "Subject: hello\r\n\r\nbody\r\n";
    auto facts = GatherFacts(post, list_id, policy, store->members());
    INFO(post);
    REQUIRE(facts.ok());
    CHECK(facts->size == post.size());
    return *facts;
  }
};

TEST_CASE("admit: GatherFacts finds members, moderators and strangers in the store",
          "[admit][store]") {
  StoreFixture f;
  AdmitFacts member = f.Gather("From: \"Doe, Jane\" <jane@EXAMPLE.ORG>\r\n");
  REQUIRE(member.sender.from);
  CHECK(member.sender.from->ToString() == "jane@example.org");
  CHECK(member.sender.role == MemberRole::kMember);
  CHECK(member.from_problem.empty());
  CHECK_FALSE(member.carries_our_list_id);
  CHECK_FALSE(member.carries_our_x_loop);
  CHECK(Admit(member, f.policy).action == A);

  AdmitFacts moderator = f.Gather("From: mod@example.org (The Moderator)\r\n");
  CHECK(moderator.sender.role == MemberRole::kModerator);
  CHECK(Admit(moderator, Policy("moderated")).action == A);

  AdmitFacts stranger = f.Gather("From: Alice <alice@example.net>\r\n");
  REQUIRE(stranger.sender.from);
  CHECK_FALSE(stranger.sender.role);
  Verdict v = Admit(stranger, f.policy);
  CHECK(v.action == H);
  CHECK(v.reason == "post from non-member alice@example.net");

  // RFC 5321 section 2.4 leaves the local part's case to the receiving
  // host; like Mailman and every major provider, the list folds it
  // (hardening finding 9), so JANE is jane.
  CHECK(f.Gather("From: JANE@example.org\r\n").sender.role);
}

TEST_CASE("RFC 5322 section 3.6.2: with several authors, Sender says who posted",
          "[admit][store]") {
  StoreFixture f;
  AdmitFacts facts = f.Gather(
      "From: alice@example.net, jane@example.org\r\n"
      "Sender: Jane <jane@example.org>\r\n");
  REQUIRE(facts.sender.from);
  CHECK(facts.sender.from->ToString() == "jane@example.org");
  CHECK(facts.sender.role == MemberRole::kMember);

  AdmitFacts no_sender = f.Gather("From: alice@example.net, jane@example.org\r\n");
  CHECK_FALSE(no_sender.sender.from);
  CHECK(no_sender.from_problem == "From names 2 mailboxes and there is no single Sender field");
  CHECK(Admit(no_sender, f.policy).action == H);
}

TEST_CASE("RFC 5322 section 3.6: no From, two From fields, an unreadable From", "[admit][store]") {
  StoreFixture f;
  CHECK(f.Gather("To: demo@lists.example.org\r\n").from_problem == "the post has no From field");
  CHECK(f.Gather("From: jane@example.org\r\nFrom: mod@example.org\r\n").from_problem ==
        "the post has 2 From fields (RFC 5322 allows one)");
  CHECK_THAT(f.Gather("From: Jane <jane@>\r\n").from_problem,
             Catch::StartsWith("From: cannot read the mailbox 'Jane <jane@>': "));
  CHECK(f.Gather("From: undisclosed-recipients:;\r\n").from_problem == "From names no mailbox");
}

TEST_CASE("RFC 2919 section 6: our List-Id in any case, or our X-Loop, is a loop",
          "[admit][store]") {
  StoreFixture f;
  AdmitFacts ours = f.Gather(
      "From: jane@example.org\r\n"
      "List-Id: The demo list\r\n <Demo.Lists.Example.ORG>\r\n");
  CHECK(ours.carries_our_list_id);
  CHECK(Admit(ours, f.policy).action == D);

  AdmitFacts other = f.Gather(
      "From: jane@example.org\r\n"
      "List-Id: <other.lists.example.org>\r\n"
      "List-Id: <demo.lists.example.org.evil>\r\n");
  CHECK_FALSE(other.carries_our_list_id);

  CHECK(
      f.Gather("From: jane@example.org\r\nX-Loop: Demo@Lists.Example.org\r\n").carries_our_x_loop);
  CHECK_FALSE(
      f.Gather("From: jane@example.org\r\nX-Loop: other@lists.example.org\r\n").carries_our_x_loop);
}

TEST_CASE("admit: GatherFacts refuses a post that is not a message", "[admit][store]") {
  StoreFixture f;
  auto facts = GatherFacts("From: jane@example.org\r\nno colon here\r\n\r\n", f.list_id, f.policy,
                           f.store->members());
  REQUIRE_FALSE(facts.ok());
  CHECK_THAT(facts.error(), Catch::StartsWith("the post is not a message: "));
}

}  // namespace
