// ParseDmarcRecord and StartsWithDmarcVersion: RFC 7489 sections 6.3, 6.4
// and 6.6.3 step 6.
#include <catch2/catch.hpp>
#include <string>

#include "dkim/dmarc_record.h"

namespace {

using dkim::DmarcPolicy;
using dkim::DmarcRecord;
using dkim::ParseDmarcRecord;
using dkim::StartsWithDmarcVersion;

}  // namespace

TEST_CASE("DMARC record: the defaults of RFC 7489 section 6.3", "[dmarc][record]") {
  auto r = ParseDmarcRecord("v=DMARC1; p=reject");
  REQUIRE(r.ok());
  CHECK(r->p == DmarcPolicy::kReject);
  CHECK_FALSE(r->sp.has_value());
  CHECK(r->SubdomainPolicy() == DmarcPolicy::kReject);  // sp absent: p applies
  CHECK_FALSE(r->adkim_strict);                         // adkim default r
  CHECK_FALSE(r->aspf_strict);                          // aspf default r
  CHECK(r->pct == 100);
  CHECK(r->ri == 86400u);
  CHECK(r->fo == "0");
  CHECK(r->rf == "afrf");
  CHECK(r->rua.empty());
  CHECK_FALSE(r->policy_from_rua);
  CHECK(r->warnings.empty());
}

TEST_CASE("DMARC record: every tag of section 6.3", "[dmarc][record]") {
  auto r = ParseDmarcRecord(
      "v=DMARC1; p=quarantine; sp=none; adkim=s; aspf=s; pct=25; ri=3600; fo=1:d; rf=afrf; "
      "rua=mailto:agg@example.com,mailto:other@example.net!10m; ruf=mailto:ruf@example.com;");
  REQUIRE(r.ok());
  CHECK(r->p == DmarcPolicy::kQuarantine);
  REQUIRE(r->sp.has_value());
  CHECK(*r->sp == DmarcPolicy::kNone);
  CHECK(r->SubdomainPolicy() == DmarcPolicy::kNone);
  CHECK(r->adkim_strict);
  CHECK(r->aspf_strict);
  CHECK(r->pct == 25);
  CHECK(r->ri == 3600u);
  CHECK(r->fo == "1:d");
  REQUIRE(r->rua.size() == 2);
  CHECK(r->rua[0] == "mailto:agg@example.com");
  CHECK(r->rua[1] == "mailto:other@example.net!10m");  // section 6.4 size limit
  REQUIRE(r->ruf.size() == 1);
  CHECK(r->warnings.empty());
}

TEST_CASE("DMARC record: whitespace around tags, '=' and the semicolon (section 6.4 WSP)",
          "[dmarc][record]") {
  auto r = ParseDmarcRecord("  v = DMARC1 ;\tp = reject ; adkim=s ;  ");
  REQUIRE(r.ok());
  CHECK(r->p == DmarcPolicy::kReject);
  CHECK(r->adkim_strict);
  CHECK(StartsWithDmarcVersion("  v = DMARC1 ;\tp = reject"));
}

TEST_CASE("DMARC record: policy and mode values are case-insensitive (RFC 5234 section 2.3)",
          "[dmarc][record]") {
  auto r = ParseDmarcRecord("v=DMARC1; p=Reject; sp=QUARANTINE; adkim=S");
  REQUIRE(r.ok());
  CHECK(r->p == DmarcPolicy::kReject);
  CHECK(r->sp == DmarcPolicy::kQuarantine);
  CHECK(r->adkim_strict);
}

TEST_CASE("DMARC record: unknown tags are ignored (section 6.3)", "[dmarc][record]") {
  auto r = ParseDmarcRecord("v=DMARC1; p=none; np=reject; t=y; psd=n; future_tag=anything goes");
  REQUIRE(r.ok());
  CHECK(r->p == DmarcPolicy::kNone);
  CHECK(r->warnings.empty());
}

TEST_CASE("DMARC record: p= may follow other tags (section 6.4 comment)", "[dmarc][record]") {
  auto r = ParseDmarcRecord("v=DMARC1; rua=mailto:a@example.com; p=quarantine");
  REQUIRE(r.ok());
  CHECK(r->p == DmarcPolicy::kQuarantine);
  CHECK_FALSE(r->policy_from_rua);
}

TEST_CASE("DMARC record: v=DMARC1 must be the first tag, exactly (section 6.3 v)",
          "[dmarc][record]") {
  CHECK_FALSE(ParseDmarcRecord("p=reject; v=DMARC1").ok());
  CHECK_FALSE(ParseDmarcRecord("v=dmarc1; p=reject").ok());  // %x44 %x4d ...: exact
  CHECK_FALSE(ParseDmarcRecord("v=DMARC2; p=reject").ok());
  CHECK_FALSE(ParseDmarcRecord("p=reject").ok());
  CHECK_FALSE(ParseDmarcRecord("").ok());
  CHECK_FALSE(StartsWithDmarcVersion("p=reject; v=DMARC1"));
  CHECK_FALSE(StartsWithDmarcVersion("v=DMARC10; p=reject"));
  CHECK_FALSE(StartsWithDmarcVersion("v=spf1 -all"));
  CHECK(StartsWithDmarcVersion("v=DMARC1"));
  CHECK(StartsWithDmarcVersion("v=DMARC1;p=none"));
}

TEST_CASE("DMARC record: missing or bad p= without rua= is unusable (section 6.6.3 step 6.2)",
          "[dmarc][record]") {
  auto missing = ParseDmarcRecord("v=DMARC1; adkim=s");
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.error(), Catch::Contains("no p="));
  auto bad = ParseDmarcRecord("v=DMARC1; p=block");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error(), Catch::Contains("invalid p=block"));
  auto bad_sp = ParseDmarcRecord("v=DMARC1; p=reject; sp=maybe");
  REQUIRE_FALSE(bad_sp.ok());
  CHECK_THAT(bad_sp.error(), Catch::Contains("invalid sp=maybe"));
  // A rua= with no valid URI does not rescue it.
  CHECK_FALSE(ParseDmarcRecord("v=DMARC1; rua=not a uri").ok());
}

TEST_CASE(
    "DMARC record: missing or bad p= with a valid rua= reads as p=none "
    "(section 6.6.3 step 6.1)",
    "[dmarc][record]") {
  auto missing = ParseDmarcRecord("v=DMARC1; rua=mailto:reports@example.com");
  REQUIRE(missing.ok());
  CHECK(missing->p == DmarcPolicy::kNone);
  CHECK(missing->policy_from_rua);
  CHECK_FALSE(missing->warnings.empty());

  // An invalid sp= makes the whole record read as v=DMARC1; p=none.
  auto bad_sp = ParseDmarcRecord("v=DMARC1; p=reject; sp=bogus; rua=mailto:r@example.com");
  REQUIRE(bad_sp.ok());
  CHECK(bad_sp->p == DmarcPolicy::kNone);
  CHECK_FALSE(bad_sp->sp.has_value());
  CHECK(bad_sp->policy_from_rua);
}

TEST_CASE("DMARC record: bad values of other tags fall back to defaults (section 6.3)",
          "[dmarc][record]") {
  auto r = ParseDmarcRecord(
      "v=DMARC1; p=reject; adkim=x; aspf=strict; pct=101; ri=-1; fo=2; "
      "rua=mailto:ok@example.com, nonsense");
  REQUIRE(r.ok());
  CHECK(r->p == DmarcPolicy::kReject);
  CHECK_FALSE(r->adkim_strict);
  CHECK_FALSE(r->aspf_strict);
  CHECK(r->pct == 100);
  CHECK(r->ri == 86400u);
  CHECK(r->fo == "0");
  REQUIRE(r->rua.size() == 1);
  CHECK(r->rua[0] == "mailto:ok@example.com");
  CHECK(r->warnings.size() == 6);

  CHECK(ParseDmarcRecord("v=DMARC1; p=none; pct=0")->pct == 0);
  CHECK(ParseDmarcRecord("v=DMARC1; p=none; pct=1000")->pct == 100);  // 1*3DIGIT
}

TEST_CASE("DMARC record: not a tag-list, or a duplicate tag, is an error (RFC 6376 section 3.2)",
          "[dmarc][record]") {
  CHECK_FALSE(ParseDmarcRecord("v=DMARC1; p=reject; p=none").ok());
  CHECK_FALSE(ParseDmarcRecord("v=DMARC1; p reject").ok());
  CHECK_FALSE(ParseDmarcRecord("v=DMARC1;; p=reject").ok());
}

// Found by fuzz/dmarc_record_fuzzer.cc: the parser read "v=\n\nDMARC1" (and,
// once lone line breaks were refused, "v=\r\n\r\nDMARC1") as v=DMARC1 while
// StartsWithDmarcVersion (discovery, section 6.6.3 step 2) did not;
// dmarc-version allows only WSP around "=" (section 6.4).
TEST_CASE("DMARC record: a line break around v='s value is no WSP, both checks refuse it",
          "[dmarc][record]") {
  for (const char* text : {"v=\n\nDMARC1; p=reject", "v=\rDMARC1; p=reject", "v\n=DMARC1",
                           "v=\r\n\r\nDMARC1; p=reject", "v=\r\n DMARC1; p=reject"}) {
    CHECK_FALSE(StartsWithDmarcVersion(text));
    CHECK_FALSE(ParseDmarcRecord(text).ok());
  }
}
