// The processor on a real store (SQLite in a temp dir): a spooled post is
// authenticated and recorded (RFC 8601: our Authentication-Results on top),
// then the handler of the address it came to decides, and the outcome is
// committed with its event. DNS is a static table holding the author's
// keys.
#include <catch2/catch.hpp>
#include <string>

#include "listd/inbound/processor.h"
#include "listd/mime/footer_template.h"
#include "listd/service/list_service.h"
#include "listd/service/member_service.h"
#include "listd/service/spool.h"
#include "tests/support/list_fixture.h"
#include "tests/support/test_mail.h"

namespace {

using listd::service::PostAction;
using namespace pipeline_test;

struct ProcessorFixture {
  ListFixture f;
  AuthFixture auth;  // DNS with example.org's keys
  listd::inbound::Processor processor;

  ProcessorFixture() : processor(*f.store, auth.keys, &auth.dns, Options(), [] { return kNow; }) {
    f.AddKey(RsaKey(), "demo-rsa");
    listd::service::MemberService members(*f.store, "test");
    REQUIRE(
        members.AddMembers(kListAddress, {"owner@example.net"}, storage::MemberRole::kOwner, kNow)
            .ok());
    f.AddMembers({"jane@example.org", "bob@example.net"});
  }

  static listd::inbound::ProcessorOptions Options() {
    listd::inbound::ProcessorOptions options;
    options.authserv_id = kOurId;
    options.post.templates_dir = listd::mime::BuiltInTemplatesDir();
    options.post.actor = "test";
    return options;
  }

  // Spools `message` for `recipient` as the intake would; returns its id.
  int64_t Spool(const std::string& recipient, const std::string& message = kPost) {
    auto ids = listd::service::SpoolPost(*f.store, "jane@example.org", {recipient}, message, kNow);
    INFO((ids.ok() ? std::string() : ids.error()));
    REQUIRE(ids.ok());
    return ids->front();
  }

  listd::service::PostOutcome Process(int64_t id) {
    auto outcome = processor.Process(id);
    INFO((outcome.ok() ? std::string() : outcome.error()));
    REQUIRE(outcome.ok());
    return *outcome;
  }

  storage::SpooledPost Post(int64_t id) {
    auto post = f.store->spool().Find(id);
    REQUIRE(post.ok());
    REQUIRE(post->has_value());
    return **post;
  }

  std::string LastEvent() {
    auto events = f.store->events().Recent(f.list.id, 1);
    REQUIRE(events.ok());
    REQUIRE_FALSE(events->empty());
    return events->front().action;
  }

  std::vector<storage::DeliveryBatch> Batches() {
    auto due = f.store->spool().DueBatches(INT64_MAX / 2, 100);
    REQUIRE(due.ok());
    return *due;
  }
};

TEST_CASE("processor: a member's post is verified, recorded, signed and queued for everyone",
          "[processor]") {
  ProcessorFixture p;
  const int64_t id = p.Spool(kListAddress, SignedBy(kPost, "rsa"));
  const auto outcome = p.Process(id);
  INFO(outcome.reason);
  CHECK(outcome.action == PostAction::kAccepted);
  CHECK(outcome.recipients == 3);
  CHECK_THAT(outcome.auth, Catch::StartsWith("dkim=pass(example.org)"));
  CHECK(outcome.message_id == "<minutes-1@example.org>");
  CHECK(p.Post(id).state == storage::PostState::kProcessed);
  CHECK(p.LastEvent() == "post.accept");
  const auto batches = p.Batches();
  REQUIRE(batches.size() == 1);
  CHECK(batches[0].envelope_from == "demo-bounces@lists.example.org");
  // Our own results lie under the list's signature (RFC 8601 section 4).
  CHECK_THAT(batches[0].message, Catch::Contains("Authentication-Results: lists.example.org;"));
  // RFC 8617 section 5.1: the ARC set last, on top; the list's signature below.
  CHECK_THAT(batches[0].message, Catch::StartsWith("ARC-Seal:"));
  CHECK_THAT(batches[0].message, Catch::Contains("\r\nDKIM-Signature: v=1; a=rsa-sha256; "));
}

TEST_CASE("processor: a post with more header fields than the limit is held unverified",
          "[processor][header-limit]") {
  // Hardening finding 12: 160,000 repeated fields once cost seconds in the
  // verifier, which ran before any check. Now nothing reads a field of such
  // a post: no key is looked up, and it is held as it came.
  ProcessorFixture p;
  std::string many;
  for (int i = 0; i < 1001; ++i) many += "To: m" + std::to_string(i) + "@example.net\r\n";
  const int64_t id = p.Spool(kListAddress, many + SignedBy(kPost, "rsa"));
  const int lookups_before = p.auth.dns.lookups();
  const auto outcome = p.Process(id);
  CHECK(outcome.action == PostAction::kHeld);
  CHECK_THAT(outcome.reason, Catch::Contains("more than 1000 fields"));
  CHECK(outcome.auth == "none");
  CHECK(p.auth.dns.lookups() == lookups_before);
  auto held = p.f.store->held().ForList(p.f.list.id);
  REQUIRE(held.ok());
  REQUIRE(held->size() == 1);
  // A post of 1,000 fields is no stranger to the pipeline.
  std::string enough;
  for (int i = 0; i < 990; ++i) enough += "To: m" + std::to_string(i) + "@example.net\r\n";
  const auto fine = p.Process(p.Spool(kListAddress, enough + SignedBy(kPost, "rsa")));
  INFO(fine.reason);
  CHECK(fine.action == PostAction::kAccepted);
}

TEST_CASE("processor: a post with more MIME parts than the limit is held before any parse",
          "[processor][mime-limit]") {
  // Hardening finding 18: 50,000 tiny parts took 100 MB in GMime objects.
  ProcessorFixture p;
  std::string post =
      "From: jane@example.org\r\nTo: demo@lists.example.org\r\n"
      "Subject: parts\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=p\r\n\r\n";
  for (int i = 0; i < 1001; ++i) post += "--p\r\n\r\npart\r\n";
  post += "--p--\r\n";
  const int lookups_before = p.auth.dns.lookups();
  const auto outcome = p.Process(p.Spool(kListAddress, post));
  CHECK(outcome.action == PostAction::kHeld);
  CHECK_THAT(outcome.reason, Catch::Contains("more than 1000 MIME parts"));
  CHECK(p.auth.dns.lookups() == lookups_before);
}

TEST_CASE("processor: mail to -owner goes to the owners as it came, not to the members",
          "[processor]") {
  ProcessorFixture p;
  const auto outcome = p.Process(p.Spool("demo-owner@lists.example.org"));
  CHECK(outcome.action == PostAction::kForwarded);
  CHECK(outcome.recipients == 1);
  CHECK(p.LastEvent() == "owner.forward");
  const auto batches = p.Batches();
  REQUIRE(batches.size() == 1);
  CHECK(batches[0].recipients == std::vector<std::string>{"owner@example.net"});
  CHECK_THAT(batches[0].message, !Catch::Contains("[demo]"));          // undecorated
  CHECK_THAT(batches[0].message, !Catch::Contains("DKIM-Signature"));  // and unsigned
}

TEST_CASE("processor: mail to a VERP address that is no bounce scores nobody and is kept",
          "[processor]") {
  ProcessorFixture p;
  const int64_t id = p.Spool("demo-bounces+bob=example.net@lists.example.org");
  const auto outcome = p.Process(id);
  CHECK(outcome.action == PostAction::kRecorded);
  CHECK_THAT(outcome.reason, Catch::Contains("not-a-bounce"));
  CHECK_THAT(outcome.reason, Catch::Contains("bob@example.net"));
  CHECK_THAT(outcome.reason, Catch::Contains("digest"));
  CHECK(p.LastEvent() == "bounce.received");
  CHECK(p.Post(id).state == storage::PostState::kProcessed);
  CHECK(p.Batches().empty());
}

TEST_CASE("processor: command addresses reach their handlers, and each mail is answered once",
          "[processor]") {
  // RFC 3834 section 4: the answer goes to the return path (jane here):
  // a reply for -request and for a token that cannot be used, the
  // confirmation for -join and -leave (jane's From is not authenticated).
  struct Row {
    const char* address;
    const char* event;
  };
  for (const Row row : {Row{"demo-request@lists.example.org", "command.processed"},
                        Row{"demo-join@lists.example.org", "command.join"},
                        Row{"demo-leave@lists.example.org", "command.leave"},
                        Row{"demo-confirm+Zm9vYmFy@lists.example.org", "command.confirm"}}) {
    INFO(row.address);
    ProcessorFixture p;
    const auto outcome = p.Process(p.Spool(row.address));
    CHECK(outcome.action == PostAction::kRecorded);
    CHECK(p.LastEvent() == row.event);
    const auto batches = p.Batches();
    REQUIRE(batches.size() == 1);
    CHECK(batches[0].recipients == std::vector<std::string>{"jane@example.org"});
    CHECK(batches[0].message.rfind("DKIM-Signature:", 0) == 0);
    CHECK(batches[0].message.find("Auto-Submitted: auto-") != std::string::npos);
  }
}

TEST_CASE("processor: command mail that must not be answered is recorded, and nothing sent",
          "[processor]") {
  // RFC 3834 section 2: an automatic response is never answered.
  ProcessorFixture p;
  const auto outcome =
      p.Process(p.Spool("demo-join@lists.example.org", "Auto-Submitted: auto-replied\r\n" + kPost));
  CHECK(outcome.action == PostAction::kRecorded);
  CHECK_THAT(outcome.reason, Catch::StartsWith("not answered"));
  CHECK(p.LastEvent() == "command.unanswered");
  CHECK(p.Batches().empty());
}

TEST_CASE("processor: a post that is not a message is held with the reason", "[processor]") {
  ProcessorFixture p;
  const int64_t id = p.Spool(kListAddress, "no header at all, and no blank line");
  const auto outcome = p.Process(id);
  CHECK(outcome.action == PostAction::kHeld);
  CHECK(p.Post(id).state == storage::PostState::kHeld);
  auto held = p.f.store->held().ForList(p.f.list.id);
  REQUIRE(held.ok());
  REQUIRE(held->size() == 1);
  CHECK_THAT((*held)[0].reason, Catch::StartsWith("cannot be authenticated"));
}

TEST_CASE("processor: a post already processed is a conflict, and stays as it was", "[processor]") {
  ProcessorFixture p;
  const int64_t id = p.Spool(kListAddress, SignedBy(kPost, "rsa"));
  p.Process(id);
  auto again = p.processor.Process(id);
  REQUIRE_FALSE(again.ok());
  CHECK(again.kind() == base::ErrorKind::kConflict);
  CHECK(p.Batches().size() == 1);  // no second copy
  auto missing = p.processor.Process(id + 100);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.kind() == base::ErrorKind::kNotFound);
}

TEST_CASE("processor: a post whose list is gone is marked failed and kept", "[processor]") {
  ProcessorFixture p;
  const int64_t id = p.Spool(kListAddress);
  listd::service::ListService lists(*p.f.store, "test");
  REQUIRE(lists.RemoveList(kListAddress, kNow).ok());
  const auto outcome = p.Process(id);
  CHECK(outcome.action == PostAction::kFailed);
  CHECK(p.Post(id).state == storage::PostState::kFailed);
  CHECK_THAT(p.Post(id).reason, Catch::Contains("no list"));
}

}  // namespace
