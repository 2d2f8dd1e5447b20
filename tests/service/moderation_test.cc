// Moderation of held posts (listd/service/moderation.h) on a real store:
// approve sends the held bytes on, decorated, signed and queued (RFC 6377
// section 5: the list signs what it changed); reject queues a notice to the
// envelope sender with a null return path (RFC 3834 section 4, RFC 5321
// section 4.5.5); discard drops it; each ends the hold, once.
#include <catch2/catch.hpp>
#include <string>

#include "listd/mime/footer_template.h"
#include "listd/service/moderation.h"
#include "listd/service/post_outcomes.h"
#include "listd/service/spool.h"
#include "tests/support/list_fixture.h"
#include "tests/support/test_mail.h"

namespace {

using listd::service::ModerationService;
using listd::service::PostAction;
using listd::service::PostOptions;
using listd::service::PostOutcomes;
using namespace pipeline_test;

// The post as the pipeline records it (a function: kPost is another
// file's static, not yet made when this file's statics are).
std::string Recorded() {
  return "Authentication-Results: lists.example.org; dkim=none\r\n" + kPost;
}

struct ModerationFixture {
  ListFixture f;
  AuthFixture auth;
  PostOptions options;
  int64_t held_id = 0;

  // A post to `recipient`, held as the admit stage holds it: with our
  // Authentication-Results on top (`recorded`), or as it came.
  explicit ModerationFixture(const std::string& recipient = kListAddress,
                             const std::string& held_bytes = Recorded()) {
    f.AddKey(RsaKey(), "demo-rsa");
    f.AddMembers({"bob@example.net", "carol@example.net"});
    options.templates_dir = listd::mime::BuiltInTemplatesDir();
    options.actor = "test:moderator";
    auto ids = listd::service::SpoolPost(*f.store, "jane@example.org", {recipient}, kPost, kNow);
    REQUIRE(ids.ok());
    PostOutcomes outcomes(*f.store, options, [] { return kNow; });
    auto post = outcomes.Load(ids->front());
    REQUIRE(post.ok());
    auto held = outcomes.Hold(*post, held_bytes, "post from non-member jane@example.org");
    REQUIRE(held.ok());
    REQUIRE(held->action == PostAction::kHeld);
    REQUIRE(post->held_id.has_value());
    held_id = *post->held_id;
  }

  ModerationService Moderation() {
    return ModerationService(*f.store, options, [] { return kNow; });
  }

  std::vector<storage::DeliveryBatch> Batches() {
    auto due = f.store->spool().DueBatches(INT64_MAX / 2, 100);
    REQUIRE(due.ok());
    return *due;
  }
  size_t HeldCount() {
    auto held = f.store->held().ForList(f.list.id);
    REQUIRE(held.ok());
    return held->size();
  }
};

TEST_CASE("moderation: the held post is listed and shown with its reason", "[moderation]") {
  ModerationFixture m;
  auto held = m.Moderation().HeldPosts(kListAddress);
  REQUIRE(held.ok());
  REQUIRE(held->size() == 1);
  CHECK((*held)[0].reason == "post from non-member jane@example.org");
  CHECK((*held)[0].subject == "Minutes of Tuesday");
  auto shown = m.Moderation().Show(m.held_id);
  REQUIRE(shown.ok());
  CHECK(shown->post.message == Recorded());
  CHECK(shown->post.state == storage::PostState::kHeld);
}

TEST_CASE("moderation: approve decorates, signs and queues for every member, once",
          "[moderation]") {
  ModerationFixture m;
  auto approved = m.Moderation().Approve(m.held_id, m.auth.keys, &m.auth.dns);
  INFO((approved.ok() ? approved->reason : approved.error()));
  REQUIRE(approved.ok());
  CHECK(approved->action == PostAction::kAccepted);
  CHECK(approved->recipients == 2);
  const auto batches = m.Batches();
  REQUIRE(batches.size() == 1);
  CHECK_THAT(batches[0].message, Catch::Contains("Subject: [demo] Minutes of Tuesday"));
  CHECK_THAT(batches[0].message, Catch::Contains("d=lists.example.org"));
  // RFC 8617 section 5.1: sealed, attesting our results as they were held.
  CHECK_THAT(batches[0].message, Catch::StartsWith("ARC-Seal: i=1;"));
  CHECK_THAT(batches[0].message,
             Catch::Contains("ARC-Authentication-Results: i=1; lists.example.org; dkim=none"));
  CHECK(m.HeldCount() == 0);
  // A second decision on the same hold finds nothing.
  auto again = m.Moderation().Approve(m.held_id, m.auth.keys, &m.auth.dns);
  REQUIRE_FALSE(again.ok());
  CHECK(again.kind() == base::ErrorKind::kNotFound);
  CHECK(m.Batches().size() == 1);
}

TEST_CASE("moderation: a post held before it was authenticated goes signed, unsealed",
          "[moderation]") {
  ModerationFixture m(kListAddress, kPost);
  auto approved = m.Moderation().Approve(m.held_id, m.auth.keys, &m.auth.dns);
  INFO((approved.ok() ? approved->reason : approved.error()));
  REQUIRE(approved.ok());
  CHECK(approved->action == PostAction::kAccepted);
  const auto batches = m.Batches();
  REQUIRE(batches.size() == 1);
  CHECK_THAT(batches[0].message, Catch::StartsWith("DKIM-Signature:"));
  CHECK_THAT(batches[0].message, !Catch::Contains("ARC-Seal"));
}

TEST_CASE("moderation: reject sends the reason to the envelope sender, from <>", "[moderation]") {
  // jane@example.org's domain signed the post: her return path is hers.
  ModerationFixture m(kListAddress,
                      "Authentication-Results: lists.example.org; dkim=pass header.d=example.org "
                      "header.s=rsa\r\n" +
                          kPost);
  auto rejected = m.Moderation().Reject(m.held_id, "off topic");
  REQUIRE(rejected.ok());
  CHECK(rejected->action == PostAction::kRejected);
  const auto batches = m.Batches();
  REQUIRE(batches.size() == 1);
  CHECK(batches[0].envelope_from.empty());
  CHECK(batches[0].recipients == std::vector<std::string>{"jane@example.org"});
  CHECK_THAT(batches[0].message, Catch::Contains("off topic"));
  CHECK_THAT(batches[0].message, Catch::Contains("Auto-Submitted: auto-replied"));
  CHECK(m.HeldCount() == 0);
}

TEST_CASE("moderation: reject writes to no return path it cannot trust (backscatter)",
          "[moderation]") {
  // Our results say the post was unsigned: the return path may be forged.
  ModerationFixture m;
  auto rejected = m.Moderation().Reject(m.held_id, "off topic");
  REQUIRE(rejected.ok());
  CHECK(rejected->action == PostAction::kRejected);
  CHECK(rejected->recipients == 0);
  CHECK_THAT(rejected->reason, Catch::Contains("no notice sent"));
  CHECK_THAT(rejected->reason, Catch::Contains("<jane@example.org> is not authenticated"));
  CHECK(m.Batches().empty());
  CHECK(m.HeldCount() == 0);
}

TEST_CASE("moderation: discard drops the post without a word", "[moderation]") {
  ModerationFixture m;
  auto discarded = m.Moderation().Discard(m.held_id);
  REQUIRE(discarded.ok());
  CHECK(discarded->action == PostAction::kDiscarded);
  CHECK(m.Batches().empty());
  CHECK(m.HeldCount() == 0);
  auto events = m.f.store->events().Recent(m.f.list.id, 1);
  REQUIRE(events.ok());
  CHECK(events->front().action == "post.discard");
  CHECK(events->front().actor == "test:moderator");
}

TEST_CASE("moderation: mail held on its way to the owners is never approved to the members",
          "[moderation]") {
  ModerationFixture m("demo-owner@lists.example.org");
  auto approved = m.Moderation().Approve(m.held_id, m.auth.keys, &m.auth.dns);
  REQUIRE_FALSE(approved.ok());
  CHECK(approved.kind() == base::ErrorKind::kConflict);
  CHECK_THAT(approved.error(), Catch::Contains("not a post"));
  CHECK(m.Batches().empty());
  CHECK(m.HeldCount() == 1);
}

}  // namespace
