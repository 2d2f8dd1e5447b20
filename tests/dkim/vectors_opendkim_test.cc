// OpenDKIM's libopendkim unit-test vectors, materialised as messages in
// /work/shared/testsuites/dkim/opendkim and indexed by INDEX.tsv (99 rows).
//
// Verification vectors: OpenDKIM's status is mapped onto RFC 8601 results
// (OK -> pass, or policy for rsa-sha1, RFC 8301 3.1; BADSIG -> fail; NOKEY,
// REVOKED, CANTVRFY, SYNTAX in the signature -> permerror; NOSIG -> no
// result). Where OpenDKIM's status comes from something outside RFC 6376
// (a local option, an environment fault, its own message syntax checks)
// the RFC's answer is asserted instead; see kCorrections.
//
// Signing vectors: the expected signature is rsa-sha1 for most, which our
// Signer refuses (RFC 8301 3.1). Canonicalization is proven instead by
// (a) verifying the expected signed message: policy, whose reason names
// rsa-sha1 (the Verifier checked the crypto and refused only by policy),
// and (b) rebuilding bh= and the header-hash input from the input message
// with our canonicalization and reproducing b= byte for byte (through
// dkim::PrivateKey for rsa-sha256, through the OpenSSL oracle for rsa-sha1).
// Our own Signer then signs every input with rsa-sha256 and must verify.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "dkim/canonicalization.h"
#include "dkim/crypto.h"
#include "dkim/key_record.h"
#include "dkim/message.h"
#include "dkim/signature.h"
#include "dkim/signer.h"
#include "dkim/tag_list.h"
#include "dkim/txt_resolver.h"
#include "dkim/verifier.h"
#include "testdata.h"

namespace {

using dkim::DkimResult;

// Verification vectors pin no clock; this one is past every t= in them and
// past t-test103's x=, before t-test104's future t=.
constexpr int64_t kNow = 1700000000;

std::string SuitePath(const std::string& name) {
  return testdata::DkimSuitePath("opendkim") + "/" + name;
}
std::string MessageFile(const std::string& name) {
  return testdata::ReadFile(SuitePath("messages/" + name));
}

dkim::StaticTxtResolver SuiteDns() {
  dkim::StaticTxtResolver dns;
  testdata::AddTsvRecords(SuitePath("dns-records.tsv"), dns);
  return dns;
}

const testdata::TsvTable& Index() {
  static const testdata::TsvTable table(
      SuitePath("INDEX.tsv"), {"test", "mode", "title", "a", "c", "s", "other", "key", "inputs",
                               "expected", "sigerror", "flags", "fixed_time", "dkimpy"});
  return table;
}

bool Has(const std::string& text, std::string_view what) {
  return text.find(what) != std::string::npos;
}

struct Expected {
  std::optional<DkimResult> result;  // nullopt: no signature to evaluate
  std::string why;
};

// Vectors where OpenDKIM's status is not what RFC 6376 + 8301 give.
const std::map<std::string, Expected>& Corrections() {
  static const std::map<std::string, Expected> corrections = {
      {"t-test58",
       {std::nullopt, "no DKIM-Signature at all; OpenDKIM's From syntax check is its own"}},
      {"t-test59",
       {DkimResult::kFail,
        "OpenDKIM's failure is its temp files (an environment fault); the "
        "message's body does not match bh= (RFC 6376 6.1.3 step 3)"}},
      {"t-test63",
       {DkimResult::kFail,
        "no From field: hashed as absent (RFC 6376 5.4), and the body does "
        "not match bh= (6.1.3 step 3)"}},
      {"t-test66",
       {DkimResult::kFail,
        "a From without address: DKIM does not parse From; the body does "
        "not match bh= (6.1.3 step 3)"}},
      {"t-test102",
       {DkimResult::kPolicy,
        "OpenDKIM's 'must be signed' list is a local option, not RFC 6376; "
        "the signature is good but rsa-sha1 (RFC 8301 3.1)"}},
      {"t-test119",
       {DkimResult::kFail,
        "OpenDKIM's EOHCHECK is a local option; the body does not match bh= "
        "(RFC 6376 6.1.3 step 3)"}},
      {"t-test134",
       {DkimResult::kPermError,
        "a d= over 255 octets is no domain name (RFC 6376 3.5 d=, "
        "RFC 1035 2.3.4): no key can be fetched"}},
  };
  return corrections;
}

Expected ExpectedVerification(const testdata::TsvRow& row) {
  const testdata::TsvTable& index = Index();
  const std::string& test = index.Get(row, "test");
  auto correction = Corrections().find(test);
  if (correction != Corrections().end()) return correction->second;
  const std::string& status = index.Get(row, "expected");
  const std::string& a = index.Get(row, "a");
  if (Has(status, "DKIM_STAT_OK")) {
    if (a == "rsa-sha256") return {DkimResult::kPass, "OK with rsa-sha256"};
    if (a == "rsa-sha1") return {DkimResult::kPolicy, "OK, but rsa-sha1 (RFC 8301 3.1)"};
  }
  if (Has(status, "DKIM_STAT_BADSIG")) return {DkimResult::kFail, status};
  if (Has(status, "DKIM_STAT_NOKEY") || Has(status, "DKIM_STAT_REVOKED") ||
      Has(status, "DKIM_STAT_CANTVRFY") || Has(status, "DKIM_STAT_SYNTAX at dkim_header")) {
    return {DkimResult::kPermError, status};
  }
  if (Has(status, "DKIM_STAT_NOSIG")) return {std::nullopt, status};
  throw std::runtime_error("INDEX.tsv: no mapping for " + test + " " + status);
}

int64_t ClockFor(const testdata::TsvRow& row) {
  const std::string& fixed = Index().Get(row, "fixed_time");
  return fixed.empty() ? kNow : std::stoll(fixed);
}

void CheckOutcome(const std::vector<dkim::SignatureResult>& results, const Expected& expected) {
  INFO("got:      " << testdata::Describe(results));
  INFO("expected: " << (expected.result ? dkim::ToString(*expected.result) : "no result") << " ("
                    << expected.why << ")");
  if (!expected.result) {
    CHECK(results.empty());
    return;
  }
  REQUIRE(results.size() == 1);
  CHECK(dkim::ToString(results[0].result) == dkim::ToString(*expected.result));
  if (*expected.result == DkimResult::kPolicy) {
    // The Verifier computed the crypto and refused only for rsa-sha1.
    CHECK(testdata::ContainsIgnoreCase(results[0].reason, "rsa-sha1"));
  }
}

// The input message of a signing vector, as OpenDKIM hashed it.
std::string SigningInput(const testdata::TsvRow& row) {
  std::string bytes = MessageFile(Index().Get(row, "test") + ".input.eml");
  return Has(Index().Get(row, "flags"), "FIXCRLF") ? testdata::FixBareCrLf(bytes) : bytes;
}

std::string SignedMessage(const testdata::TsvRow& row) {
  std::string bytes = MessageFile(Index().Get(row, "test") + ".signed.eml");
  // FIXCRLF: the signer hashed the message with bare CR and LF made CRLF;
  // RFC 6376 5.3 asks for that conversion on the message actually sent,
  // which the vector's file lacks. Deliver it as it should have been sent.
  return Has(Index().Get(row, "flags"), "FIXCRLF") ? testdata::FixBareCrLf(bytes) : bytes;
}

// The public key of test._domainkey.example.com, for the crypto checks.
dkim::PublicKey SuiteTestKey() {
  dkim::StaticTxtResolver dns = SuiteDns();
  auto record = dkim::ParseKeyRecord(dns.LookupTxt("test._domainkey.example.com").records.at(0));
  if (!record.ok() || !record->public_key) throw std::runtime_error("suite test key unusable");
  auto key = dkim::PublicKey::FromRecordBytes(dkim::KeyType::kRsa, record->public_key_der);
  if (!key.ok()) throw std::runtime_error(key.error());
  return std::move(key).value();
}

std::vector<std::string> SortedLower(std::vector<std::string> names) {
  for (std::string& n : names) n = testdata::Lower(n);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("OpenDKIM INDEX.tsv: 99 vectors and their files", "[vectors][opendkim]") {
  // Not an RFC property: guards the tests below against a truncated suite.
  const testdata::TsvTable& index = Index();
  CHECK(index.rows().size() == 99);
  std::set<std::string> names;
  for (const testdata::TsvRow& row : index.rows()) {
    const std::string& test = index.Get(row, "test");
    CHECK(names.insert(test).second);
    const std::string& mode = index.Get(row, "mode");
    INFO(test);
    CHECK((mode == "sign" || mode == "verify"));
    if (mode == "verify" || !Has(index.Get(row, "inputs"), "expected-signature")) {
      CHECK(testdata::FileExists(SuitePath("messages/" + test + ".eml")));
    } else {
      CHECK(testdata::FileExists(SuitePath("messages/" + test + ".input.eml")));
      CHECK(testdata::FileExists(SuitePath("messages/" + test + ".expected-signature.txt")));
      CHECK(testdata::FileExists(SuitePath("messages/" + test + ".signed.eml")));
    }
  }
}

TEST_CASE("OpenDKIM verification vectors (RFC 6376 6 with RFC 8301)", "[vectors][opendkim]") {
  dkim::StaticTxtResolver dns = SuiteDns();
  for (const testdata::TsvRow& row : Index().rows()) {
    if (Index().Get(row, "mode") != "verify") continue;
    const std::string& test = Index().Get(row, "test");
    DYNAMIC_SECTION(test << ": " << Index().Get(row, "title")) {
      dkim::Message message = testdata::ParseMessage(MessageFile(test + ".eml"), test);
      CheckOutcome(testdata::VerifyAt(dns, message, ClockFor(row)), ExpectedVerification(row));
    }
  }
}

TEST_CASE("OpenDKIM signing vectors: the expected signed messages verify (RFC 6376 6 and RFC 8301)",
          "[vectors][opendkim]") {
  dkim::StaticTxtResolver dns = SuiteDns();
  for (const testdata::TsvRow& row : Index().rows()) {
    if (Index().Get(row, "mode") != "sign" ||
        !Has(Index().Get(row, "inputs"), "expected-signature"))
      continue;
    const std::string& test = Index().Get(row, "test");
    DYNAMIC_SECTION(test << ": " << Index().Get(row, "title")) {
      dkim::Message message = testdata::ParseMessage(SignedMessage(row), test);
      const std::string& a = Index().Get(row, "a");
      REQUIRE((a == "rsa-sha1" || a == "rsa-sha256"));
      Expected expected = a == "rsa-sha256"
                              ? Expected{DkimResult::kPass, "rsa-sha256 signed by OpenDKIM"}
                              : Expected{DkimResult::kPolicy, "rsa-sha1 (RFC 8301 3.1)"};
      CheckOutcome(testdata::VerifyAt(dns, message, ClockFor(row)), expected);
    }
  }
}

TEST_CASE("OpenDKIM t-test50: x= in the past is expired at today's clock (RFC 6376 3.5 x=)",
          "[vectors][opendkim]") {
  dkim::StaticTxtResolver dns = SuiteDns();
  dkim::Message message = testdata::ParseMessage(MessageFile("t-test50.signed.eml"));
  std::vector<dkim::SignatureResult> results = testdata::VerifyAt(dns, message, kNow);
  INFO(testdata::Describe(results));
  REQUIRE(results.size() == 1);
  CHECK(results[0].result == DkimResult::kPermError);
  CHECK(testdata::ContainsIgnoreCase(results[0].reason, "expire"));
}

TEST_CASE("OpenDKIM signing vectors: bh= and b= reproduced from the input (RFC 6376 3.4 and 3.7)",
          "[vectors][opendkim]") {
  const std::string private_pem = testdata::ReadFile(SuitePath("private-key.pem"));
  auto private_key = dkim::PrivateKey::Load(private_pem);
  REQUIRE(private_key.ok());
  dkim::PublicKey public_key = SuiteTestKey();
  for (const testdata::TsvRow& row : Index().rows()) {
    if (Index().Get(row, "mode") != "sign" ||
        !Has(Index().Get(row, "inputs"), "expected-signature"))
      continue;
    const std::string& test = Index().Get(row, "test");
    DYNAMIC_SECTION(test << ": " << Index().Get(row, "title")) {
      dkim::Message input = testdata::ParseMessage(SigningInput(row), test);
      std::string field = MessageFile(test + ".expected-signature.txt");
      auto parsed = dkim::ParseSignature(field.substr(field.find(':') + 1));
      REQUIRE(std::holds_alternative<dkim::Signature>(parsed));
      const auto& sig = std::get<dkim::Signature>(parsed);
      dkim::HashAlgorithm hash = dkim::HashOf(sig.algorithm);

      // bh=: our body canonicalization, cut at l= when present.
      CHECK(testdata::BodyHashBase64(hash, sig.canonicalization.body, input.body(),
                                     sig.body_length) == dkim::Base64Encode(sig.body_hash));

      // b=: the header-hash input rebuilt with our header canonicalization.
      std::string data =
          testdata::HeaderHashInput(input, sig.signed_headers, field, sig.canonicalization.header);
      CHECK(public_key.VerifyDigest(hash, dkim::HashBytes(hash, data), sig.signature));
      if (sig.algorithm == dkim::SigningAlgorithm::kRsaSha256) {
        auto b = private_key->SignDigest(dkim::HashBytes(hash, data));
        REQUIRE(b.ok());
        CHECK(dkim::Base64Encode(*b) == sig.b_base64);
      } else {
        // dkim::PrivateKey signs SHA-256 only; the oracle signs SHA-1.
        CHECK(dkim::Base64Encode(testdata::OpenSslRsaSign(private_pem, hash, data)) ==
              sig.b_base64);
      }
    }
  }
}

TEST_CASE("OpenDKIM signing vectors: our Signer signs each input (RFC 6376 5 and RFC 8301 3.1)",
          "[vectors][opendkim]") {
  dkim::StaticTxtResolver dns = SuiteDns();
  for (const testdata::TsvRow& row : Index().rows()) {
    if (Index().Get(row, "mode") != "sign" ||
        !Has(Index().Get(row, "inputs"), "expected-signature"))
      continue;
    const std::string& test = Index().Get(row, "test");
    DYNAMIC_SECTION(test << ": " << Index().Get(row, "title")) {
      dkim::Message input = testdata::ParseMessage(SigningInput(row), test);
      std::string expected_field = MessageFile(test + ".expected-signature.txt");
      auto parsed = dkim::ParseSignature(expected_field.substr(expected_field.find(':') + 1));
      REQUIRE(std::holds_alternative<dkim::Signature>(parsed));
      const auto& sig = std::get<dkim::Signature>(parsed);

      dkim::SignerOptions options;
      options.domain = sig.domain;
      options.selector = sig.selector;
      options.algorithm = sig.algorithm;
      options.canonicalization = sig.canonicalization;
      options.body_length = sig.body_length.has_value();
      // The same h=: each name once per field present, plus the names
      // OpenDKIM oversigned (listed more often than present).
      options.headers.clear();
      options.oversign.clear();
      std::map<std::string, size_t> listed;
      for (const std::string& name : sig.signed_headers) {
        if (listed[testdata::Lower(name)]++ == 0) options.headers.push_back(name);
      }
      for (const std::string& name : options.headers) {
        if (listed[testdata::Lower(name)] > input.FieldsNamed(name).size()) {
          options.oversign.push_back(name);
        }
      }
      auto load = [] {
        auto key = dkim::PrivateKey::Load(testdata::ReadFile(SuitePath("private-key.pem")));
        if (!key.ok()) throw std::runtime_error(key.error());
        return std::move(key).value();
      };

      if (sig.algorithm == dkim::SigningAlgorithm::kRsaSha1) {
        auto refused = dkim::Signer::Create(options, load());
        CHECK_FALSE(refused.ok());
        options.algorithm = dkim::SigningAlgorithm::kRsaSha256;
      }
      auto signer = dkim::Signer::Create(options, load());
      REQUIRE(signer.ok());
      auto field = signer->Sign(input, ClockFor(row));
      REQUIRE(field.ok());
      INFO(*field);
      CHECK(SortedLower(testdata::SplitHeaderList(testdata::TagValue(*field, "h").value())) ==
            SortedLower(sig.signed_headers));
      if (sig.algorithm == dkim::SigningAlgorithm::kRsaSha256) {
        CHECK(dkim::StripWhitespace(testdata::TagValue(*field, "bh").value()) ==
              dkim::Base64Encode(sig.body_hash));
      }
      dkim::Message ours = testdata::ParseMessage(*field + std::string(input.bytes()), "ours");
      std::vector<dkim::SignatureResult> results = testdata::VerifyAt(dns, ours, ClockFor(row));
      INFO(testdata::Describe(results));
      REQUIRE(results.size() == 1);
      CHECK(results[0].result == DkimResult::kPass);
    }
  }
}

TEST_CASE("OpenDKIM t-test150: keys under 1024 bits (RFC 8301 3.2)", "[vectors][opendkim]") {
  const std::string small_pem = testdata::ReadFile(SuitePath("private-key-512bit.pem"));
  REQUIRE(testdata::OpenSslKeyBits(small_pem) == 512);

  SECTION("signing is refused") {
    dkim::SignerOptions options;
    options.domain = "example.com";
    options.selector = "test";
    auto key = dkim::PrivateKey::Load(small_pem);
    if (key.ok()) {
      CHECK(key->bits() == 512);
      auto signer = dkim::Signer::Create(options, std::move(*key));
      CHECK_FALSE(signer.ok());
      if (!signer.ok()) CHECK(testdata::ContainsIgnoreCase(signer.error(), "1024"));
    }  // else: refused already at Load, which is also a refusal
  }
  SECTION("generating such a key is refused") {
    CHECK_FALSE(dkim::PrivateKey::Generate(dkim::KeyType::kRsa, 512).ok());
    CHECK_FALSE(dkim::PrivateKey::Generate(dkim::KeyType::kRsa, 1023).ok());
  }
  SECTION("a 512-bit signature verifies only as policy, for its key size") {
    // The signature is made by the test oracle, which has no size policy.
    std::string signed_bytes = testdata::AddOracleSignature(
        MessageFile("t-test150.eml"),
        "v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=small; "
        "h=From:To:Date:Subject:Message-ID",
        {dkim::Canon::kRelaxed, dkim::Canon::kRelaxed}, dkim::HashAlgorithm::kSha256, small_pem);
    dkim::StaticTxtResolver dns;
    dns.Add("small._domainkey.example.com",
            "v=DKIM1; k=rsa; p=" + testdata::OpenSslPublicKeyBase64(small_pem));
    dkim::Message message = testdata::ParseMessage(signed_bytes, "512-bit signed t-test150");

    std::vector<dkim::SignatureResult> strict = testdata::VerifyAt(dns, message, kNow);
    INFO(testdata::Describe(strict));
    REQUIRE(strict.size() == 1);
    CHECK(strict[0].result == DkimResult::kPolicy);
    CHECK(strict[0].key_bits == 512);
    CHECK((testdata::ContainsIgnoreCase(strict[0].reason, "bits") ||
           testdata::ContainsIgnoreCase(strict[0].reason, "key size")));

    // The crypto is sound: with the floor lowered, the same signature passes.
    dkim::VerifierOptions lenient;
    lenient.min_rsa_bits = 512;
    std::vector<dkim::SignatureResult> relaxed = testdata::VerifyAt(dns, message, kNow, lenient);
    INFO(testdata::Describe(relaxed));
    REQUIRE(relaxed.size() == 1);
    CHECK(relaxed[0].result == DkimResult::kPass);
  }
}

TEST_CASE("OpenDKIM t-test144: a corrupt PEM private key is refused", "[vectors][opendkim]") {
  // RFC 6376 3.3 signs with the signer's private key; a key that does not
  // load must stop signing rather than produce a broken signature.
  // The vector's key is KEY with one base64 character replaced by '*' and
  // the newlines removed; made here from private-key.pem the same way.
  std::string pem = testdata::ReadFile(SuitePath("private-key.pem"));
  std::string corrupt;
  for (char c : pem) {
    if (c != '\n' && c != '\r') corrupt += c;
  }
  size_t begin = corrupt.find("BEGIN");
  REQUIRE(begin != std::string::npos);
  size_t body = corrupt.find("-----", begin) + 5;  // just after "-----BEGIN ...-----"
  REQUIRE(body + 100 < corrupt.find("-----END"));
  corrupt[body + 100] = '*';
  CHECK_FALSE(dkim::PrivateKey::Load(corrupt).ok());
}

TEST_CASE("OpenDKIM t-test86 and t-test154: a second From is oversigned (RFC 6376 8.15)",
          "[vectors][opendkim]") {
  // OpenDKIM refuses to sign these under its STRICTHDRS option (a local
  // policy, not RFC 6376). Our Signer may refuse as well; if it signs, h=
  // must list From once more than the message has, so that neither From
  // can be removed or another added without breaking the signature.
  dkim::StaticTxtResolver dns = SuiteDns();
  for (const char* test : {"t-test86", "t-test154"}) {
    DYNAMIC_SECTION(test) {
      dkim::Message message = testdata::ParseMessage(MessageFile(std::string(test) + ".eml"), test);
      size_t froms = message.FieldsNamed("From").size();
      CHECK(froms == 2);
      dkim::SignerOptions options;
      options.domain = "example.com";
      options.selector = "test";
      auto key = dkim::PrivateKey::Load(testdata::ReadFile(SuitePath("private-key.pem")));
      REQUIRE(key.ok());
      auto signer = dkim::Signer::Create(options, std::move(*key));
      REQUIRE(signer.ok());
      auto field = signer->Sign(message, 1172620939);
      if (!field.ok()) {
        SUCCEED("refused: " << field.error());
      } else {
        INFO(*field);
        std::vector<std::string> h =
            testdata::SplitHeaderList(testdata::TagValue(*field, "h").value());
        CHECK(static_cast<size_t>(std::count_if(h.begin(), h.end(), [](const std::string& n) {
                return dkim::EqualsIgnoreCase(n, "From");
              })) == froms + 1);
        dkim::Message ours = testdata::ParseMessage(*field + std::string(message.bytes()), "ours");
        std::vector<dkim::SignatureResult> results = testdata::VerifyAt(dns, ours, kNow);
        INFO(testdata::Describe(results));
        REQUIRE(results.size() == 1);
        CHECK(results[0].result == DkimResult::kPass);
      }
    }
  }
}
