// ArcValidator and ArcSealer against each other, RFC 8617 section by
// section: chains are sealed here with generated keys, then broken in the
// ways the RFC names, and the validator must notice each.
#include <catch2/catch.hpp>

#include <string>

#include "dkim/arc_fields.h"
#include "dkim/arc_sealer.h"
#include "dkim/arc_validator.h"
#include "dkim/key_record.h"
#include "dkim/key_resolver.h"
#include "dkim/txt_resolver.h"
#include "testdata.h"

namespace {

using dkim::ArcResult;
constexpr int64_t kNow = 1700000000;

const std::string kMessage =
    "From: Alice <alice@example.com>\r\n"
    "To: list@lists.example.org\r\n"
    "Subject: hello\r\n"
    "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
    "Message-ID: <1@example.com>\r\n"
    "\r\n"
    "Hi there.\r\n";

// One key per algorithm for the whole file: generating RSA keys is slow.
const dkim::PrivateKey& RsaKey() {
  static dkim::PrivateKey key = *dkim::PrivateKey::Generate(dkim::KeyType::kRsa, 2048);
  return key;
}
const dkim::PrivateKey& EdKey() {
  static dkim::PrivateKey key = *dkim::PrivateKey::Generate(dkim::KeyType::kEd25519);
  return key;
}

// Keys published for hop1/hop2/hop3.example (RSA) and ed.example (Ed25519),
// selector "arc".
struct World {
  dkim::StaticTxtResolver dns;
  dkim::DnsKeyResolver keys{dns, [] { return kNow; }};
  dkim::ArcValidator validator{keys};

  World() {
    for (const char* d : {"hop1.example", "hop2.example", "hop3.example"}) {
      dns.Add(dkim::KeyRecordName("arc", d),
              dkim::FormatKeyRecord(dkim::KeyType::kRsa, RsaKey().PublicKeyBase64()));
    }
    dns.Add(dkim::KeyRecordName("arc", "ed.example"),
            dkim::FormatKeyRecord(dkim::KeyType::kEd25519, EdKey().PublicKeyBase64()));
  }

  dkim::ArcValidation Validate(const std::string& bytes) {
    return validator.Validate(testdata::ParseMessage(bytes), kNow);
  }

  // Validates `bytes` and seals it as `domain`; returns the error text on
  // refusal (prefixed "REFUSED: ").
  std::string Seal(const std::string& bytes, const std::string& domain) {
    return SealAfter(validator.Validate(testdata::ParseMessage(bytes), kNow), bytes, domain);
  }

  // Seals `bytes` with the verdict `chain` reached before a change.
  std::string SealAfter(const dkim::ArcValidation& chain, const std::string& bytes,
                        const std::string& domain) {
    dkim::Message message = testdata::ParseMessage(bytes);
    dkim::ArcSealerOptions options;
    options.domain = domain;
    options.selector = "arc";
    options.authserv_id = "mx." + domain;
    bool ed = domain == "ed.example";
    options.algorithm =
        ed ? dkim::SigningAlgorithm::kEd25519Sha256 : dkim::SigningAlgorithm::kRsaSha256;
    auto sealer = dkim::ArcSealer::Create(options, (ed ? EdKey() : RsaKey()).Clone());
    REQUIRE(sealer.ok());
    std::string results = "arc=" + std::string(dkim::ToString(chain.result));
    auto fields = sealer->Seal(message, chain, results, kNow);
    if (!fields.ok()) return "REFUSED: " + fields.error();
    return *fields + bytes;
  }
};

std::string ReplaceOnce(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// Removes the first field (with its folded lines) whose line starts with `start`.
std::string RemoveField(std::string text, const std::string& start) {
  size_t at = text.find(start);
  REQUIRE(at != std::string::npos);
  size_t end = at;
  do {
    end = text.find("\r\n", end) + 2;
  } while (text[end] == ' ' || text[end] == '\t');
  return text.erase(at, end - at);
}

// The whole field (folded lines included) whose line starts with `start`.
std::string GetField(const std::string& text, const std::string& start) {
  size_t at = text.find(start);
  REQUIRE(at != std::string::npos);
  size_t end = at;
  do {
    end = text.find("\r\n", end) + 2;
  } while (text[end] == ' ' || text[end] == '\t');
  return text.substr(at, end - at);
}

}  // namespace

TEST_CASE("RFC 8617 5.2 step 1: no ARC fields is none", "[arc]") {
  World w;
  dkim::ArcValidation v = w.Validate(kMessage);
  CHECK(v.result == ArcResult::kNone);
  CHECK(v.instances == 0);
}

TEST_CASE("RFC 8617 5.1/5.2: one, two and three hops pass, in AS/AMS/AAR order", "[arc]") {
  World w;
  std::string one = w.Seal(kMessage, "hop1.example");
  REQUIRE(one.rfind("ARC-Seal: i=1; a=rsa-sha256; cv=none;", 0) == 0);
  CHECK(one.find("\r\nARC-Message-Signature: i=1;") != std::string::npos);
  CHECK(one.find("\r\nARC-Authentication-Results: i=1; mx.hop1.example; arc=none\r\n") !=
        std::string::npos);
  dkim::ArcValidation v1 = w.Validate(one);
  CHECK(v1.result == ArcResult::kPass);
  CHECK(v1.instances == 1);
  CHECK(v1.oldest_pass == 0);

  std::string three = w.Seal(w.Seal(one, "hop2.example"), "hop3.example");
  CHECK(three.rfind("ARC-Seal: i=3; a=rsa-sha256; cv=pass;", 0) == 0);
  dkim::ArcValidation v3 = w.Validate(three);
  INFO(v3.reason);
  CHECK(v3.result == ArcResult::kPass);
  CHECK(v3.instances == 3);
  CHECK(v3.oldest_pass == 0);
  REQUIRE(v3.sets.size() == 3);
  CHECK(v3.sets[1].seal_domain == "hop2.example");
  CHECK(v3.sets[2].seal == ArcResult::kPass);
}

TEST_CASE("RFC 8463 in ARC: ed25519-sha256 seals validate", "[arc]") {
  World w;
  std::string two = w.Seal(w.Seal(kMessage, "ed.example"), "hop1.example");
  CHECK(two.find("a=ed25519-sha256") != std::string::npos);
  dkim::ArcValidation v = w.Validate(two);
  INFO(v.reason);
  CHECK(v.result == ArcResult::kPass);
}

TEST_CASE("RFC 8617 5.2 step 4: a changed body breaks the newest AMS", "[arc]") {
  World w;
  std::string sealed = ReplaceOnce(w.Seal(kMessage, "hop1.example"), "Hi there.", "Hi there!");
  dkim::ArcValidation v = w.Validate(sealed);
  CHECK(v.result == ArcResult::kFail);
  CHECK_THAT(v.reason, Catch::Contains("body hash"));
}

TEST_CASE("RFC 8617 5.2 step 5: oldest-pass names the first AMS still good", "[arc]") {
  World w;
  // Hop 1 seals; hop 2 validates (pass), adds a footer, seals: the chain
  // passes but AMS 1 no longer verifies, so oldest-pass is 2.
  std::string one = w.Seal(kMessage, "hop1.example");
  dkim::ArcValidation on_arrival = w.Validate(one);
  std::string changed = ReplaceOnce(one, "Hi there.\r\n", "Hi there.\r\n-- \r\nfooter\r\n");
  dkim::ArcValidation v = w.Validate(w.SealAfter(on_arrival, changed, "hop2.example"));
  INFO(v.reason);
  CHECK(v.result == ArcResult::kPass);
  CHECK(v.oldest_pass == 2);
}

TEST_CASE("RFC 8617 5.2 step 6: a changed AAR breaks the seal", "[arc]") {
  World w;
  std::string two = w.Seal(w.Seal(kMessage, "hop1.example"), "hop2.example");
  std::string tampered =
      ReplaceOnce(two, "i=1; mx.hop1.example; arc=none", "i=1; mx.hop1.example; arc=pass");
  dkim::ArcValidation v = w.Validate(tampered);
  CHECK(v.result == ArcResult::kFail);
  // Seals are checked newest first (step 6); seal 2 covers AAR 1 as well.
  CHECK_THAT(v.reason, Catch::Contains("i=2 AS signature mismatch"));
}

TEST_CASE("RFC 8617 4.2.1, 5.2 step 3: gaps, duplicates and missing fields fail", "[arc]") {
  World w;
  std::string three =
      w.Seal(w.Seal(w.Seal(kMessage, "hop1.example"), "hop2.example"), "hop3.example");
  SECTION("instance gap") {
    std::string gap =
        RemoveField(RemoveField(RemoveField(three, "ARC-Seal: i=2"), "ARC-Message-Signature: i=2"),
                    "ARC-Authentication-Results: i=2");
    dkim::ArcValidation v = w.Validate(gap);
    CHECK(v.result == ArcResult::kFail);
    CHECK_THAT(v.reason, Catch::Contains("gap"));
  }
  SECTION("duplicate field") {
    std::string dup = GetField(three, "ARC-Authentication-Results: i=1") + three;
    dkim::ArcValidation v = w.Validate(dup);
    CHECK(v.result == ArcResult::kFail);
    CHECK_THAT(v.reason, Catch::Contains("duplicate"));
  }
  SECTION("missing seal") {
    dkim::ArcValidation v = w.Validate(RemoveField(three, "ARC-Seal: i=2"));
    CHECK(v.result == ArcResult::kFail);
    CHECK_THAT(v.reason, Catch::Contains("no ARC-Seal in ARC set i=2"));
  }
  SECTION("unreadable instance") {
    std::string bad = "ARC-Authentication-Results: i=x; mx.example; none\r\n" + three;
    CHECK(w.Validate(bad).result == ArcResult::kFail);
  }
}

TEST_CASE("RFC 8617 5.2 step 3C: cv must be none at i=1 and pass above", "[arc]") {
  World w;
  std::string two = w.Seal(w.Seal(kMessage, "hop1.example"), "hop2.example");
  SECTION("i=1 says pass") {
    dkim::ArcValidation v =
        w.Validate(ReplaceOnce(two, "i=1; a=rsa-sha256; cv=none", "i=1; a=rsa-sha256; cv=pass"));
    CHECK(v.result == ArcResult::kFail);
    CHECK_THAT(v.reason, Catch::Contains("ARC-Seal i=1 says cv=pass"));
  }
  SECTION("i=2 says none") {
    dkim::ArcValidation v =
        w.Validate(ReplaceOnce(two, "i=2; a=rsa-sha256; cv=pass", "i=2; a=rsa-sha256; cv=none"));
    CHECK(v.result == ArcResult::kFail);
    CHECK_THAT(v.reason, Catch::Contains("ARC-Seal i=2 says cv=none"));
  }
}

TEST_CASE("RFC 8617 5.1.2, 5.1 step 2: a failed chain is sealed once with cv=fail", "[arc]") {
  World w;
  std::string broken = ReplaceOnce(w.Seal(kMessage, "hop1.example"), "Hi there.", "Changed.");
  std::string marked = w.Seal(broken, "hop2.example");
  REQUIRE(marked.rfind("ARC-Seal: i=2; a=rsa-sha256; cv=fail;", 0) == 0);
  dkim::ArcValidation v = w.Validate(marked);
  CHECK(v.result == ArcResult::kFail);
  CHECK(v.newest_seal_says_fail);
  // The cv=fail seal covers its own set only (5.1.2): check it by hand.
  dkim::Message m = testdata::ParseMessage(marked);
  dkim::ArcFieldCollection found = dkim::CollectArcFields(m);
  REQUIRE(found.sets.size() == 2);
  auto seal = dkim::ParseArcSeal(found.sets[1].seal->value());
  REQUIRE(seal.ok());
  std::string_view raw = found.sets[1].seal->raw;
  size_t off = static_cast<size_t>(found.sets[1].seal->value().data() - raw.data());
  std::string data;
  dkim::AppendSealHashInput({}, found.sets[1].aar->raw, found.sets[1].ams->raw,
                            raw.substr(0, off + seal->b_value_begin),
                            raw.substr(off + seal->b_value_end), data);
  auto record =
      dkim::ParseKeyRecord(dkim::FormatKeyRecord(dkim::KeyType::kRsa, RsaKey().PublicKeyBase64()));
  REQUIRE(record.ok());
  CHECK(record->public_key->VerifyDigest(dkim::HashAlgorithm::kSha256,
                                         dkim::HashBytes(dkim::HashAlgorithm::kSha256, data),
                                         seal->signature));
  // And nobody seals after it.
  CHECK_THAT(w.Seal(marked, "hop3.example"), Catch::StartsWith("REFUSED: "));
}

TEST_CASE("RFC 8617 4.2.1, 5.2 step 1: 50 sets at most", "[arc]") {
  World w;
  std::string bytes = kMessage;
  for (int i = 1; i <= 50; ++i) bytes = w.Seal(bytes, "ed.example");
  dkim::ArcValidation v = w.Validate(bytes);
  INFO(v.reason);
  CHECK(v.result == ArcResult::kPass);
  CHECK(v.instances == 50);
  CHECK_THAT(w.Seal(bytes, "ed.example"), Catch::Contains("already has 50 ARC sets"));
  // A 51st set, however it came, fails the chain.
  std::string more = "ARC-Seal: i=51; a=rsa-sha256; cv=pass; d=x.example; s=s; b=AAAA\r\n" +
                     std::string(
                         "ARC-Message-Signature: i=51; a=rsa-sha256; d=x.example; "
                         "s=s; h=from; bh=AAAA; b=AAAA\r\n") +
                     "ARC-Authentication-Results: i=51; x.example; none\r\n" + bytes;
  dkim::ArcValidation v51 = w.Validate(more);
  CHECK(v51.result == ArcResult::kFail);
  CHECK_THAT(v51.reason, Catch::Contains("more than 50"));
}

TEST_CASE("RFC 8617 4.1.2, 4.1.3: field syntax", "[arc]") {
  const std::string b = "b=dGVzdA==; ";
  SECTION("AS with h= fails (4.1.3)") {
    CHECK_FALSE(dkim::ParseArcSeal("i=1; a=rsa-sha256; cv=none; d=e.org; s=s; h=from; " + b).ok());
  }
  SECTION("AS without cv=") {
    CHECK_FALSE(dkim::ParseArcSeal("i=1; a=rsa-sha256; d=e.org; s=s; " + b).ok());
  }
  SECTION("AS s= must be a selector, d= a domain (4.1.3)") {
    auto bad_s = dkim::ParseArcSeal("i=1; a=rsa-sha256; cv=none; d=e.org; s=s$el; " + b);
    REQUIRE_FALSE(bad_s.ok());
    CHECK(bad_s.error() == "AS: s= is not a selector: s$el");
    auto bad_d = dkim::ParseArcSeal("i=1; a=rsa-sha256; cv=none; d=e..org; s=s; " + b);
    REQUIRE_FALSE(bad_d.ok());
    CHECK(bad_d.error() == "AS: d= is not a domain name: e..org");
    CHECK(dkim::ParseArcSeal("i=1; a=rsa-sha256; cv=none; d=e.org; s=s_1-x; " + b).ok());
  }
  SECTION("AS t= is read, and must be a number") {
    auto with_t = dkim::ParseArcSeal("i=1; a=rsa-sha256; cv=none; d=e.org; s=s; t=12345; " + b);
    REQUIRE(with_t.ok());
    CHECK(with_t->timestamp == 12345);
    auto bad_t = dkim::ParseArcSeal("i=1; a=rsa-sha256; cv=none; d=e.org; s=s; t=soon; " + b);
    REQUIRE_FALSE(bad_t.ok());
    CHECK(bad_t.error() == "AS: t= is not a number");
  }
  SECTION("AS instance must be 1..: i=0, i=, i=x") {
    for (const char* i : {"i=0", "i=", "i=x", "i=-1"}) {
      INFO(i);
      CHECK_FALSE(
          dkim::ParseArcSeal(std::string(i) + "; a=rsa-sha256; cv=none; d=e.org; s=s; " + b).ok());
    }
  }
  SECTION("AMS may not sign ARC-Seal (4.1.2)") {
    CHECK_FALSE(dkim::ParseArcMessageSignature(
                    "i=1; a=rsa-sha256; d=e.org; s=s; h=from:arc-seal; bh=dGVzdA==; " + b)
                    .ok());
  }
  SECTION("AMS: rsa-sha1 refused (RFC 8301)") {
    CHECK_FALSE(
        dkim::ParseArcMessageSignature("i=1; a=rsa-sha1; d=e.org; s=s; h=from; bh=dGVzdA==; " + b)
            .ok());
  }
  SECTION("AMS: v= ignored, c= defaults to simple/simple, empty h= names dropped") {
    auto ams = dkim::ParseArcMessageSignature(
        "v=1; i=3; a=rsa-sha256; d=e.org; s=s; h=from::to; bh=dGVzdA==; " + b);
    REQUIRE(ams.ok());
    CHECK(ams->instance == 3);
    CHECK(ams->canonicalization.header == dkim::Canon::kSimple);
    CHECK(ams->signed_headers == std::vector<std::string>{"from", "to"});
  }
  SECTION("AAR instance") {
    CHECK(*dkim::ParseArcAuthResultsInstance(" i=7; mx.example; none") == 7);
    CHECK_FALSE(dkim::ParseArcAuthResultsInstance("i=1 mx.example; none").ok());
    CHECK_FALSE(dkim::ParseArcAuthResultsInstance("mx.example; i=1; none").ok());
  }
}

TEST_CASE("ArcSealer refuses bad options", "[arc]") {
  dkim::ArcSealerOptions options;
  options.domain = "e.org";
  options.selector = "s";
  options.authserv_id = "mx.e.org";
  SECTION("ARC field in h=") {
    options.headers.push_back("ARC-Seal");
    CHECK_FALSE(dkim::ArcSealer::Create(options, RsaKey().Clone()).ok());
  }
  SECTION("key and algorithm mismatch") {
    options.algorithm = dkim::SigningAlgorithm::kEd25519Sha256;
    CHECK_FALSE(dkim::ArcSealer::Create(options, RsaKey().Clone()).ok());
  }
  SECTION("authserv-id with a space") {
    options.authserv_id = "mx e.org";
    CHECK_FALSE(dkim::ArcSealer::Create(options, RsaKey().Clone()).ok());
  }
}

TEST_CASE("CollectAuthResults merges one authserv-id's results in order", "[arc]") {
  dkim::Message m = testdata::ParseMessage(
      "Authentication-Results: mx.example; arc=none;\r\n  spf=pass smtp.mfrom=a@b\r\n"
      "Authentication-Results: other.example; dkim=fail\r\n"
      "Authentication-Results: MX.example; dkim=pass (comment; with semicolon) header.d=b\r\n"
      "Authentication-Results: mx.example; none\r\n"
      "From: a@b\r\n\r\nbody\r\n");
  CHECK(dkim::CollectAuthResults(m, "mx.example") ==
        "arc=none;\r\n\tspf=pass smtp.mfrom=a@b;\r\n\tdkim=pass (comment; with semicolon) "
        "header.d=b");
}
