// KeyService and Doctor in process: a real store in a temp dir, DNS from a
// StaticTxtResolver, the clock passed in. The process test beside this
// file runs the same rollover through listctl against a real DNS server;
// here the comparisons of a record with a stored key are taken apart case
// by case, which a DNS server makes slow to set up.
#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "dkim/crypto.h"
#include "dkim/key_record.h"
#include "dkim/txt_resolver.h"
#include "listd/service/doctor.h"
#include "listd/service/key_service.h"
#include "listd/service/list_service.h"
#include "tests/support/temp_dir.h"

namespace listd::service {
namespace {

using storage::KeyAlgorithm;

constexpr int64_t kNow = 1795000000;  // 2026-11-18T11:06:40Z
const char* const kList = "team@example.org";

struct Fixture {
  storage_test::TempDir dir;
  std::unique_ptr<storage::Store> store;
  Fixture() {
    storage::StoreOptions options;
    options.db_path = dir.File("listd.db");
    auto opened = storage::Store::Open(options);
    REQUIRE(opened.ok());
    store = std::move(*opened);
    ListService lists(*store, "test");
    REQUIRE(lists.CreateList(kList, "Team", std::nullopt, kNow).ok());
  }
};

storage::KeyRecord StoredKey(const dkim::PrivateKey& key) {
  storage::KeyRecord record;
  record.selector = "s1";
  record.algorithm =
      key.type() == dkim::KeyType::kRsa ? KeyAlgorithm::kRsa : KeyAlgorithm::kEd25519;
  record.bits = key.type() == dkim::KeyType::kRsa ? key.bits() : 256;
  record.public_key = key.PublicKeyBase64();
  return record;
}

dkim::TxtAnswer Found(std::vector<std::string> records) {
  dkim::TxtAnswer answer;
  answer.status = dkim::TxtAnswer::Status::kFound;
  answer.records = std::move(records);
  return answer;
}

KeyCheckOutcome Outcome(const storage::KeyRecord& key, const dkim::TxtAnswer& answer) {
  return CompareWithRecord(key, "s1._domainkey.example.org", answer).outcome;
}

TEST_CASE("CompareWithRecord: RFC 6376 section 3.6.1 records against a stored RSA key",
          "[key_check]") {
  auto key = dkim::PrivateKey::Generate(dkim::KeyType::kRsa, 2048);
  REQUIRE(key.ok());
  auto other = dkim::PrivateKey::Generate(dkim::KeyType::kRsa, 2048);
  REQUIRE(other.ok());
  const storage::KeyRecord stored = StoredKey(*key);
  const std::string p = key->PublicKeyBase64();
  const std::string right = dkim::FormatKeyRecord(dkim::KeyType::kRsa, p);

  SECTION("the record listctl prints matches") {
    CHECK(Outcome(stored, Found({right})) == KeyCheckOutcome::kMatch);
  }
  SECTION("k= may be left out: rsa is the default") {
    CHECK(Outcome(stored, Found({"v=DKIM1; p=" + p})) == KeyCheckOutcome::kMatch);
  }
  SECTION("a bare RSAPublicKey (the form section 3.6.1 names) is the same key") {
    auto der = dkim::Base64Decode(p);
    REQUIRE(der.ok());
    // A 2048-bit SubjectPublicKeyInfo: 24 bytes of header, then the
    // RSAPublicKey SEQUENCE.
    REQUIRE(static_cast<unsigned char>((*der)[24]) == 0x30);
    const std::string bare = dkim::Base64Encode(der->substr(24));
    CHECK(Outcome(stored, Found({"v=DKIM1; k=rsa; p=" + bare})) == KeyCheckOutcome::kMatch);
  }
  SECTION("another key is a mismatch, and says so") {
    KeyCheck check = CompareWithRecord(
        stored, "n", Found({dkim::FormatKeyRecord(dkim::KeyType::kRsa, other->PublicKeyBase64())}));
    CHECK(check.outcome == KeyCheckOutcome::kMismatch);
    CHECK_THAT(check.detail, Catch::Contains("another public key (2048 bits)"));
  }
  SECTION("another algorithm is a mismatch") {
    KeyCheck check = CompareWithRecord(stored, "n", Found({"v=DKIM1; k=ed25519; p=" + p}));
    CHECK(check.outcome == KeyCheckOutcome::kMismatch);
    CHECK_THAT(check.detail, Catch::Contains("k=ed25519"));
  }
  SECTION("an empty p= is a revoked key") {
    KeyCheck check = CompareWithRecord(stored, "n", Found({"v=DKIM1; k=rsa; p="}));
    CHECK(check.outcome == KeyCheckOutcome::kMismatch);
    CHECK_THAT(check.detail, Catch::Contains("revoked"));
  }
  SECTION("h= without sha256 and s= without email make the right key unusable") {
    CHECK(Outcome(stored, Found({"v=DKIM1; h=sha1; p=" + p})) == KeyCheckOutcome::kMismatch);
    CHECK(Outcome(stored, Found({"v=DKIM1; s=other; p=" + p})) == KeyCheckOutcome::kMismatch);
    CHECK(Outcome(stored, Found({"v=DKIM1; h=sha1:sha256; s=email; p=" + p})) ==
          KeyCheckOutcome::kMatch);
  }
  SECTION("t=y matches and is reported") {
    KeyCheck check = CompareWithRecord(stored, "n", Found({"v=DKIM1; t=y; p=" + p}));
    CHECK(check.outcome == KeyCheckOutcome::kMatch);
    CHECK(check.testing);
  }
  SECTION("something that is not a key record is a mismatch") {
    CHECK(Outcome(stored, Found({"v=spf1 -all"})) == KeyCheckOutcome::kMismatch);
  }
  SECTION("section 3.6.2.2: a stale record beside the right one is named") {
    KeyCheck check = CompareWithRecord(
        stored, "n",
        Found({dkim::FormatKeyRecord(dkim::KeyType::kRsa, other->PublicKeyBase64()), right}));
    CHECK(check.outcome == KeyCheckOutcome::kMatch);
    CHECK_THAT(check.detail, Catch::Contains("3.6.2.2"));
  }
  SECTION("DNS outcomes: no record, no answer, malformed answer") {
    dkim::TxtAnswer answer;
    answer.status = dkim::TxtAnswer::Status::kNoRecord;
    CHECK(Outcome(stored, answer) == KeyCheckOutcome::kMissing);
    answer.status = dkim::TxtAnswer::Status::kTempFail;
    CHECK(Outcome(stored, answer) == KeyCheckOutcome::kTempError);
    answer.status = dkim::TxtAnswer::Status::kPermFail;
    CHECK(Outcome(stored, answer) == KeyCheckOutcome::kMismatch);
    CHECK(Outcome(stored, Found({})) == KeyCheckOutcome::kMissing);
  }
}

TEST_CASE("CompareWithRecord: RFC 8463 section 4.2 Ed25519 records", "[key_check]") {
  auto key = dkim::PrivateKey::Generate(dkim::KeyType::kEd25519);
  REQUIRE(key.ok());
  const storage::KeyRecord stored = StoredKey(*key);
  const std::string p = key->PublicKeyBase64();
  CHECK(Outcome(stored, Found({"v=DKIM1; k=ed25519; p=" + p})) == KeyCheckOutcome::kMatch);
  // Without k= the record is RSA's: not this key.
  CHECK(Outcome(stored, Found({"v=DKIM1; p=" + p})) == KeyCheckOutcome::kMismatch);
}

TEST_CASE("RFC 6376 section 3.1: dated default selectors", "[key_service]") {
  CHECK(KeyService::DatedSelector(kNow) == "s2026-11");
  CHECK(KeyService::DatedSelector(0) == "s1970-01");
  CHECK(KeyService::RecordName("s1", "example.org") == "s1._domainkey.example.org");
}

TEST_CASE("The rollover with an injected clock and a static DNS table", "[key_service]") {
  Fixture f;
  KeyService keys(*f.store, "test:alice");
  dkim::StaticTxtResolver dns;

  auto first = keys.Generate(kList, KeyAlgorithm::kRsa, 2048, std::nullopt, kNow);
  REQUIRE(first.ok());
  CHECK(first->key.selector == "s2026-11");
  CHECK(first->key.created_at == kNow);
  CHECK(first->record_name == "s2026-11._domainkey.example.org");

  // Not published: refused, and still generated.
  auto refused = keys.Activate(kList, {"s2026-11", {}}, &dns, false, kNow + 10);
  REQUIRE(refused.ok());
  CHECK_FALSE(refused->activated);
  CHECK(refused->check->outcome == KeyCheckOutcome::kMissing);
  // Without DNS and without force there is nothing to go on.
  CHECK_FALSE(keys.Activate(kList, {"s2026-11", {}}, nullptr, false, kNow).ok());

  auto records = keys.Dns(kList, std::nullopt);
  REQUIRE(records.ok());
  REQUIRE(records->size() == 1);
  dns.Add((*records)[0].name, (*records)[0].value);
  auto activated = keys.Activate(kList, {"s2026-11", {}}, &dns, false, kNow + 20);
  REQUIRE(activated.ok());
  CHECK(activated->activated);
  CHECK(activated->key.activated_at == kNow + 20);

  // Rotation in the same month: the next letter.
  auto rotated = keys.Rotate(kList, std::nullopt, std::nullopt, kNow + 30);
  REQUIRE(rotated.ok());
  REQUIRE(rotated->size() == 1);
  CHECK((*rotated)[0].key.selector == "s2026-11b");
  CHECK((*rotated)[0].key.bits == 2048);
  CHECK_FALSE(keys.Rotate(kList, std::nullopt, std::nullopt, kNow + 31).ok());

  auto retired = keys.Retire(kList, {"s2026-11", {}}, kNow + 40);
  REQUIRE(retired.ok());
  CHECK(retired->keep_published_until == kNow + 40 + kRecordGraceSeconds);
  CHECK(retired->no_active_key_left);

  auto list = keys.List(kList);
  REQUIRE(list.ok());
  REQUIRE(list->size() == 2);
  CHECK((*list)[1].retired_at == kNow + 40);

  // Each write is recorded with the actor and the injected time.
  auto events = f.store->events().Recent(std::nullopt, 10);
  REQUIRE(events.ok());
  int key_events = 0;
  for (const auto& e : *events) {
    if (e.action.rfind("key.", 0) != 0) continue;
    ++key_events;
    CHECK(e.actor == "test:alice");
    CHECK(e.at >= kNow);
  }
  CHECK(key_events == 4);  // generate, activate, rotate, retire

  // The doctor now sees no signing key.
  auto report = Diagnose(*f.store, kList, dns, kNow + 50);
  REQUIRE(report.ok());
  CHECK(report->HasErrors());
  CHECK(report->findings.front().code == "no-active-key");
}

// A list at lists.example.co.uk with one active RSA key whose record DNS
// serves, and signing.domain set to `signing_domain`.
struct DoctorFixture {
  static constexpr const char* kUkList = "team@lists.example.co.uk";
  storage_test::TempDir dir;
  std::unique_ptr<storage::Store> store;
  dkim::StaticTxtResolver dns;
  explicit DoctorFixture(const std::string& signing_domain) {
    storage::StoreOptions options;
    options.db_path = dir.File("listd.db");
    auto opened = storage::Store::Open(options);
    REQUIRE(opened.ok());
    store = std::move(*opened);
    ListService lists(*store, "test");
    REQUIRE(lists.CreateList(kUkList, "Team", std::nullopt, kNow).ok());
    REQUIRE(lists.Set(kUkList, {{"signing.domain", signing_domain}}, {}, kNow).ok());
    KeyService keys(*store, "test");
    auto key = keys.Generate(kUkList, KeyAlgorithm::kRsa, 2048, std::string("s1"), kNow);
    REQUIRE(key.ok());
    auto records = keys.Dns(kUkList, std::nullopt);
    REQUIRE(records.ok());
    dns.Add((*records)[0].name, (*records)[0].value);
    REQUIRE(keys.Activate(kUkList, {"s1", {}}, &dns, false, kNow)->activated);
  }
  std::vector<std::string> Codes() {
    auto report = Diagnose(*store, kUkList, dns, kNow);
    REQUIRE(report.ok());
    std::vector<std::string> codes;
    for (const Finding& f : report->findings) codes.push_back(f.code);
    return codes;
  }
};

bool Has(const std::vector<std::string>& codes, const std::string& code) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

TEST_CASE("doctor: RFC 7489 section 3.2, alignment under a multi-label public suffix (libpsl)",
          "[doctor]") {
  // example.co.uk is the organizational domain of lists.example.co.uk: the
  // two align. Two labels would have said co.uk, and aligned anything.
  CHECK_FALSE(Has(DoctorFixture("example.co.uk").Codes(), "domain-not-aligned"));
  CHECK_FALSE(Has(DoctorFixture("lists.example.co.uk").Codes(), "domain-not-aligned"));
  CHECK(Has(DoctorFixture("other.co.uk").Codes(), "domain-not-aligned"));
}

TEST_CASE("doctor: RFC 7489 section 6.6.3, the DMARC record is looked for where receivers look",
          "[doctor]") {
  {
    // At the organizational domain, example.co.uk: found.
    DoctorFixture f("lists.example.co.uk");
    f.dns.Add("_dmarc.example.co.uk", "v=DMARC1; p=none");
    CHECK_FALSE(Has(f.Codes(), "no-dmarc-record"));
  }
  {
    // A record at the public suffix is nobody's policy for this list.
    DoctorFixture f("lists.example.co.uk");
    f.dns.Add("_dmarc.co.uk", "v=DMARC1; p=reject");
    CHECK(Has(f.Codes(), "no-dmarc-record"));
  }
  {
    // Strict alignment asked for and not met (adkim=s, section 3.1.1).
    DoctorFixture f("example.co.uk");
    f.dns.Add("_dmarc.example.co.uk", "v=DMARC1; p=none; adkim=s");
    CHECK(Has(f.Codes(), "domain-not-aligned-strict"));
  }
}

}  // namespace
}  // namespace listd::service
