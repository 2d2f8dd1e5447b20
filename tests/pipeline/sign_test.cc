// Stage 6, sign: the list's own DKIM signatures over a decorated post
// (RFC 6376 section 5, RFC 8463 for Ed25519 beside RSA), what h= covers
// and oversigns (section 5.4, 5.4.2), x= (section 3.5), the shared body
// hash (section 3.7), and a list without an active key. Keys live in a
// real store (SQLite in a temp dir); the signatures are checked with
// dkim::Verifier against the public keys the store holds.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <variant>
#include <vector>

#include "base/ascii.h"
#include "dkim/key_resolver.h"
#include "dkim/message.h"
#include "dkim/signature.h"
#include "dkim/txt_resolver.h"
#include "dkim/verifier.h"
#include "listd/pipeline/sign.h"
#include "tests/support/list_fixture.h"
#include "tests/support/test_mail.h"

namespace {

using listd::pipeline::ListContext;
using listd::pipeline::OversignedFields;
using listd::pipeline::Sign;
using listd::pipeline::SignedFields;
using namespace pipeline_test;

// A post as decorate and record leave it: listd's Authentication-Results
// and the List-* fields above the author's fields.
const std::string kDecorated =
    "Authentication-Results: lists.example.org; dkim=none\r\n"
    "List-Id: Demo <demo.lists.example.org>\r\n"
    "List-Post: <mailto:demo@lists.example.org>\r\n"
    "List-Help: <mailto:demo-request@lists.example.org?subject=help>\r\n"
    "List-Subscribe: <mailto:demo-join@lists.example.org>\r\n"
    "List-Unsubscribe: <mailto:demo-leave@lists.example.org>\r\n"
    "From: Jane Doe <jane@example.org>\r\n"
    "To: demo@lists.example.org\r\n"
    "Subject: [demo] Minutes of Tuesday\r\n"
    "Date: Tue, 14 Jan 2027 10:00:00 +0000\r\n"
    "Message-ID: <minutes-1@example.org>\r\n"
    "\r\n"
    "The minutes are attached in spirit.\r\n"
    "\r\n"
    "Jane\r\n"
    "-- \r\n"
    "To leave: demo-leave@lists.example.org\r\n";

// The DKIM-Signature fields of `text`, parsed, top to bottom.
std::vector<dkim::Signature> SignaturesOf(const std::string& text) {
  auto message = dkim::Message::Parse(text);
  REQUIRE(message.ok());
  std::vector<dkim::Signature> out;
  for (const dkim::HeaderField* field : message->FieldsNamed("DKIM-Signature")) {
    auto parsed = dkim::ParseSignature(field->value());
    REQUIRE(std::holds_alternative<dkim::Signature>(parsed));
    out.push_back(std::get<dkim::Signature>(std::move(parsed)));
  }
  return out;
}

// How often `name` appears in h= (names compare case-insensitively).
int CountInH(const dkim::Signature& sig, const std::string& name) {
  int count = 0;
  for (const std::string& n : sig.signed_headers) {
    count += base::LowerAscii(n) == base::LowerAscii(name);
  }
  return count;
}

// `names` joined with ':', as h= writes them.
std::string Joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ":") + name;
  return out;
}

// A list with an RSA and an Ed25519 active key, and DNS serving both.
struct TwoKeys {
  ListFixture f;
  storage::KeyRecord rsa, ed;
  dkim::StaticTxtResolver dns;

  TwoKeys() {
    rsa = f.AddKey(RsaKey(), "s2027-01");
    ed = f.AddKey(EdKey(), "s2027-01e");
    for (const storage::KeyRecord* key : {&rsa, &ed}) {
      dns.Add(key->selector + "._domainkey.lists.example.org", KeyRecordText(*key));
    }
  }

  // Verifies every signature of `text` at `now`.
  std::vector<dkim::SignatureResult> Verify(const std::string& text, int64_t now = kNow) {
    dkim::DnsKeyResolver keys(dns, [now] { return now; });
    dkim::Verifier verifier(keys);
    auto message = dkim::Message::Parse(text);
    REQUIRE(message.ok());
    return verifier.Verify(*message, now);
  }
};

listd::pipeline::Signed MustSign(const std::string& text, ListContext& list, int64_t now = kNow) {
  auto signed_post = Sign(text, list, now);
  INFO((signed_post.ok() ? std::string() : signed_post.error()));
  REQUIRE(signed_post.ok());
  return std::move(*signed_post);
}

TEST_CASE(
    "sign: RFC 8463 section 3 with RFC 6376 section 5, one signature per active key, "
    "both verify",
    "[sign]") {
  TwoKeys t;
  ListContext list = t.f.Context();
  REQUIRE(list.keys.size() == 2);
  const auto out = MustSign(kDecorated, list);
  CHECK(out.signatures == 2);

  // RFC 6376 section 5.6: the new fields go on top; the post below is untouched.
  auto message = dkim::Message::Parse(out.message);
  REQUIRE(message.ok());
  REQUIRE(message->headers().size() > 2);
  CHECK(base::LowerAscii(std::string(message->headers()[0].name)) == "dkim-signature");
  CHECK(base::LowerAscii(std::string(message->headers()[1].name)) == "dkim-signature");
  CHECK(out.message.ends_with(kDecorated));
  CHECK(out.message.size() ==
        kDecorated.size() + message->headers()[0].raw.size() + message->headers()[1].raw.size());

  const auto results = t.Verify(out.message);
  REQUIRE(results.size() == 2);
  std::vector<std::string> algorithms;
  for (const dkim::SignatureResult& r : results) {
    INFO(r.selector << ": " << r.reason);
    CHECK(r.result == dkim::DkimResult::kPass);
    CHECK(r.domain == "lists.example.org");
    algorithms.push_back(r.algorithm);
  }
  std::sort(algorithms.begin(), algorithms.end());
  CHECK(algorithms == std::vector<std::string>{"ed25519-sha256", "rsa-sha256"});

  CHECK(out.summary.starts_with("signed "));
  CHECK_THAT(out.summary, Catch::Contains("rsa-sha256 s=s2027-01"));
  CHECK_THAT(out.summary, Catch::Contains("ed25519-sha256 s=s2027-01e"));
  CHECK_THAT(out.summary, Catch::EndsWith("d=lists.example.org"));
}

TEST_CASE(
    "sign: RFC 6376 section 5.4 h= covers the List-* fields and Authentication-Results, "
    "section 5.4.2 oversigns From, Subject and List-*",
    "[sign]") {
  TwoKeys t;
  ListContext list = t.f.Context();
  const auto out = MustSign(kDecorated, list);
  const auto signatures = SignaturesOf(out.message);
  REQUIRE(signatures.size() == 2);
  for (const dkim::Signature& sig : signatures) {
    INFO("s=" << sig.selector);
    // Present once and oversigned: listed twice.
    for (const char* name : {"From", "Subject", "List-Id", "List-Post", "List-Help",
                             "List-Subscribe", "List-Unsubscribe"}) {
      INFO(name);
      CHECK(CountInH(sig, name) == 2);
    }
    // Absent and oversigned: listed once, so none can be added.
    CHECK(CountInH(sig, "List-Owner") == 1);
    CHECK(CountInH(sig, "List-Unsubscribe-Post") == 1);
    // Present once, signed, not oversigned.
    CHECK(CountInH(sig, "Authentication-Results") == 1);
    CHECK(CountInH(sig, "To") == 1);
    CHECK(CountInH(sig, "Date") == 1);
    CHECK(CountInH(sig, "Message-ID") == 1);
    // Listed in signing.headers but absent, not oversigned: not listed.
    CHECK(CountInH(sig, "Cc") == 0);
    // The signer's own field is never in h=.
    CHECK(CountInH(sig, "DKIM-Signature") == 0);
  }
}

TEST_CASE(
    "sign: RFC 6376 section 5.4.2, a List-Unsubscribe added after signing breaks both "
    "signatures",
    "[sign]") {
  TwoKeys t;
  ListContext list = t.f.Context();
  const auto out = MustSign(kDecorated, list);
  // Inserted below the signatures, as a forwarder would add it (the CRLF
  // keeps the match off the h= tags, which name List-Id too).
  const std::string forged = Replace(
      out.message, "\r\nList-Id:", "\r\nList-Unsubscribe: <https://evil.example/>\r\nList-Id:");
  const auto forged_results = t.Verify(forged);
  REQUIRE(forged_results.size() == 2);
  for (const dkim::SignatureResult& r : forged_results) {
    INFO(r.selector);
    CHECK(r.result == dkim::DkimResult::kFail);
  }
  // A field that is not signed at all may be added freely.
  const std::string harmless =
      Replace(out.message, "\r\nList-Id:", "\r\nX-Mailer: something\r\nList-Id:");
  const auto harmless_results = t.Verify(harmless);
  REQUIRE(harmless_results.size() == 2);
  for (const dkim::SignatureResult& r : harmless_results) {
    INFO(r.selector << ": " << r.reason);
    CHECK(r.result == dkim::DkimResult::kPass);
  }
}

TEST_CASE("sign: RFC 6376 section 3.7, both signatures carry one and the same bh=", "[sign]") {
  TwoKeys t;
  ListContext list = t.f.Context();
  const auto signatures = SignaturesOf(MustSign(kDecorated, list).message);
  REQUIRE(signatures.size() == 2);
  CHECK(signatures[0].algorithm != signatures[1].algorithm);
  CHECK_FALSE(signatures[0].body_hash.empty());
  CHECK(signatures[0].body_hash == signatures[1].body_hash);
  // c= is the list's default, relaxed/relaxed, for both.
  for (const dkim::Signature& sig : signatures) {
    CHECK(sig.canonicalization.header == dkim::Canon::kRelaxed);
    CHECK(sig.canonicalization.body == dkim::Canon::kRelaxed);
    CHECK(sig.timestamp == kNow);
    CHECK_FALSE(sig.expiration.has_value());  // signing.expire defaults to 0: no x=
  }
}

TEST_CASE("sign: RFC 8463 section 6, signing.algorithms=rsa gives one rsa-sha256 signature",
          "[sign]") {
  TwoKeys t;
  t.f.Set({{"signing.algorithms", "rsa"}});
  ListContext list = t.f.Context();
  const auto out = MustSign(kDecorated, list);
  CHECK(out.signatures == 1);
  const auto signatures = SignaturesOf(out.message);
  REQUIRE(signatures.size() == 1);
  CHECK(signatures[0].algorithm == dkim::SigningAlgorithm::kRsaSha256);
  CHECK(signatures[0].selector == "s2027-01");
  const auto results = t.Verify(out.message);
  REQUIRE(results.size() == 1);
  CHECK(results[0].result == dkim::DkimResult::kPass);

  t.f.Set({{"signing.algorithms", "ed25519"}});
  ListContext ed_only = t.f.Context();
  const auto ed_signatures = SignaturesOf(MustSign(kDecorated, ed_only).message);
  REQUIRE(ed_signatures.size() == 1);
  CHECK(ed_signatures[0].algorithm == dkim::SigningAlgorithm::kEd25519Sha256);
}

TEST_CASE("sign: RFC 6376 section 3.5, signing.expire=3600 gives x= = t= + 3600", "[sign]") {
  TwoKeys t;
  t.f.Set({{"signing.expire", "3600"}});
  ListContext list = t.f.Context();
  const auto out = MustSign(kDecorated, list);
  const auto signatures = SignaturesOf(out.message);
  REQUIRE(signatures.size() == 2);
  for (const dkim::Signature& sig : signatures) {
    REQUIRE(sig.timestamp.has_value());
    REQUIRE(sig.expiration.has_value());
    CHECK(*sig.timestamp == kNow);
    CHECK(*sig.expiration == kNow + 3600);
  }
  // Valid within the hour, expired after it (section 6.1.1).
  for (const auto& r : t.Verify(out.message, kNow + 3000)) {
    CHECK(r.result == dkim::DkimResult::kPass);
  }
  for (const auto& r : t.Verify(out.message, kNow + 3601)) {
    CHECK(r.result != dkim::DkimResult::kPass);
  }
}

TEST_CASE("sign: signing.domain and signing.canonicalization reach d= and c=", "[sign]") {
  ListFixture f;
  const storage::KeyRecord ed = f.AddKey(EdKey(), "sel");
  f.Set({{"signing.domain", "example.org"}, {"signing.canonicalization", "simple/simple"}});
  ListContext list = f.Context();
  const auto out = MustSign(kDecorated, list);
  const auto signatures = SignaturesOf(out.message);
  REQUIRE(signatures.size() == 1);
  CHECK(signatures[0].domain == "example.org");
  CHECK(signatures[0].canonicalization.header == dkim::Canon::kSimple);
  CHECK(signatures[0].canonicalization.body == dkim::Canon::kSimple);
  CHECK_THAT(out.summary, Catch::EndsWith("d=example.org"));

  dkim::StaticTxtResolver dns;
  dns.Add("sel._domainkey.example.org", KeyRecordText(ed));
  dkim::DnsKeyResolver keys(dns, [] { return kNow; });
  dkim::Verifier verifier(keys);
  auto message = dkim::Message::Parse(out.message);
  REQUIRE(message.ok());
  const auto results = verifier.Verify(*message, kNow);
  REQUIRE(results.size() == 1);
  CHECK(results[0].result == dkim::DkimResult::kPass);
}

TEST_CASE("sign: a list without an active key delivers the post unchanged, \"unsigned\"",
          "[sign]") {
  ListFixture f;
  SECTION("no key at all") {}
  SECTION("keys that are generated or retired do not sign") {
    f.AddKey(EdKey(), "waiting", KeyState::kGenerated);
    f.AddKey(RsaKey(), "old", KeyState::kRetired);
  }
  ListContext list = f.Context();
  CHECK(list.keys.empty());
  const auto out = MustSign(kDecorated, list);
  CHECK(out.message == kDecorated);
  CHECK(out.signatures == 0);
  CHECK(out.summary.starts_with("unsigned"));
}

TEST_CASE("sign: SignedFields and OversignedFields from the default settings", "[sign]") {
  ListFixture f;
  const ListContext list = f.Context();
  CHECK(Joined(SignedFields(list)) ==
        "From:To:Cc:Subject:Date:Message-ID:Reply-To:In-Reply-To:References:MIME-Version:"
        "Content-Type:Content-Transfer-Encoding:"
        "List-Id:List-Post:List-Help:List-Subscribe:List-Unsubscribe:List-Owner:"
        "List-Unsubscribe-Post:Precedence:Authentication-Results");
  CHECK(Joined(OversignedFields(list)) ==
        "From:Subject:List-Id:List-Post:List-Help:List-Subscribe:List-Unsubscribe:List-Owner:"
        "List-Unsubscribe-Post");
}

TEST_CASE("sign: a List-* name already in signing.headers is not listed twice", "[sign]") {
  ListFixture f;
  f.Set({{"signing.headers", "From:Subject:list-id"}, {"signing.oversign", "From:LIST-POST"}});
  const ListContext list = f.Context();
  const auto fields = SignedFields(list);
  CHECK(std::count_if(fields.begin(), fields.end(),
                      [](const std::string& n) { return base::LowerAscii(n) == "list-id"; }) == 1);
  CHECK(fields.front() == "From");
  const auto oversigned = OversignedFields(list);
  CHECK(std::count_if(oversigned.begin(), oversigned.end(), [](const std::string& n) {
          return base::LowerAscii(n) == "list-post";
        }) == 1);
  // Subject is no longer oversigned when signing.oversign leaves it out.
  CHECK(std::find(oversigned.begin(), oversigned.end(), "Subject") == oversigned.end());
}

}  // namespace
