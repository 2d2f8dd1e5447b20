// Stage 2, authenticate, on slow DNS (hardening finding 13): with a
// per-post TXT memo beneath the keys, a post's DKIM key lookups (RFC 6376
// section 3.6.2.1) and its DMARC policy lookups (RFC 7489 section 6.6.3:
// the author domain, then its organizational domain) are one concurrent
// round, so a post whose DNS is slow waits once; the verdicts are the same
// as without the memo.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "dkim/txt_memo.h"
#include "listd/pipeline/authenticate.h"
#include "tests/support/batch_recorder.h"
#include "tests/support/test_mail.h"

namespace {

using dkim::TxtAnswer;
using listd::pipeline::Authenticate;
using listd::pipeline::Authentication;
using namespace pipeline_test;

using Rounds = test_support::BatchRecorder;

// From a subdomain without a record of its own, signed by the
// organizational domain: discovery needs both names (step 3).
std::string SubdomainPost() {
  return SignedBy(Replace(kPost, "jane@example.org", "jane@news.example.org"), "ed");
}

TEST_CASE("authenticate asks a post's keys and DMARC names in one round, each once",
          "[authenticate][dmarc]") {
  AuthFixture f;
  f.dns.Add("_dmarc.example.org", "v=DMARC1; p=reject; sp=quarantine");
  const std::string post = SubdomainPost();

  Rounds dns(f.dns);
  dkim::TxtMemo memo(dns);
  dkim::DnsKeyResolver keys(memo, [] { return kNow; });
  listd::pipeline::AuthenticateOptions options = f.options;
  options.dmarc_dns = &memo;
  options.post_memo = &memo;
  auto batched = Authenticate(post, options, keys);
  REQUIRE(batched.ok());

  REQUIRE(dns.batches.size() == 1);
  CHECK(dns.batches[0].size() == 3);
  CHECK(dns.Asked("ed._domainkey.example.org") == 1);
  CHECK(dns.Asked("_dmarc.news.example.org") == 1);
  CHECK(dns.Asked("_dmarc.example.org") == 1);

  // The same post without the memo: the same verdicts, in two rounds.
  Rounds plain_dns(f.dns);
  dkim::DnsKeyResolver plain_keys(plain_dns, [] { return kNow; });
  listd::pipeline::AuthenticateOptions plain = f.options;
  plain.dmarc_dns = &plain_dns;
  auto sequential = Authenticate(post, plain, plain_keys);
  REQUIRE(sequential.ok());
  CHECK(plain_dns.batches.size() == 3);  // the key, then _dmarc.news, then _dmarc.

  REQUIRE(batched->dkim.size() == 1);
  CHECK(batched->dkim[0].result == dkim::DkimResult::kPass);
  CHECK(batched->dkim[0].result == sequential->dkim[0].result);
  REQUIRE(batched->dmarc);
  REQUIRE(sequential->dmarc);
  CHECK(batched->dmarc->result == dkim::DmarcResult::kPass);
  CHECK(batched->dmarc->result == sequential->dmarc->result);
  CHECK(batched->dmarc->policy_domain == "example.org");
  CHECK(batched->dmarc->applied_policy == sequential->dmarc->applied_policy);
  CHECK(batched->dmarc->reason == sequential->dmarc->reason);
  CHECK(batched->message == sequential->message);
}

TEST_CASE("with every answer a temporary failure the post still waits one round",
          "[authenticate][dmarc]") {
  AuthFixture f;
  dkim::StaticTxtResolver down;
  for (const char* name : {"ed._domainkey.example.org", "_dmarc.news.example.org"}) {
    down.SetStatus(name, TxtAnswer::Status::kTempFail);
  }
  Rounds dns(down);
  dkim::TxtMemo memo(dns);
  dkim::DnsKeyResolver keys(memo, [] { return kNow; });
  listd::pipeline::AuthenticateOptions options = f.options;
  options.dmarc_dns = &memo;
  options.post_memo = &memo;
  auto auth = Authenticate(SubdomainPost(), options, keys);
  REQUIRE(auth.ok());
  CHECK(dns.batches.size() == 1);
  REQUIRE(auth->dkim.size() == 1);
  CHECK(auth->dkim[0].result == dkim::DkimResult::kTempError);
  REQUIRE(auth->dmarc);
  CHECK(auth->dmarc->result == dkim::DmarcResult::kTempError);  // RFC 7489 section 11.2
  // Nothing is kept past the post: the next one asks again.
  REQUIRE(Authenticate(SubdomainPost(), options, keys).ok());
  CHECK(dns.batches.size() == 2);
}

TEST_CASE("an unsigned post's DMARC names still go out together", "[authenticate][dmarc]") {
  AuthFixture f;
  Rounds dns(f.dns);
  dkim::TxtMemo memo(dns);
  dkim::DnsKeyResolver keys(memo, [] { return kNow; });
  listd::pipeline::AuthenticateOptions options = f.options;
  options.dmarc_dns = &memo;
  options.post_memo = &memo;
  auto auth =
      Authenticate(Replace(kPost, "jane@example.org", "jane@news.example.org"), options, keys);
  REQUIRE(auth.ok());
  REQUIRE(dns.batches.size() == 1);
  CHECK(dns.batches[0] ==
        std::vector<std::string>{"_dmarc.news.example.org", "_dmarc.example.org"});
  REQUIRE(auth->dmarc);
  CHECK(auth->dmarc->result == dkim::DmarcResult::kNone);
}

}  // namespace
