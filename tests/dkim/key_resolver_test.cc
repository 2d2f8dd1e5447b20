// Key lookup and caching over the TxtResolver seam, RFC 6376 3.6.2.
#include <catch2/catch.hpp>

#include "dkim/crypto.h"
#include "dkim/key_resolver.h"

using namespace dkim;

TEST_CASE("parsed keys are cached until their TTL runs out", "[key_resolver]") {
  StaticTxtResolver dns;
  dns.Add("s._domainkey.example.org",
          "v=DKIM1; k=ed25519; p=" + PrivateKey::Generate(KeyType::kEd25519)->PublicKeyBase64());
  int64_t now = 1000;
  DnsKeyResolver keys(dns, [&] { return now; });
  KeyLookup a = keys.Lookup("s", "Example.ORG");
  REQUIRE(a.status == KeyLookup::Status::kFound);
  KeyLookup b = keys.Lookup("S", "example.org");
  CHECK(b.record == a.record);  // the same parsed key, not a re-parse
  CHECK(dns.lookups() == 1);
  now += 100000;
  keys.Lookup("s", "example.org");
  CHECK(dns.lookups() == 2);
}

TEST_CASE("temporary failures are not cached", "[key_resolver]") {
  StaticTxtResolver dns;
  dns.SetStatus("s._domainkey.example.org", TxtAnswer::Status::kTempFail);
  DnsKeyResolver keys(dns, [] { return 0; });
  CHECK(keys.Lookup("s", "example.org").status == KeyLookup::Status::kTempFail);
  CHECK(keys.Lookup("s", "example.org").status == KeyLookup::Status::kTempFail);
  CHECK(dns.lookups() == 2);
}

TEST_CASE("RFC 6376 3.6.2.2: with several records, the first usable one is taken", "[key_resolver]") {
  StaticTxtResolver dns;
  dns.Add("s._domainkey.example.org", "v=spf1 -all");
  dns.Add("s._domainkey.example.org",
          "v=DKIM1; k=ed25519; p=" + PrivateKey::Generate(KeyType::kEd25519)->PublicKeyBase64());
  DnsKeyResolver keys(dns, [] { return 0; });
  KeyLookup k = keys.Lookup("s", "example.org");
  CHECK(k.status == KeyLookup::Status::kFound);
  StaticTxtResolver junk;
  junk.Add("s._domainkey.example.org", "v=spf1 -all");
  DnsKeyResolver junk_keys(junk, [] { return 0; });
  KeyLookup bad = junk_keys.Lookup("s", "example.org");
  CHECK(bad.status == KeyLookup::Status::kPermFail);
  CHECK_FALSE(bad.error.empty());
}

TEST_CASE("LookupMany answers in order, mixing cache hits and misses", "[key_resolver]") {
  StaticTxtResolver dns;
  std::string p = PrivateKey::Generate(KeyType::kEd25519)->PublicKeyBase64();
  dns.Add("a._domainkey.example.org", "k=ed25519; p=" + p);
  dns.Add("b._domainkey.example.org", "k=ed25519; p=" + p);
  DnsKeyResolver keys(dns, [] { return 0; });
  keys.Lookup("b", "example.org");
  auto many = keys.LookupMany({{"a", "example.org"}, {"b", "example.org"}, {"c", "example.org"}});
  REQUIRE(many.size() == 3);
  CHECK(many[0].status == KeyLookup::Status::kFound);
  CHECK(many[1].status == KeyLookup::Status::kFound);
  CHECK(many[2].status == KeyLookup::Status::kNoKey);
}
