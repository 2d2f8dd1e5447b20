// Stage 3, record: the Authentication-Results field listd writes (RFC 8601
// sections 2.2, 2.7.1), where it goes (section 4: on top), that it reads
// back, and the log summary.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include "dkim/dmarc_evaluator.h"

#include "dkim/auth_results.h"
#include "listd/pipeline/record.h"
#include "tests/support/test_mail.h"

namespace {

using dkim::DkimResult;
using listd::pipeline::Authentication;
using listd::pipeline::AuthenticationResultsField;
using listd::pipeline::AuthenticationSummary;
using listd::pipeline::Record;
using namespace pipeline_test;

dkim::SignatureResult Result(DkimResult result, std::string domain, std::string reason,
                             std::string b) {
  dkim::SignatureResult r;
  r.result = result;
  r.domain = domain;
  r.identity = "@" + domain;
  r.selector = "s1";
  r.algorithm = "rsa-sha256";
  r.reason = std::move(reason);
  r.b_base64 = std::move(b);
  return r;
}

// Two results: a pass and a body-hash failure.
Authentication TwoResults() {
  Authentication auth;
  auth.message = kPost;
  auth.dkim.push_back(Result(DkimResult::kPass, "example.org", "", "dGhpcyBpcyBub3QgYSBzaWc="));
  auth.dkim.push_back(
      Result(DkimResult::kFail, "other.org", "body hash mismatch", "b3RoZXIgc2lnbmF0dXJl"));
  return auth;
}

// The field's value: after "Authentication-Results:", without the CRLF.
std::string ValueOf(const std::string& field) {
  const std::string name = "Authentication-Results:";
  REQUIRE(field.starts_with(name));
  REQUIRE(field.ends_with("\r\n"));
  return field.substr(name.size(), field.size() - name.size() - 2);
}

TEST_CASE("RFC 8601 section 2.7.1: the field for a pass and a fail, exactly", "[record]") {
  CHECK(AuthenticationResultsField(TwoResults(), kOurId) ==
        "Authentication-Results: lists.example.org;\r\n"
        "\tdkim=pass header.d=example.org header.i=@example.org header.s=s1\r\n"
        "\theader.a=rsa-sha256 header.b=dGhpcyBp;\r\n"
        "\tdkim=fail (body hash mismatch) header.d=other.org header.i=@other.org\r\n"
        "\theader.s=s1 header.a=rsa-sha256 header.b=b3RoZXIg;\r\n"
        "\tarc=none\r\n");
}

TEST_CASE("RFC 8601 section 2.7.1: an unsigned post is recorded as dkim=none", "[record]") {
  Authentication auth;
  auth.message = kPost;
  CHECK(AuthenticationResultsField(auth, kOurId) ==
        "Authentication-Results: lists.example.org; dkim=none; arc=none\r\n");
  CHECK(AuthenticationSummary(auth) == "dkim=none arc=none");
}

TEST_CASE("RFC 8617 section 6 and RFC 7489 section 11.2: arc= and dmarc= follow dkim=",
          "[record]") {
  Authentication auth = TwoResults();
  auth.arc.result = dkim::ArcResult::kPass;
  auth.arc.oldest_pass = 1;
  dkim::DmarcEvaluation dmarc;
  dmarc.result = dkim::DmarcResult::kPass;
  dmarc.from_domain = "example.org";
  dmarc.record = dkim::DmarcRecord{};
  dmarc.record->p = dkim::DmarcPolicy::kReject;
  dmarc.applied_policy = dkim::DmarcPolicy::kReject;
  auth.dmarc = dmarc;
  auto parsed = dkim::ParseAuthenticationResults(ValueOf(AuthenticationResultsField(auth, kOurId)));
  REQUIRE(parsed.ok());
  REQUIRE(parsed->results.size() == 4);
  CHECK(parsed->results[2].method == "arc");
  CHECK(parsed->results[2].result == "pass");
  CHECK(parsed->results[2].Property("header.oldest-pass") == "1");
  CHECK(parsed->results[3].method == "dmarc");
  CHECK(parsed->results[3].result == "pass");
  CHECK(parsed->results[3].Property("header.from") == "example.org");
  CHECK(AuthenticationSummary(auth) ==
        "dkim=pass(example.org) dkim=fail(other.org: body hash mismatch) arc=pass "
        "dmarc=pass(example.org p=reject)");
}

TEST_CASE("RFC 5322 section 2.1.1: every line of the field is at most 78 characters", "[record]") {
  Authentication auth = TwoResults();
  auth.dkim.push_back(Result(DkimResult::kPermError, "a-rather-long-subdomain.example.com",
                             "key h= does not list the signature's hash algorithm (sha256)",
                             "c29tZSBvdGhlciBzaWduYXR1cmUgYnl0ZXM="));
  const std::string field = AuthenticationResultsField(auth, kOurId);
  std::istringstream lines(field);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    REQUIRE(line.ends_with("\r"));
    INFO(line);
    CHECK(line.size() - 1 <= 78);
    ++count;
  }
  CHECK(count > 3);
}

TEST_CASE("RFC 8601 section 2.2: the field parses back to what was verified", "[record]") {
  AuthFixture f;
  Authentication auth = f.Run(SignedBy(SignedBy(kPost, "rsa"), "ed"));
  REQUIRE(auth.dkim.size() == 2);
  auto parsed = dkim::ParseAuthenticationResults(ValueOf(AuthenticationResultsField(auth, kOurId)));
  REQUIRE(parsed.ok());
  CHECK(parsed->authserv_id == kOurId);
  CHECK_FALSE(parsed->version);
  REQUIRE(parsed->results.size() == 3);  // and arc=none
  CHECK(parsed->results[2].method == "arc");
  for (size_t i = 0; i < 2; ++i) {
    const dkim::AuthResult& r = parsed->results[i];
    CHECK(r.method == "dkim");
    CHECK(r.result == "pass");
    CHECK(r.Property("header.d") == "example.org");
    CHECK(r.Property("header.s") == auth.dkim[i].selector);
    CHECK(r.Property("header.a") == auth.dkim[i].algorithm);
    auto b = r.Property("header.b");
    REQUIRE(b);
    CHECK(b->size() >= 8);  // RFC 6008 section 4
    CHECK(auth.dkim[i].b_base64.starts_with(*b));
  }
}

TEST_CASE("RFC 8601 section 4: the field is added on top, above every existing field", "[record]") {
  AuthFixture f;
  const std::string forged = "Authentication-Results: lists.example.org; dkim=pass\r\n";
  const std::string signed_post = SignedBy(kPost, "ed");
  Authentication auth = f.Run(forged + signed_post);
  const std::string out = Record(auth, kOurId);
  CHECK(out == AuthenticationResultsField(auth, kOurId) + signed_post);
  CHECK(out.starts_with("Authentication-Results: lists.example.org;"));
  // Section 5: ours is the only field that names us.
  auto message = dkim::Message::Parse(out);
  REQUIRE(message.ok());
  auto fields = message->FieldsNamed("Authentication-Results");
  REQUIRE(fields.size() == 1);
  CHECK(&message->headers().front() == fields[0]);
  // And our own field does not break the author's signature.
  Authentication again = f.Run(out);
  REQUIRE(again.dkim.size() == 1);
  CHECK(again.dkim[0].result == DkimResult::kPass);
}

TEST_CASE("record: the log summary names each result, its domain and its reason", "[record]") {
  CHECK(AuthenticationSummary(TwoResults()) ==
        "dkim=pass(example.org) dkim=fail(other.org: body hash mismatch) arc=none");
  Authentication odd;
  dkim::SignatureResult unparsed;
  unparsed.result = DkimResult::kPermError;
  unparsed.reason = "missing b= tag";
  dkim::SignatureResult testing = Result(DkimResult::kPass, "example.net", "", "");
  testing.key_testing = true;
  odd.dkim = {unparsed, testing};
  CHECK(AuthenticationSummary(odd) ==
        "dkim=permerror(missing b= tag) dkim=pass(example.net: key in testing mode) arc=none");
}

}  // namespace
