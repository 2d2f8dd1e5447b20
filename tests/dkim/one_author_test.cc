// One author or none at all: RFC 5322 section 3.6 allows exactly one From
// field, and RFC 6376 section 8.15 warns that a signature over a message
// with two vouches for whichever one a reader shows. The library refuses to
// sign or seal such a message and never returns pass for one, whether the
// extra From was added after signing (the classic attack: a signature that
// lists From once still selects the original) or signed by a careless
// signer (here: the same bytes signed by hand, h=from:from).
#include <catch2/catch.hpp>

#include <string>

#include "dkim/arc_sealer.h"
#include "dkim/arc_validator.h"
#include "dkim/key_record.h"
#include "dkim/key_resolver.h"
#include "dkim/signer.h"
#include "dkim/txt_resolver.h"
#include "dkim/verifier.h"

namespace {

using namespace dkim;

constexpr int64_t kNow = 1800000000;

const std::string kOneFrom =
    "From: Jane <jane@example.org>\r\n"
    "To: demo@lists.example.org\r\n"
    "Subject: the real one\r\n"
    "\r\n"
    "body\r\n";

const PrivateKey& Key() {
  static const PrivateKey key = std::move(*PrivateKey::Generate(KeyType::kEd25519));
  return key;
}

SignerOptions Options(std::vector<std::string> headers) {
  SignerOptions options;
  options.domain = "example.org";
  options.selector = "s";
  options.algorithm = SigningAlgorithm::kEd25519Sha256;
  options.headers = std::move(headers);
  options.oversign = {};
  return options;
}

Result<std::string> SignField(const std::string& text, std::vector<std::string> headers) {
  auto message = Message::Parse(text);
  REQUIRE(message.ok());
  auto signer = Signer::Create(Options(std::move(headers)), Key().Clone());
  REQUIRE(signer.ok());
  return signer->Sign(*message, kNow);
}

std::vector<SignatureResult> Verify(const std::string& text) {
  StaticTxtResolver dns;
  dns.Add("s._domainkey.example.org", FormatKeyRecord(KeyType::kEd25519, Key().PublicKeyBase64()));
  DnsKeyResolver keys(dns, [] { return kNow; });
  auto message = Message::Parse(text);
  REQUIRE(message.ok());
  return Verifier(keys).Verify(*message, kNow);
}

TEST_CASE("one author: the signer refuses a message with two From fields", "[dkim][from]") {
  const std::string two = "From: Mallory <ceo@example.org>\r\n" + kOneFrom;
  auto refused = SignField(two, {"From", "Subject"});
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.error(), Catch::Contains("2 From fields"));
  CHECK(SignField(kOneFrom, {"From", "Subject"}).ok());
}

TEST_CASE("one author: a From added above a valid signature is policy, never pass",
          "[dkim][from]") {
  auto field = SignField(kOneFrom, {"From", "To", "Subject"});
  REQUIRE(field.ok());
  const std::string signed_message = *field + kOneFrom;
  auto untouched = Verify(signed_message);
  REQUIRE(untouched.size() == 1);
  CHECK(untouched[0].result == DkimResult::kPass);
  // The signature lists From once, so it still selects the bottom one and
  // would verify; the reader sees the top one.
  const std::string attacked = *field + "From: Mallory <ceo@example.org>\r\n" + kOneFrom;
  auto results = Verify(attacked);
  REQUIRE(results.size() == 1);
  CHECK(results[0].result == DkimResult::kPolicy);
  CHECK_THAT(results[0].reason, Catch::Contains("2 From fields"));
  CHECK(results[0].domain == "example.org");  // the result still names the signature
}

TEST_CASE("one author: a message with no From field never passes either", "[dkim][from]") {
  auto field = SignField(kOneFrom, {"From", "To", "Subject"});
  REQUIRE(field.ok());
  std::string no_from = *field + kOneFrom.substr(kOneFrom.find("To:"));
  auto results = Verify(no_from);
  REQUIRE(results.size() == 1);
  CHECK(results[0].result != DkimResult::kPass);
}

TEST_CASE("one author: the ARC sealer refuses a message with two From fields", "[arc][from]") {
  ArcSealerOptions options;
  options.domain = "lists.example.org";
  options.selector = "s";
  options.algorithm = SigningAlgorithm::kEd25519Sha256;
  options.authserv_id = "lists.example.org";
  auto sealer = ArcSealer::Create(options, Key().Clone());
  REQUIRE(sealer.ok());
  auto two = Message::Parse("From: Mallory <ceo@example.org>\r\n" + kOneFrom);
  REQUIRE(two.ok());
  ArcValidation none;
  none.result = ArcResult::kNone;
  auto refused = sealer->Seal(*two, none, "dkim=none", kNow);
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.error(), Catch::Contains("2 From fields"));
  auto one = Message::Parse(kOneFrom);
  REQUIRE(one.ok());
  CHECK(sealer->Seal(*one, none, "dkim=none", kNow).ok());
}

}  // namespace
