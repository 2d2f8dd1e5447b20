// DmarcEvaluator over UnboundTxtResolver against the real unbound of
// tests/support/dns_server.py (records in tests/dkim/dns/records.tsv): policy
// discovery with fallback to the organizational domain, RFC 7489 section
// 6.6.3, and a SERVFAIL as temperror. Without LISTD_TEST_DNS every test
// fails rather than skips.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <memory>
#include <string>

#include "dkim/dmarc_evaluator.h"
#include "dkim/unbound_txt_resolver.h"

namespace {

using dkim::DkimResult;
using dkim::DmarcEvaluation;
using dkim::DmarcEvaluator;
using dkim::DmarcInputs;
using dkim::DmarcPolicy;
using dkim::DmarcResult;

std::unique_ptr<dkim::UnboundTxtResolver> TestResolver() {
  const char* address = std::getenv("LISTD_TEST_DNS");
  if (address == nullptr || *address == '\0') {
    FAIL("LISTD_TEST_DNS is not set: run dns_tests through ctest");
  }
  dkim::UnboundOptions options;
  options.forwarder = address;
  auto resolver = dkim::UnboundTxtResolver::Create(options);
  INFO((resolver.ok() ? std::string() : resolver.error()));
  REQUIRE(resolver.ok());
  return std::move(resolver).value();
}

DmarcInputs From(std::string domain) {
  DmarcInputs in;
  in.from_domain = std::move(domain);
  return in;
}

}  // namespace

TEST_CASE(
    "DMARC over DNS: NXDOMAIN at the From domain falls back to the organizational domain, "
    "whose sp= applies (RFC 7489 sections 6.6.3 steps 1-4, 6.3)",
    "[dmarc][dns]") {
  auto dns = TestResolver();
  DmarcEvaluator dmarc(*dns);
  DmarcInputs in = From("news.example.co.uk");
  DmarcEvaluation e = dmarc.Evaluate(in);
  INFO(e.reason);
  CHECK(e.result == DmarcResult::kFail);
  CHECK(e.policy_domain == "example.co.uk");  // libpsl: co.uk is a public suffix
  CHECK(e.applied_policy == DmarcPolicy::kReject);
  REQUIRE(e.record.has_value());
  CHECK(e.record->p == DmarcPolicy::kQuarantine);

  // A relaxed-aligned passing signature from the organizational domain.
  dkim::SignatureResult sig;
  sig.result = DkimResult::kPass;
  sig.domain = "example.co.uk";
  in.dkim.push_back(sig);
  CHECK(dmarc.Evaluate(in).result == DmarcResult::kPass);
}

TEST_CASE("DMARC over DNS: a record at the From domain itself wins (section 6.6.3 step 1)",
          "[dmarc][dns]") {
  auto dns = TestResolver();
  DmarcEvaluator dmarc(*dns);
  DmarcInputs in = From("own.example.co.uk");
  dkim::SignatureResult sig;
  sig.result = DkimResult::kPass;
  sig.domain = "example.co.uk";  // relaxed would align; this record says adkim=s
  in.dkim.push_back(sig);
  DmarcEvaluation e = dmarc.Evaluate(in);
  INFO(e.reason);
  CHECK(e.result == DmarcResult::kFail);
  CHECK(e.policy_domain == "own.example.co.uk");
  CHECK(e.applied_policy == DmarcPolicy::kNone);
}

TEST_CASE("DMARC over DNS: SERVFAIL is temperror (section 6.6.3, DNS errors)", "[dmarc][dns]") {
  auto dns = TestResolver();
  DmarcEvaluator dmarc(*dns);
  DmarcEvaluation e = dmarc.Evaluate(From("broken.example.org"));
  INFO(e.reason);
  CHECK(e.result == DmarcResult::kTempError);
  CHECK(e.policy_domain == "broken.example.org");
}
