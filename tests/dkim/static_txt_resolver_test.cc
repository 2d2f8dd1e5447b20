// StaticTxtResolver, the fixed TXT table that unit tests put beneath the
// DKIM verifier, and the default sequential TxtResolver::LookupTxtMany.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "dkim/txt_resolver.h"

namespace {

using dkim::StaticTxtResolver;
using dkim::TxtAnswer;
using Status = TxtAnswer::Status;

}  // namespace

TEST_CASE("StaticTxtResolver: an absent name is 'no record', like NXDOMAIN", "[txt_resolver]") {
  StaticTxtResolver dns;
  TxtAnswer answer = dns.LookupTxt("sel._domainkey.example.com");
  CHECK(answer.status == Status::kNoRecord);
  CHECK(answer.records.empty());
  CHECK(dns.lookups() == 1);
}

TEST_CASE("StaticTxtResolver: records come back in the order they were added", "[txt_resolver]") {
  StaticTxtResolver dns;
  dns.Add("sel._domainkey.example.com", "v=DKIM1; p=first");
  dns.Add("sel._domainkey.example.com", "v=DKIM1; p=second");
  dns.Add("other._domainkey.example.com", "");
  TxtAnswer answer = dns.LookupTxt("sel._domainkey.example.com");
  REQUIRE(answer.status == Status::kFound);
  CHECK(answer.records == std::vector<std::string>{"v=DKIM1; p=first", "v=DKIM1; p=second"});
  CHECK(answer.ttl > 0);  // so that a cache above it has something to keep
  CHECK(answer.error.empty());

  TxtAnswer empty = dns.LookupTxt("other._domainkey.example.com");
  REQUIRE(empty.status == Status::kFound);
  CHECK(empty.records == std::vector<std::string>{""});
}

TEST_CASE("StaticTxtResolver: RFC 4343 names match case-insensitively, root dot optional",
          "[txt_resolver]") {
  StaticTxtResolver dns;
  dns.Add("Sel._DomainKey.Example.COM.", "v=DKIM1; p=abc");
  for (const char* name : {"sel._domainkey.example.com", "SEL._DOMAINKEY.EXAMPLE.COM.",
                           "sel._domainkey.Example.com"}) {
    INFO(name);
    CHECK(dns.LookupTxt(name).status == Status::kFound);
  }
  CHECK(dns.LookupTxt("sel._domainkey.example.co").status == Status::kNoRecord);
}

TEST_CASE("StaticTxtResolver: SetStatus makes a name fail, and Add heals it", "[txt_resolver]") {
  StaticTxtResolver dns;
  dns.Add("sel._domainkey.example.com", "v=DKIM1; p=abc");

  dns.SetStatus("sel._domainkey.example.com", Status::kTempFail);
  TxtAnswer temp = dns.LookupTxt("sel._domainkey.example.com");
  CHECK(temp.status == Status::kTempFail);
  CHECK(temp.records.empty());  // a failure carries no data
  CHECK_FALSE(temp.error.empty());
  CHECK(temp.ttl == 0);  // failures are not to be cached

  dns.SetStatus("broken.example.com", Status::kPermFail);
  TxtAnswer perm = dns.LookupTxt("broken.example.com");
  CHECK(perm.status == Status::kPermFail);
  CHECK_FALSE(perm.error.empty());

  dns.SetStatus("sel._domainkey.example.com", Status::kNoRecord);
  CHECK(dns.LookupTxt("sel._domainkey.example.com").status == Status::kNoRecord);

  dns.Add("sel._domainkey.example.com", "v=DKIM1; p=def");
  TxtAnswer healed = dns.LookupTxt("sel._domainkey.example.com");
  REQUIRE(healed.status == Status::kFound);
  CHECK(healed.records == std::vector<std::string>{"v=DKIM1; p=abc", "v=DKIM1; p=def"});
}

TEST_CASE("TxtResolver::LookupTxtMany answers each name in order, one lookup each",
          "[txt_resolver]") {
  StaticTxtResolver dns;
  dns.Add("a.example.com", "A");
  dns.Add("c.example.com", "C");
  dns.SetStatus("d.example.com", Status::kTempFail);
  dkim::TxtResolver& base = dns;
  std::vector<TxtAnswer> answers =
      base.LookupTxtMany({"a.example.com", "b.example.com", "c.example.com", "d.example.com"});
  REQUIRE(answers.size() == 4);
  CHECK(answers[0].records == std::vector<std::string>{"A"});
  CHECK(answers[1].status == Status::kNoRecord);
  CHECK(answers[2].records == std::vector<std::string>{"C"});
  CHECK(answers[3].status == Status::kTempFail);
  CHECK(dns.lookups() == 4);
  CHECK(base.LookupTxtMany({}).empty());
}
