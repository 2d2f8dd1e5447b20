// Stage 2, authenticate: DKIM verification of a post as it arrived (RFC
// 6376 section 6, through dkim::Verifier) and the removal of
// Authentication-Results fields that claim our authserv-id (RFC 8601
// section 5). Keys are made in the test and published in a
// StaticTxtResolver.
#include <catch2/catch.hpp>
#include <string>

#include "listd/pipeline/authenticate.h"
#include "tests/support/test_mail.h"

namespace {

using dkim::DkimResult;
using listd::pipeline::Authenticate;
using listd::pipeline::Authentication;
using namespace pipeline_test;

TEST_CASE("RFC 6376 section 6: a good signature passes and the post is unchanged",
          "[authenticate]") {
  AuthFixture f;
  for (const char* selector : {"ed", "rsa"}) {
    const std::string post = SignedBy(kPost, selector);
    Authentication auth = f.Run(post);
    REQUIRE(auth.dkim.size() == 1);
    CHECK(auth.dkim[0].result == DkimResult::kPass);
    CHECK(auth.dkim[0].domain == "example.org");
    CHECK(auth.dkim[0].selector == selector);
    CHECK(auth.message == post);
    CHECK(auth.removed.empty());
    CHECK(auth.trusted_upstream.empty());
  }
}

TEST_CASE("RFC 6376 section 6.1.3: a changed body fails with its reason", "[authenticate]") {
  AuthFixture f;
  Authentication auth = f.Run(Replace(SignedBy(kPost, "ed"), "in spirit", "in SPIRIT"));
  REQUIRE(auth.dkim.size() == 1);
  CHECK(auth.dkim[0].result == DkimResult::kFail);
  CHECK(auth.dkim[0].reason == "body hash mismatch");
}

TEST_CASE("RFC 6376 section 6: every signature gets its own result, top to bottom",
          "[authenticate]") {
  AuthFixture f;
  const std::string twice = SignedBy(SignedBy(kPost, "rsa"), "ed");
  f.dns.SetStatus("rsa._domainkey.example.org", dkim::TxtAnswer::Status::kNoRecord);
  Authentication auth = f.Run(twice);
  REQUIRE(auth.dkim.size() == 2);
  CHECK(auth.dkim[0].selector == "ed");
  CHECK(auth.dkim[0].result == DkimResult::kPass);
  CHECK(auth.dkim[1].selector == "rsa");
  CHECK(auth.dkim[1].result == DkimResult::kPermError);
}

TEST_CASE("RFC 6376 section 6.1.2: a DNS temporary failure is temperror", "[authenticate]") {
  AuthFixture f;
  f.dns.SetStatus("ed._domainkey.example.org", dkim::TxtAnswer::Status::kTempFail);
  Authentication auth = f.Run(SignedBy(kPost, "ed"));
  REQUIRE(auth.dkim.size() == 1);
  CHECK(auth.dkim[0].result == DkimResult::kTempError);
}

TEST_CASE("RFC 8601 section 2.7.1: an unsigned post has no results (dkim=none)", "[authenticate]") {
  AuthFixture f;
  Authentication auth = f.Run(kPost);
  CHECK(auth.dkim.empty());
  CHECK(auth.message == kPost);
}

TEST_CASE("RFC 8601 sections 5 and 2.5: fields claiming our authserv-id go, in any case",
          "[authenticate]") {
  AuthFixture f;
  const std::string forged =
      "Authentication-Results: LISTS.Example.ORG;\r\n"
      "\tdkim=pass header.d=bank.example\r\n";
  const std::string quoted = "Authentication-Results: \"lists.example.org\" 1; spf=pass\r\n";
  Authentication auth = f.Run(forged + kPost);
  CHECK(auth.message == kPost);
  REQUIRE(auth.removed.size() == 1);
  CHECK(auth.removed[0] == "forged Authentication-Results claiming LISTS.Example.ORG");

  // Anywhere in the header, folded or quoted, and several of them.
  const std::string middle = Replace(kPost, "Subject:", forged + quoted + "Subject:");
  auth = f.Run(middle);
  CHECK(auth.message == kPost);
  CHECK(auth.removed.size() == 2);
}

TEST_CASE("RFC 8601 section 5: a malformed field is removed only when its first word is ours",
          "[authenticate]") {
  AuthFixture f;
  const std::string ours = "Authentication-Results: (hello) Lists.example.org; dkim=pass (\r\n";
  const std::string theirs = "Authentication-Results: other.example; dkim=\r\n";
  Authentication auth = f.Run(ours + theirs + kPost);
  CHECK(auth.message == theirs + kPost);
  REQUIRE(auth.removed.size() == 1);
  CHECK_THAT(
      auth.removed[0],
      Catch::StartsWith("forged Authentication-Results claiming Lists.example.org (malformed: "));
  CHECK(auth.trusted_upstream.empty());
}

TEST_CASE("RFC 8601 section 7.1: only listed upstream authserv-ids are trusted", "[authenticate]") {
  AuthFixture f;
  const std::string mx =
      "Authentication-Results: MX.example.org; spf=pass smtp.mailfrom=example.org\r\n";
  const std::string stranger =
      "Authentication-Results: relay.example.net; dkim=pass header.d=example.org\r\n";
  Authentication auth = f.Run(mx + stranger + kPost);
  // Both stay in the post: they do not claim to be ours.
  CHECK(auth.message == mx + stranger + kPost);
  CHECK(auth.removed.empty());
  REQUIRE(auth.trusted_upstream.size() == 1);
  CHECK(auth.trusted_upstream[0].authserv_id == "MX.example.org");
  REQUIRE(auth.trusted_upstream[0].results.size() == 1);
  CHECK(auth.trusted_upstream[0].results[0].method == "spf");
  CHECK(auth.trusted_upstream[0].results[0].Property("smtp.mailfrom") == "example.org");

  SECTION("with no trusted list, nothing is trusted (the default of section 7.1)") {
    f.options.trusted_authserv_ids.clear();
    CHECK(f.Run(mx + kPost).trusted_upstream.empty());
  }
  SECTION("our own id is removed even when listed as trusted") {
    f.options.trusted_authserv_ids.push_back(kOurId);
    Authentication own = f.Run("Authentication-Results: lists.example.org; none\r\n" + kPost);
    CHECK(own.message == kPost);
    CHECK(own.trusted_upstream.empty());
  }
}

TEST_CASE("RFC 8601 section 5: a field of an unsupported version is removed", "[authenticate]") {
  AuthFixture f;
  Authentication auth = f.Run("Authentication-Results: mx.example.org 2; spf=pass\r\n" + kPost);
  CHECK(auth.message == kPost);
  REQUIRE(auth.removed.size() == 1);
  CHECK(auth.removed[0] == "Authentication-Results of unsupported version 2 from mx.example.org");
  CHECK(auth.trusted_upstream.empty());
  // Version 1, written out, is ours to read.
  auth = f.Run("Authentication-Results: mx.example.org 1; spf=pass\r\n" + kPost);
  CHECK(auth.trusted_upstream.size() == 1);
}

TEST_CASE("RFC 6377 section 5.6: signatures are verified on the post as it arrived",
          "[authenticate]") {
  AuthFixture f;
  // The author's signer covered a field that claims to be ours. We verify
  // the bytes it signed (pass), then remove the claim.
  const std::string claim = "Authentication-Results: lists.example.org; dkim=pass\r\n";
  const std::string post =
      SignedBy(claim + kPost, "ed", {"From", "Subject", "Authentication-Results"});
  Authentication auth = f.Run(post);
  REQUIRE(auth.dkim.size() == 1);
  CHECK(auth.dkim[0].result == DkimResult::kPass);
  CHECK(auth.message == post.substr(0, post.find(claim)) + kPost);
  CHECK(auth.removed.size() == 1);
}

TEST_CASE("RFC 5322 section 2.3: bare LF becomes CRLF, once", "[authenticate]") {
  AuthFixture f;
  Authentication auth = f.Run("From: jane@example.org\nSubject: x\n\nbody\n");
  CHECK(auth.message == "From: jane@example.org\r\nSubject: x\r\n\r\nbody\r\n");
}

TEST_CASE("authenticate: a post that is not a message, or no authserv-id, is an error",
          "[authenticate]") {
  AuthFixture f;
  auto bad = Authenticate("From: a@example.org\r\nnot a field\r\n\r\n", f.options, f.keys);
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error(), Catch::StartsWith("the post is not a message: "));
  f.options.authserv_id.clear();
  auto none = Authenticate(kPost, f.options, f.keys);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error() == "no authserv-id configured for Authentication-Results");
}

}  // namespace
