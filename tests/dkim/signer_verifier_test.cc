// Signing and verifying against each other, and every verifier outcome
// RFC 6376 section 6 (with RFC 8301 and RFC 8463) asks for, each with its
// reason. Keys come from a StaticTxtResolver (the unit-test DNS).
#include <catch2/catch.hpp>

#include <memory>

#include "dkim/key_record.h"
#include "dkim/key_resolver.h"
#include "dkim/signer.h"
#include "dkim/verifier.h"

using namespace dkim;

namespace {

constexpr int64_t kNow = 1800000000;

const std::string kMessage =
    "From: Joe SixPack <joe@football.example.com>\r\n"
    "To: Suzie Q <suzie@shopping.example.net>\r\n"
    "Subject: Is dinner ready?\r\n"
    "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
    "Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n"
    "\r\n"
    "Hi.\r\n"
    "\r\n"
    "We lost the game.  Are you hungry yet?\r\n"
    "\r\n"
    "Joe.\r\n";

// Keys are slow to make; one of each for the whole file.
struct Keys {
  PrivateKey rsa = std::move(*PrivateKey::Generate(KeyType::kRsa, 2048));
  PrivateKey ed = std::move(*PrivateKey::Generate(KeyType::kEd25519));
  PrivateKey rsa1024 = std::move(*PrivateKey::Generate(KeyType::kRsa, 1024));
};
Keys& TestKeys() {
  static Keys keys;
  return keys;
}

std::string Record(const PrivateKey& key, std::string extra = "") {
  return "v=DKIM1; k=" + std::string(key.type() == KeyType::kRsa ? "rsa" : "ed25519") + extra +
         "; p=" + key.PublicKeyBase64();
}

// Signs `text` and returns the signed message.
std::string Sign(const std::string& text, SignerOptions options, const PrivateKey& key,
                 int64_t now = kNow) {
  auto message = Message::Parse(text);
  REQUIRE(message.ok());
  auto signer = Signer::Create(std::move(options), key.Clone());
  REQUIRE(signer.ok());
  auto field = signer->Sign(*message, now);
  REQUIRE(field.ok());
  return *field + text;
}

SignerOptions Options(SigningAlgorithm algorithm, std::string selector = "sel") {
  SignerOptions o;
  o.domain = "example.com";
  o.selector = std::move(selector);
  o.algorithm = algorithm;
  return o;
}

struct Fixture {
  StaticTxtResolver dns;
  DnsKeyResolver keys{dns, [] { return kNow; }};
  Verifier verifier{keys};

  Fixture() {
    dns.Add("sel._domainkey.example.com", Record(TestKeys().rsa));
    dns.Add("ed._domainkey.example.com", Record(TestKeys().ed));
  }
  std::vector<SignatureResult> Verify(const std::string& text, int64_t now = kNow) {
    auto message = Message::Parse(text);
    REQUIRE(message.ok());
    return verifier.Verify(*message, now);
  }
  SignatureResult VerifyOne(const std::string& text, int64_t now = kNow) {
    auto results = Verify(text, now);
    REQUIRE(results.size() == 1);
    return results[0];
  }
};

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("RFC 6376 5 and 6: sign then verify, both algorithms, all four c=", "[signer][verifier]") {
  Fixture f;
  for (auto [algorithm, selector] :
       {std::pair{SigningAlgorithm::kRsaSha256, "sel"}, std::pair{SigningAlgorithm::kEd25519Sha256, "ed"}}) {
    const PrivateKey& key = algorithm == SigningAlgorithm::kRsaSha256 ? TestKeys().rsa : TestKeys().ed;
    for (const char* c : {"simple/simple", "simple/relaxed", "relaxed/simple", "relaxed/relaxed"}) {
      SignerOptions o = Options(algorithm, selector);
      o.canonicalization = *ParseCanonicalization(c);
      std::string signed_text = Sign(kMessage, o, key);
      INFO(signed_text);
      SignatureResult r = f.VerifyOne(signed_text);
      CHECK(r.result == DkimResult::kPass);
      CHECK(r.reason.empty());
      CHECK(r.domain == "example.com");
      CHECK(r.selector == selector);
      CHECK(r.algorithm == ToString(algorithm));
      // A changed body byte breaks the body hash.
      SignatureResult body = f.VerifyOne(Replace(signed_text, "hungry", "Hungry"));
      CHECK(body.result == DkimResult::kFail);
      CHECK(body.reason == "body hash mismatch");
      // A changed signed header breaks the signature.
      SignatureResult header = f.VerifyOne(Replace(signed_text, "Is dinner", "Is lunch"));
      CHECK(header.result == DkimResult::kFail);
      CHECK(header.reason == "signature mismatch");
    }
  }
}

TEST_CASE("RFC 6376 3.4.4: relaxed body survives whitespace changes, simple does not", "[signer][verifier]") {
  Fixture f;
  SignerOptions relaxed = Options(SigningAlgorithm::kRsaSha256);
  std::string a = Sign(kMessage, relaxed, TestKeys().rsa);
  CHECK(f.VerifyOne(Replace(a, "Joe.\r\n", "Joe. \t\r\n\r\n\r\n")).result == DkimResult::kPass);
  SignerOptions simple = relaxed;
  simple.canonicalization = {Canon::kSimple, Canon::kSimple};
  std::string b = Sign(kMessage, simple, TestKeys().rsa);
  CHECK(f.VerifyOne(Replace(b, "Joe.\r\n", "Joe. \r\n")).result == DkimResult::kFail);
  // ... but trailing empty lines are ignored by simple too (3.4.3).
  CHECK(f.VerifyOne(b + "\r\n\r\n").result == DkimResult::kPass);
}

TEST_CASE("RFC 8463: an RSA and an Ed25519 signature on one message, each with its result", "[signer][verifier]") {
  Fixture f;
  std::string once = Sign(kMessage, Options(SigningAlgorithm::kRsaSha256), TestKeys().rsa);
  // The Ed25519 signature is computed over the original message, the way
  // listctl adds several signatures at once.
  auto message = Message::Parse(kMessage);
  auto ed = Signer::Create(Options(SigningAlgorithm::kEd25519Sha256, "ed"), TestKeys().ed.Clone());
  REQUIRE(ed.ok());
  std::string both = *ed->Sign(*message, kNow) + once;
  auto results = f.Verify(both);
  REQUIRE(results.size() == 2);
  CHECK(results[0].result == DkimResult::kPass);
  CHECK(results[0].algorithm == "ed25519-sha256");
  CHECK(results[1].result == DkimResult::kPass);
  CHECK(results[1].algorithm == "rsa-sha256");
}

TEST_CASE("RFC 6376 5.4.2: oversigned fields cannot be added, others can", "[signer][verifier]") {
  Fixture f;
  SignerOptions o = Options(SigningAlgorithm::kRsaSha256);
  o.oversign = {"From", "Subject"};
  std::string signed_text = Sign(kMessage, o, TestKeys().rsa);
  CHECK(signed_text.find("h=From:From:To:Subject:Subject:Date:Message-ID;") != std::string::npos);
  CHECK(f.VerifyOne(signed_text + "").result == DkimResult::kPass);
  std::string extra_from = Replace(signed_text, "To: Suzie", "From: evil@example.net\r\nTo: Suzie");
  CHECK(f.VerifyOne(extra_from).result == DkimResult::kFail);
  std::string extra_subject = Replace(signed_text, "To: Suzie", "Subject: evil\r\nTo: Suzie");
  CHECK(f.VerifyOne(extra_subject).result == DkimResult::kFail);
  // Cc is not signed at all here (absent, not oversigned): adding it is fine.
  std::string extra_cc = Replace(signed_text, "To: Suzie", "Cc: someone@example.net\r\nTo: Suzie");
  CHECK(f.VerifyOne(extra_cc).result == DkimResult::kPass);
}

TEST_CASE("a field named twice in the request is still listed once per instance", "[signer]") {
  SignerOptions o = Options(SigningAlgorithm::kRsaSha256);
  o.headers = {"from", "From", "subject", "Subject"};
  o.oversign = {"From", "from"};
  std::string signed_text = Sign(kMessage, o, TestKeys().rsa);
  CHECK(signed_text.find("h=from:from:subject;") != std::string::npos);
}

TEST_CASE("RFC 6376 5.4: From is always signed, even when the caller forgets it", "[signer]") {
  SignerOptions o = Options(SigningAlgorithm::kRsaSha256);
  o.headers = {"Subject"};
  o.oversign = {};
  std::string signed_text = Sign(kMessage, o, TestKeys().rsa);
  CHECK(signed_text.find("h=From:Subject;") != std::string::npos);
  auto no_from = Message::Parse("Subject: x\r\n\r\nbody\r\n");
  auto signer = Signer::Create(Options(SigningAlgorithm::kRsaSha256), TestKeys().rsa.Clone());
  auto field = signer->Sign(*no_from, kNow);
  REQUIRE_FALSE(field.ok());
  CHECK(field.error().find("no From") != std::string::npos);
}

TEST_CASE("RFC 6376 3.5: t=, x=, i= and l= appear only as configured", "[signer][verifier]") {
  Fixture f;
  SignerOptions plain = Options(SigningAlgorithm::kRsaSha256);
  std::string a = Sign(kMessage, plain, TestKeys().rsa);
  // Tags follow a space or a folding TAB.
  auto has_tag = [](const std::string& text, const std::string& tag) {
    return text.find(" " + tag) != std::string::npos || text.find("\t" + tag) != std::string::npos;
  };
  CHECK(has_tag(a, "t=1800000000;"));
  CHECK_FALSE(has_tag(a, "x="));
  CHECK_FALSE(has_tag(a, "l="));
  CHECK_FALSE(has_tag(a, "i="));

  SignerOptions full = plain;
  full.lifetime = 3600;
  full.identity = "list@sub.example.com";
  full.body_length = true;
  std::string b = Sign(kMessage, full, TestKeys().rsa);
  CHECK(has_tag(b, "x=1800003600;"));
  CHECK(has_tag(b, "i=list@sub.example.com;"));
  CHECK(has_tag(b, "l="));
  SignatureResult r = f.VerifyOne(b);
  CHECK(r.result == DkimResult::kPass);
  CHECK(r.identity == "list@sub.example.com");
  // With l=, appended text is outside the signature (why l= is off by default).
  CHECK(f.VerifyOne(b + "appended\r\n").result == DkimResult::kPass);
  CHECK(f.VerifyOne(a + "appended\r\n").result == DkimResult::kFail);

  SignerOptions outside = plain;
  outside.identity = "@example.net";
  CHECK_FALSE(Signer::Create(outside, TestKeys().rsa.Clone()).ok());
  SignerOptions sha1 = plain;
  sha1.algorithm = SigningAlgorithm::kRsaSha1;
  CHECK_FALSE(Signer::Create(sha1, TestKeys().rsa.Clone()).ok());
  SignerOptions mismatch = Options(SigningAlgorithm::kEd25519Sha256);
  CHECK_FALSE(Signer::Create(mismatch, TestKeys().rsa.Clone()).ok());
}

// RFC 6376 section 3.5: d= and s= are required and not empty; the signer
// refuses to be made without them (a signature naming no domain would be
// a permerror at every verifier).
TEST_CASE("RFC 6376 3.5: a signer needs a non-empty d= and s=", "[signer]") {
  SignerOptions no_domain = Options(SigningAlgorithm::kRsaSha256);
  no_domain.domain.clear();
  auto a = Signer::Create(no_domain, TestKeys().rsa.Clone());
  REQUIRE_FALSE(a.ok());
  CHECK(a.error() == "signing domain (d=) is empty");
  SignerOptions no_selector = Options(SigningAlgorithm::kRsaSha256, "");
  auto b = Signer::Create(no_selector, TestKeys().rsa.Clone());
  REQUIRE_FALSE(b.ok());
  CHECK(b.error() == "selector (s=) is empty");
}

TEST_CASE("RFC 6376 6.1.1: expired x= and t= in the future are permerror", "[verifier]") {
  Fixture f;
  SignerOptions o = Options(SigningAlgorithm::kRsaSha256);
  o.lifetime = 60;
  std::string signed_text = Sign(kMessage, o, TestKeys().rsa);
  CHECK(f.VerifyOne(signed_text, kNow + 30).result == DkimResult::kPass);
  SignatureResult expired = f.VerifyOne(signed_text, kNow + 61);
  CHECK(expired.result == DkimResult::kPermError);
  CHECK(expired.reason.find("expired") != std::string::npos);

  std::string future = Sign(kMessage, Options(SigningAlgorithm::kRsaSha256), TestKeys().rsa, kNow + 3600);
  SignatureResult r = f.VerifyOne(future);
  CHECK(r.result == DkimResult::kPermError);
  CHECK(r.reason.find("in the future") != std::string::npos);
  // A little clock skew is tolerated.
  std::string skew = Sign(kMessage, Options(SigningAlgorithm::kRsaSha256), TestKeys().rsa, kNow + 60);
  CHECK(f.VerifyOne(skew).result == DkimResult::kPass);
}

// RFC 6376 section 3.5: a signature "MAY be considered invalid if the
// verification time at the Verifier is past the expiration date", so at
// the very second of x= it still verifies and one second later it does not.
// The same exactness for t=: at most allowed_clock_skew in the future.
TEST_CASE("RFC 6376 3.5: x= equal to the verification time passes, one second past is expired",
          "[verifier]") {
  Fixture f;
  SignerOptions o = Options(SigningAlgorithm::kRsaSha256);
  o.lifetime = 60;
  std::string signed_text = Sign(kMessage, o, TestKeys().rsa);
  REQUIRE(signed_text.find("x=" + std::to_string(kNow + 60) + ";") != std::string::npos);
  SignatureResult at_x = f.VerifyOne(signed_text, kNow + 60);
  CHECK(at_x.result == DkimResult::kPass);
  CHECK(at_x.reason.find("expired") == std::string::npos);
  SignatureResult after_x = f.VerifyOne(signed_text, kNow + 61);
  CHECK(after_x.result == DkimResult::kPermError);
  CHECK(after_x.reason == "signature expired (x=" + std::to_string(kNow + 60) + ")");

  const int64_t skew = VerifierOptions().allowed_clock_skew;
  std::string at_skew = Sign(kMessage, Options(SigningAlgorithm::kRsaSha256), TestKeys().rsa,
                             kNow + skew);
  CHECK(f.VerifyOne(at_skew).result == DkimResult::kPass);
  std::string past_skew = Sign(kMessage, Options(SigningAlgorithm::kRsaSha256), TestKeys().rsa,
                               kNow + skew + 1);
  CHECK(f.VerifyOne(past_skew).result == DkimResult::kPermError);
}

TEST_CASE("RFC 6376 6.1.1: malformed signatures are permerror with the reason", "[verifier]") {
  Fixture f;
  std::string good = Sign(kMessage, Options(SigningAlgorithm::kRsaSha256), TestKeys().rsa);
  struct Case {
    std::string from, to, reason;
  };
  for (const Case& c : std::vector<Case>{
           {"d=example.com;", "d=example.com; i=joe@example.net;", "not within d="},
           {"h=From:From:", "h=", "does not include From"},
           {"a=rsa-sha256;", "a=rsa-md5;", "unknown signing algorithm"},
           {"v=1;", "v=2;", "unsupported signature version"},
           {"s=sel;", "", "missing required tag s="},
           {"c=relaxed/relaxed;", "c=relaxed/fancy;", "unknown body canonicalization"},
           {"d=example.com;", "d=example.com; l=12x;", "l= is not a number"},
           {"d=example.com;", "d=example.com; d=example.net;", "duplicate tag d="},
           {"d=example.com;", "d=example.com; q=http/well-known;", "query method"},
       }) {
    std::string text = Replace(good, c.from, c.to);
    SignatureResult r = f.VerifyOne(text);
    INFO(c.to);
    CHECK(r.result == DkimResult::kPermError);
    CHECK(r.reason.find(c.reason) != std::string::npos);
  }
  // Even a broken signature is reported with the d= and s= it carries.
  SignatureResult r = f.VerifyOne(Replace(good, "v=1;", "v=2;"));
  CHECK(r.domain == "example.com");
  CHECK(r.selector == "sel");
}

TEST_CASE("RFC 6376 2.11: i= is dkim-quoted-printable and is decoded before use", "[verifier]") {
  Fixture f;
  SignerOptions o = Options(SigningAlgorithm::kRsaSha256);
  o.identity = "joe=40example.com";  // i=joe@example.com, encoded
  std::string signed_text = Sign(kMessage, o, TestKeys().rsa);
  SignatureResult r = f.VerifyOne(signed_text);
  CHECK(r.result == DkimResult::kPass);
  CHECK(r.identity == "joe@example.com");
  SignatureResult bad = f.VerifyOne(Replace(signed_text, "joe=40example", "joe=4"));
  CHECK(bad.result == DkimResult::kPermError);
  CHECK(bad.reason.find("dkim-quoted-printable") != std::string::npos);
}

TEST_CASE("RFC 6376 6.1.2 and 3.6.1: key problems", "[verifier]") {
  Fixture f;
  std::string signed_text = Sign(kMessage, Options(SigningAlgorithm::kRsaSha256, "k"), TestKeys().rsa);
  auto with_key = [&](std::optional<std::string> record, TxtAnswer::Status status = TxtAnswer::Status::kFound) {
    Fixture g;
    if (record) g.dns.Add("k._domainkey.example.com", *record);
    if (status != TxtAnswer::Status::kFound) g.dns.SetStatus("k._domainkey.example.com", status);
    return g.VerifyOne(signed_text);
  };
  SignatureResult none = with_key(std::nullopt);
  CHECK(none.result == DkimResult::kPermError);
  CHECK(none.reason == "no key at k._domainkey.example.com");

  SignatureResult temp = with_key(std::nullopt, TxtAnswer::Status::kTempFail);
  CHECK(temp.result == DkimResult::kTempError);

  SignatureResult revoked = with_key("v=DKIM1; k=rsa; p=");
  CHECK(revoked.result == DkimResult::kPermError);
  CHECK(revoked.reason == "key revoked (empty p=)");

  SignatureResult wrong_type = with_key(Record(TestKeys().ed));
  CHECK(wrong_type.result == DkimResult::kPermError);
  CHECK(wrong_type.reason.find("does not match a=") != std::string::npos);

  SignatureResult hash = with_key(Record(TestKeys().rsa, "; h=sha1"));
  CHECK(hash.result == DkimResult::kPermError);
  CHECK(hash.reason.find("h= does not allow sha256") != std::string::npos);

  SignatureResult service = with_key(Record(TestKeys().rsa, "; s=tlsrpt"));
  CHECK(service.result == DkimResult::kPermError);
  CHECK(service.reason.find("s= does not include email") != std::string::npos);

  SignatureResult testing = with_key(Record(TestKeys().rsa, "; t=y"));
  CHECK(testing.result == DkimResult::kPass);
  CHECK(testing.key_testing);

  SignatureResult bad_record = with_key("v=DKIM1; k=rsa; p=@@@");
  CHECK(bad_record.result == DkimResult::kPermError);
  CHECK(bad_record.reason.find("base64") != std::string::npos);

  SignatureResult other_key = with_key(Record(TestKeys().rsa1024));
  CHECK(other_key.result == DkimResult::kFail);
  CHECK(other_key.reason == "signature mismatch");
}

TEST_CASE("RFC 6376 3.6.1 t=s: i= must then use d= exactly", "[verifier]") {
  SignerOptions o = Options(SigningAlgorithm::kRsaSha256, "k");
  o.identity = "@lists.example.com";
  std::string signed_text = Sign(kMessage, o, TestKeys().rsa);
  Fixture g;
  g.dns.Add("k._domainkey.example.com", Record(TestKeys().rsa, "; t=s"));
  SignatureResult r = g.VerifyOne(signed_text);
  CHECK(r.result == DkimResult::kPermError);
  CHECK(r.reason.find("t=s") != std::string::npos);
  Fixture h;
  h.dns.Add("k._domainkey.example.com", Record(TestKeys().rsa));
  CHECK(h.VerifyOne(signed_text).result == DkimResult::kPass);
}

TEST_CASE("verifier caps the number of signatures it evaluates", "[verifier]") {
  Fixture f;
  std::string text = kMessage;
  auto message = Message::Parse(kMessage);
  auto signer = Signer::Create(Options(SigningAlgorithm::kEd25519Sha256, "ed"), TestKeys().ed.Clone());
  for (int i = 0; i < 12; ++i) text = *signer->Sign(*message, kNow + i) + text;
  auto results = f.Verify(text);
  REQUIRE(results.size() == 12);
  for (int i = 0; i < 10; ++i) CHECK(results[i].result == DkimResult::kPass);
  CHECK(results[10].result == DkimResult::kPolicy);
  CHECK(results[11].reason.find("more than 10") != std::string::npos);
}

TEST_CASE("RFC 8301 3.2: a 1024-bit key passes, the minimum is configurable", "[verifier]") {
  std::string signed_text = Sign(kMessage, Options(SigningAlgorithm::kRsaSha256, "k"), TestKeys().rsa1024);
  Fixture f;
  f.dns.Add("k._domainkey.example.com", Record(TestKeys().rsa1024));
  SignatureResult r = f.VerifyOne(signed_text);
  CHECK(r.result == DkimResult::kPass);
  CHECK(r.key_bits == 1024);
  StaticTxtResolver dns;
  dns.Add("k._domainkey.example.com", Record(TestKeys().rsa1024));
  DnsKeyResolver keys(dns, [] { return kNow; });
  VerifierOptions strict;
  strict.min_rsa_bits = 2048;
  Verifier verifier(keys, strict);
  auto results = verifier.Verify(*Message::Parse(signed_text), kNow);
  CHECK(results[0].result == DkimResult::kPolicy);
  CHECK(results[0].reason.find("shorter than 2048") != std::string::npos);
}

TEST_CASE("an unsigned message gives no results", "[verifier]") {
  Fixture f;
  CHECK(f.Verify(kMessage).empty());
}

TEST_CASE("the body hash can be computed once and reused for every copy", "[signer]") {
  Fixture f;
  auto message = Message::Parse(kMessage);
  auto signer = Signer::Create(Options(SigningAlgorithm::kEd25519Sha256, "ed"), TestKeys().ed.Clone());
  std::string bh = signer->BodyHash(*message);
  auto field = signer->Sign(*message, kNow, bh);
  REQUIRE(field.ok());
  CHECK(f.VerifyOne(*field + kMessage).result == DkimResult::kPass);
}
