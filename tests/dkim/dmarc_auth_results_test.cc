// dmarc= results in Authentication-Results (RFC 8601, RFC 7489 section
// 11.2), and the spf= result DMARC reads from a trusted upstream field.
#include <catch2/catch.hpp>
#include <string>

#include "dkim/dmarc_auth_results.h"

namespace {

using dkim::DmarcEvaluation;
using dkim::DmarcEvaluator;
using dkim::DmarcInputs;
using dkim::DmarcResult;
using dkim::StaticTxtResolver;

}  // namespace

TEST_CASE(
    "DMARC A-R: dmarc=fail with the policy in the comment and header.from "
    "(RFC 7489 section 11.2)",
    "[dmarc][auth_results]") {
  StaticTxtResolver dns;
  dns.Add("_dmarc.example.org", "v=DMARC1; p=quarantine; sp=reject; pct=50");
  DmarcEvaluator dmarc(dns);
  DmarcInputs in;
  in.from_domain = "news.example.org";
  DmarcEvaluation e = dmarc.Evaluate(in);
  REQUIRE(e.result == DmarcResult::kFail);

  dkim::AuthResult r = dkim::DmarcAuthResult(e);
  CHECK(r.method == "dmarc");
  CHECK(r.result == "fail");
  CHECK(r.reason == "p=quarantine sp=reject pct=50 applied=reject");
  CHECK(r.Property("header.from") == "news.example.org");

  // Appended to the dkim= results of the same field, as the pipeline does.
  dkim::AuthenticationResults ar = dkim::DkimAuthenticationResults("lists.example.net", {});
  ar.results.push_back(r);
  std::string field = dkim::FormatAuthenticationResults(ar);
  CHECK_THAT(field, Catch::StartsWith("Authentication-Results: lists.example.net;"));
  CHECK_THAT(field, Catch::Contains("dkim=none"));
  CHECK_THAT(field, Catch::Contains("dmarc=fail"));
  CHECK_THAT(field, Catch::Contains("header.from=news.example.org"));

  // And it reads back.
  auto parsed = dkim::ParseAuthenticationResults(field.substr(field.find(':') + 1));
  REQUIRE(parsed.ok());
  REQUIRE(parsed->results.size() == 2);
  CHECK(parsed->results[1].method == "dmarc");
  CHECK(parsed->results[1].result == "fail");
  CHECK(parsed->results[1].Property("header.from") == "news.example.org");
}

TEST_CASE("DMARC A-R: dmarc=none and dmarc=temperror say why", "[dmarc][auth_results]") {
  StaticTxtResolver dns;
  dns.SetStatus("_dmarc.broken.example", dkim::TxtAnswer::Status::kTempFail);
  DmarcEvaluator dmarc(dns);
  DmarcInputs in;
  in.from_domain = "example.com";
  dkim::AuthResult none = dkim::DmarcAuthResult(dmarc.Evaluate(in));
  CHECK(none.result == "none");
  CHECK_THAT(none.reason, Catch::Contains("no DMARC record"));
  CHECK(none.Property("header.from") == "example.com");

  in.from_domain = "broken.example";
  dkim::AuthResult temp = dkim::DmarcAuthResult(dmarc.Evaluate(in));
  CHECK(temp.result == "temperror");
}

TEST_CASE(
    "DMARC A-R: spf= and smtp.mailfrom from a trusted upstream field (RFC 8601 "
    "section 2.7.2)",
    "[dmarc][auth_results]") {
  auto upstream = dkim::ParseAuthenticationResults(
      " mx.example.net; dkim=pass header.d=example.com;"
      " SPF=pass (sender SPF authorized) SMTP.MailFrom=bounce+x@bounces.example.com");
  REQUIRE(upstream.ok());
  DmarcInputs in;
  in.from_domain = "example.com";
  REQUIRE(dkim::ReadSpfFromAuthenticationResults(*upstream, in));
  CHECK(in.spf_result == "pass");
  CHECK(in.spf_domain == "bounce+x@bounces.example.com");

  StaticTxtResolver dns;
  dns.Add("_dmarc.example.com", "v=DMARC1; p=reject");
  DmarcEvaluator dmarc(dns);
  DmarcEvaluation e = dmarc.Evaluate(in);
  CHECK(e.result == DmarcResult::kPass);  // relaxed SPF alignment (RFC 7489 section 3.1.2)
  CHECK(e.spf_aligned);
  CHECK(dkim::DmarcAuthResult(e).reason == "p=reject");

  auto no_spf = dkim::ParseAuthenticationResults(" mx.example.net; dkim=pass header.d=example.com");
  REQUIRE(no_spf.ok());
  DmarcInputs untouched;
  CHECK_FALSE(dkim::ReadSpfFromAuthenticationResults(*no_spf, untouched));
  CHECK_FALSE(untouched.spf_result.has_value());
}
