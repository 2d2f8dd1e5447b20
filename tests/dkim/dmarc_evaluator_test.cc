// DmarcEvaluator and DiscoverDmarcRecord on a StaticTxtResolver: policy
// discovery (RFC 7489 section 6.6.3), identifier alignment (sections 3.1.1,
// 3.1.2), the result (section 6.6.2) and the policy to apply (section 6.3
// p and sp).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "dkim/dmarc_discovery.h"
#include "dkim/dmarc_evaluator.h"

namespace {

using dkim::DkimResult;
using dkim::DmarcDiscovery;
using dkim::DmarcEvaluation;
using dkim::DmarcEvaluator;
using dkim::DmarcInputs;
using dkim::DmarcPolicy;
using dkim::DmarcResult;
using dkim::SignatureResult;
using dkim::StaticTxtResolver;
using Status = dkim::TxtAnswer::Status;

SignatureResult Sig(DkimResult result, std::string domain) {
  SignatureResult s;
  s.result = result;
  s.domain = std::move(domain);
  s.selector = "sel";
  return s;
}

DmarcInputs FromDomain(std::string from) {
  DmarcInputs in;
  in.from_domain = std::move(from);
  return in;
}

}  // namespace

TEST_CASE("DMARC: record at the From domain, aligned DKIM pass (sections 6.6.3 step 1, 3.1.1)",
          "[dmarc][evaluator]") {
  StaticTxtResolver dns;
  dns.Add("_dmarc.example.com", "v=DMARC1; p=reject");
  DmarcEvaluator dmarc(dns);
  DmarcInputs in = FromDomain("Example.COM");
  in.dkim.push_back(Sig(DkimResult::kPass, "example.com"));
  DmarcEvaluation e = dmarc.Evaluate(in);
  CHECK(e.result == DmarcResult::kPass);
  CHECK(e.from_domain == "example.com");
  CHECK(e.policy_domain == "example.com");
  REQUIRE(e.record.has_value());
  CHECK(e.applied_policy == DmarcPolicy::kReject);
  CHECK(e.dkim_aligned);
  CHECK_FALSE(e.spf_aligned);
  CHECK(e.dkim_domain == "example.com");
  CHECK(dns.lookups() == 1);  // found at step 1: no fallback lookup
}

TEST_CASE("DMARC: no aligned pass is fail, with p= to apply (section 6.6.2 step 5)",
          "[dmarc][evaluator]") {
  StaticTxtResolver dns;
  dns.Add("_dmarc.example.com", "v=DMARC1; p=quarantine; sp=reject");
  DmarcEvaluator dmarc(dns);
  DmarcInputs in = FromDomain("example.com");
  in.dkim.push_back(Sig(DkimResult::kPass, "mailinglist.example.net"));  // valid, unaligned
  in.dkim.push_back(Sig(DkimResult::kFail, "example.com"));              // aligned, broken
  in.spf_result = "pass";
  in.spf_domain = "bounces@lists.example.net";
  DmarcEvaluation e = dmarc.Evaluate(in);
  CHECK(e.result == DmarcResult::kFail);
  CHECK(e.applied_policy == DmarcPolicy::kQuarantine);  // the From domain is the org domain: p
  CHECK_FALSE(e.dkim_aligned);
  CHECK_FALSE(e.spf_aligned);
}

TEST_CASE(
    "DMARC: fallback to the organizational domain applies sp= (sections 6.6.3 step 3, "
    "6.3 sp)",
    "[dmarc][evaluator]") {
  StaticTxtResolver dns;
  dns.Add("_dmarc.example.co.uk", "v=DMARC1; p=none; sp=reject");
  dns.Add("_dmarc.news.example.co.uk", "v=spf1 -all");  // not DMARC: discarded (step 2)
  DmarcEvaluator dmarc(dns);
  DmarcEvaluation e = dmarc.Evaluate(FromDomain("news.example.co.uk"));
  CHECK(e.result == DmarcResult::kFail);
  CHECK(e.policy_domain == "example.co.uk");
  CHECK(e.applied_policy == DmarcPolicy::kReject);
  CHECK(dns.lookups() == 2);

  DmarcDiscovery d = dkim::DiscoverDmarcRecord("news.example.co.uk", dns);
  CHECK(d.outcome == DmarcDiscovery::Outcome::kFound);
  CHECK(d.at_organizational_domain);
  CHECK(d.record_text == "v=DMARC1; p=none; sp=reject");
}

TEST_CASE("DMARC: without sp= the fallback record's p= covers subdomains (section 6.3 sp)",
          "[dmarc][evaluator]") {
  StaticTxtResolver dns;
  dns.Add("_dmarc.example.org", "v=DMARC1; p=quarantine");
  DmarcEvaluator dmarc(dns);
  DmarcEvaluation e = dmarc.Evaluate(FromDomain("a.b.example.org"));
  CHECK(e.result == DmarcResult::kFail);
  CHECK(e.policy_domain == "example.org");
  CHECK(e.applied_policy == DmarcPolicy::kQuarantine);
}

TEST_CASE("DMARC: a record on the subdomain itself uses its p=, not sp= (section 6.3 sp)",
          "[dmarc][evaluator]") {
  StaticTxtResolver dns;
  dns.Add("_dmarc.news.example.org", "v=DMARC1; p=none; sp=reject");
  dns.Add("_dmarc.example.org", "v=DMARC1; p=reject");
  DmarcEvaluator dmarc(dns);
  DmarcEvaluation e = dmarc.Evaluate(FromDomain("news.example.org"));
  CHECK(e.result == DmarcResult::kFail);
  CHECK(e.policy_domain == "news.example.org");
  CHECK(e.applied_policy == DmarcPolicy::kNone);
  CHECK(dns.lookups() == 1);
}

TEST_CASE("DMARC: relaxed DKIM alignment shares the organizational domain (section 3.1.1)",
          "[dmarc][evaluator]") {
  StaticTxtResolver dns;
  dns.Add("_dmarc.example.com", "v=DMARC1; p=reject");
  DmarcEvaluator dmarc(dns);
  // The section's example: d=example.com, From news.example.com.
  DmarcInputs in = FromDomain("news.example.com");
  in.dkim.push_back(Sig(DkimResult::kPass, "example.com"));
  CHECK(dmarc.Evaluate(in).result == DmarcResult::kPass);
  // And the other way round: d= a subdomain, From the organizational domain.
  DmarcInputs in2 = FromDomain("example.com");
  in2.dkim.push_back(Sig(DkimResult::kPass, "mail.EXAMPLE.com"));
  CHECK(dmarc.Evaluate(in2).result == DmarcResult::kPass);
}

TEST_CASE("DMARC: strict DKIM alignment needs the exact From domain (section 3.1.1, adkim=s)",
          "[dmarc][evaluator]") {
  StaticTxtResolver dns;
  dns.Add("_dmarc.example.com", "v=DMARC1; p=reject; adkim=s");
  DmarcEvaluator dmarc(dns);
  DmarcInputs in = FromDomain("news.example.com");
  in.dkim.push_back(Sig(DkimResult::kPass, "example.com"));
  DmarcEvaluation e = dmarc.Evaluate(in);
  CHECK(e.result == DmarcResult::kFail);
  CHECK(e.applied_policy == DmarcPolicy::kReject);
  in.dkim.push_back(Sig(DkimResult::kPass, "news.example.com"));
  e = dmarc.Evaluate(in);
  CHECK(e.result == DmarcResult::kPass);  // any one aligned signature will do
  CHECK(e.dkim_domain == "news.example.com");
}

TEST_CASE("DMARC: d= a public suffix never aligns (section 3.1.1, d=com)", "[dmarc][evaluator]") {
  StaticTxtResolver dns;
  dns.Add("_dmarc.example.co.uk", "v=DMARC1; p=reject");
  DmarcEvaluator dmarc(dns);
  DmarcInputs in = FromDomain("example.co.uk");
  in.dkim.push_back(Sig(DkimResult::kPass, "co.uk"));
  in.dkim.push_back(Sig(DkimResult::kPass, "other.co.uk"));
  CHECK(dmarc.Evaluate(in).result == DmarcResult::kFail);
}

TEST_CASE("DMARC: relaxed and strict SPF alignment with the MAIL FROM domain (section 3.1.2)",
          "[dmarc][evaluator]") {
  StaticTxtResolver dns;
  dns.Add("_dmarc.example.com", "v=DMARC1; p=reject");
  dns.Add("_dmarc.strict.example", "v=DMARC1; p=reject; aspf=s");
  DmarcEvaluator dmarc(dns);

  // The section's example: MAIL FROM cbg.bounces.example.com, From example.com.
  DmarcInputs relaxed = FromDomain("example.com");
  relaxed.spf_result = "pass";
  relaxed.spf_domain = "bounce-123@cbg.bounces.example.com";
  DmarcEvaluation e = dmarc.Evaluate(relaxed);
  CHECK(e.result == DmarcResult::kPass);
  CHECK(e.spf_aligned);
  CHECK_FALSE(e.dkim_aligned);

  DmarcInputs strict = FromDomain("strict.example");
  strict.spf_result = "Pass";
  strict.spf_domain = "bounces.strict.example";
  CHECK(dmarc.Evaluate(strict).result == DmarcResult::kFail);
  strict.spf_domain = "strict.example";  // a bare domain works as well as an address
  CHECK(dmarc.Evaluate(strict).result == DmarcResult::kPass);

  // An aligned domain whose SPF did not pass is no pass.
  relaxed.spf_result = "softfail";
  CHECK(dmarc.Evaluate(relaxed).result == DmarcResult::kFail);
}

TEST_CASE("DMARC: no record at either name is none (section 6.6.3 step 5)", "[dmarc][evaluator]") {
  StaticTxtResolver dns;
  DmarcEvaluator dmarc(dns);
  DmarcInputs in = FromDomain("lists.example.net");
  in.dkim.push_back(Sig(DkimResult::kFail, "example.net"));
  DmarcEvaluation e = dmarc.Evaluate(in);
  CHECK(e.result == DmarcResult::kNone);
  CHECK_FALSE(e.record.has_value());
  CHECK(e.applied_policy == DmarcPolicy::kNone);
  CHECK(dns.lookups() == 2);  // lists.example.net, then example.net
  CHECK_THAT(e.reason, Catch::Contains("_dmarc.example.net"));

  // The From domain is the organizational domain: one lookup only.
  StaticTxtResolver dns2;
  DmarcEvaluator dmarc2(dns2);
  CHECK(dmarc2.Evaluate(FromDomain("example.net")).result == DmarcResult::kNone);
  CHECK(dns2.lookups() == 1);

  CHECK(dmarc.Evaluate(FromDomain("")).result == DmarcResult::kNone);
}

TEST_CASE("DMARC: several records at one name are none, without fallback (section 6.6.3 step 5)",
          "[dmarc][evaluator]") {
  StaticTxtResolver dns;
  dns.Add("_dmarc.news.example.com", "v=DMARC1; p=reject");
  dns.Add("_dmarc.news.example.com", "v=DMARC1; p=none");
  dns.Add("_dmarc.example.com", "v=DMARC1; p=reject");
  DmarcEvaluator dmarc(dns);
  DmarcEvaluation e = dmarc.Evaluate(FromDomain("news.example.com"));
  CHECK(e.result == DmarcResult::kNone);
  CHECK_FALSE(e.record.has_value());
  CHECK(dns.lookups() == 1);
  CHECK(dkim::DiscoverDmarcRecord("news.example.com", dns).outcome ==
        DmarcDiscovery::Outcome::kMultiple);
}

TEST_CASE("DMARC: TXT records that are not DMARC do not count as several (section 6.6.3 step 2)",
          "[dmarc][evaluator]") {
  StaticTxtResolver dns;
  dns.Add("_dmarc.example.com", "google-site-verification=abc");
  dns.Add("_dmarc.example.com", "v=DMARC1; p=reject");
  dns.Add("_dmarc.example.com", "");
  DmarcEvaluator dmarc(dns);
  DmarcEvaluation e = dmarc.Evaluate(FromDomain("example.com"));
  CHECK(e.result == DmarcResult::kFail);
  CHECK(e.applied_policy == DmarcPolicy::kReject);
}

TEST_CASE("DMARC: a temporary DNS failure is temperror, at either step (section 6.6.3)",
          "[dmarc][evaluator]") {
  StaticTxtResolver dns;
  dns.SetStatus("_dmarc.example.com", Status::kTempFail);
  DmarcEvaluator dmarc(dns);
  DmarcInputs in = FromDomain("example.com");
  in.dkim.push_back(Sig(DkimResult::kPass, "example.com"));
  DmarcEvaluation e = dmarc.Evaluate(in);
  CHECK(e.result == DmarcResult::kTempError);
  CHECK_FALSE(e.record.has_value());

  // Nothing at the subdomain, SERVFAIL at the organizational domain.
  DmarcEvaluation sub = dmarc.Evaluate(FromDomain("news.example.com"));
  CHECK(sub.result == DmarcResult::kTempError);
  CHECK(sub.policy_domain == "example.com");

  // A temporary failure at the subdomain does not fall back.
  StaticTxtResolver dns2;
  dns2.SetStatus("_dmarc.news.example.com", Status::kTempFail);
  dns2.Add("_dmarc.example.com", "v=DMARC1; p=none");
  DmarcEvaluator dmarc2(dns2);
  CHECK(dmarc2.Evaluate(FromDomain("news.example.com")).result == DmarcResult::kTempError);
  CHECK(dns2.lookups() == 1);
}

TEST_CASE("DMARC: an aligned check that failed temporarily makes no fail (section 6.6.2)",
          "[dmarc][evaluator]") {
  StaticTxtResolver dns;
  dns.Add("_dmarc.example.com", "v=DMARC1; p=reject");
  DmarcEvaluator dmarc(dns);
  DmarcInputs in = FromDomain("example.com");
  in.dkim.push_back(Sig(DkimResult::kTempError, "example.com"));
  CHECK(dmarc.Evaluate(in).result == DmarcResult::kTempError);

  DmarcInputs spf = FromDomain("example.com");
  spf.spf_result = "temperror";
  spf.spf_domain = "example.com";
  CHECK(dmarc.Evaluate(spf).result == DmarcResult::kTempError);

  // ... but an aligned pass elsewhere still passes, and an unaligned
  // temporary error changes nothing.
  in.spf_result = "pass";
  in.spf_domain = "example.com";
  CHECK(dmarc.Evaluate(in).result == DmarcResult::kPass);
  DmarcInputs unaligned = FromDomain("example.com");
  unaligned.dkim.push_back(Sig(DkimResult::kTempError, "example.net"));
  CHECK(dmarc.Evaluate(unaligned).result == DmarcResult::kFail);
}

TEST_CASE(
    "DMARC: an unusable record is permerror and applies no policy (sections 6.6.3 step 6, "
    "11.2)",
    "[dmarc][evaluator]") {
  StaticTxtResolver dns;
  dns.Add("_dmarc.example.com", "v=DMARC1; p=block");
  dns.Add("_dmarc.rua.example", "v=DMARC1; p=block; rua=mailto:r@rua.example");
  DmarcEvaluator dmarc(dns);
  DmarcEvaluation e = dmarc.Evaluate(FromDomain("example.com"));
  CHECK(e.result == DmarcResult::kPermError);
  CHECK_FALSE(e.record.has_value());
  CHECK(e.applied_policy == DmarcPolicy::kNone);
  CHECK_THAT(e.reason, Catch::Contains("p=block"));

  // With a valid rua= it reads as p=none (step 6.1): a fail, but nothing to apply.
  DmarcEvaluation rua = dmarc.Evaluate(FromDomain("rua.example"));
  CHECK(rua.result == DmarcResult::kFail);
  REQUIRE(rua.record.has_value());
  CHECK(rua.record->policy_from_rua);
  CHECK(rua.applied_policy == DmarcPolicy::kNone);
}

TEST_CASE("DMARC: pct= is reported, not sampled (section 6.6.4 is the receiver's)",
          "[dmarc][evaluator]") {
  StaticTxtResolver dns;
  dns.Add("_dmarc.example.com", "v=DMARC1; p=reject; pct=10");
  DmarcEvaluator dmarc(dns);
  for (int i = 0; i < 5; ++i) {
    DmarcEvaluation e = dmarc.Evaluate(FromDomain("example.com"));
    CHECK(e.result == DmarcResult::kFail);
    CHECK(e.applied_policy == DmarcPolicy::kReject);
    REQUIRE(e.record.has_value());
    CHECK(e.record->pct == 10);
  }
}

TEST_CASE("DMARC: DomainsAligned compares case-insensitively (section 3.1, RFC 4343)",
          "[dmarc][evaluator]") {
  CHECK(dkim::DomainsAligned("EXAMPLE.com.", "example.COM", true));
  CHECK(dkim::DomainsAligned("a.example.co.uk", "b.example.co.uk", false));
  CHECK_FALSE(dkim::DomainsAligned("a.example.co.uk", "b.example.co.uk", true));
  CHECK_FALSE(dkim::DomainsAligned("example.co.uk", "other.co.uk", false));
  CHECK_FALSE(dkim::DomainsAligned("", "example.com", false));
}
