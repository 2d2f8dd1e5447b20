// TxtMemo (dkim/txt_memo.h, hardening finding 13): a post's DMARC names
// (RFC 7489 section 6.6.3) go out in the same LookupTxtMany as its DKIM
// and ARC keys (RFC 6376 section 3.6.2.1), each name asked once, and the
// verdicts are those of the resolver beneath.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "dkim/arc_validator.h"
#include "dkim/dmarc_discovery.h"
#include "dkim/dmarc_evaluator.h"
#include "dkim/key_resolver.h"
#include "dkim/prefetched_keys.h"
#include "dkim/txt_memo.h"
#include "dkim/verifier.h"
#include "tests/support/batch_recorder.h"

namespace {

using dkim::TxtAnswer;

using BatchRecorder = test_support::BatchRecorder;

// Signed by the author's subdomain, an ESP and sealed by an MX: three keys,
// none of which the table holds (kNoRecord, a permerror each).
const char kSigned[] =
    "ARC-Seal: i=1; a=rsa-sha256; cv=none; d=mx.example; s=arc; t=1; b=AAAA\r\n"
    "ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=mx.example; s=arc;\r\n"
    " h=from; bh=AAAA; b=AAAA\r\n"
    "ARC-Authentication-Results: i=1; mx.example; dkim=pass\r\n"
    "DKIM-Signature: v=1; a=rsa-sha256; d=news.author.example; s=one; h=from; bh=AAAA; b=AAAA\r\n"
    "DKIM-Signature: v=1; a=rsa-sha256; d=esp.example; s=two; h=from; bh=AAAA; b=AAAA\r\n"
    "From: a@news.author.example\r\n\r\nbody\r\n";

dkim::DmarcInputs InputsFor(const std::string& from, const std::vector<dkim::SignatureResult>& r) {
  dkim::DmarcInputs inputs;
  inputs.from_domain = from;
  inputs.dkim = r;
  return inputs;
}

TEST_CASE("RFC 7489 section 6.6.3: the names discovery may ask, author domain first", "[dmarc]") {
  CHECK(dkim::DmarcRecordNames("news.author.example") ==
        std::vector<std::string>{"_dmarc.news.author.example", "_dmarc.author.example"});
  CHECK(dkim::DmarcRecordNames("author.example") ==
        std::vector<std::string>{"_dmarc.author.example"});
}

TEST_CASE("a post's DMARC names go out in its key batch, each name once", "[dmarc][prefetch]") {
  auto message = dkim::Message::Parse(kSigned);
  REQUIRE(message.ok());
  dkim::StaticTxtResolver table;
  // Nothing at the subdomain: section 6.6.3 step 3 needs the
  // organizational domain's record, whose sp= then applies.
  table.Add("_dmarc.author.example", "v=DMARC1; p=reject; sp=quarantine");
  BatchRecorder dns(table);
  dkim::TxtMemo memo(dns);
  dkim::DnsKeyResolver keys(memo, [] { return int64_t{100}; });

  dkim::DmarcEvaluation eval;
  {
    dkim::TxtMemo::Post post(memo);
    memo.Expect(dkim::DmarcRecordNames("news.author.example"));
    dkim::PrefetchedKeys post_keys(keys, *message);
    auto results = dkim::Verifier(post_keys).Verify(*message, 100);
    dkim::ArcValidator(post_keys).Validate(*message, 100);
    eval = dkim::DmarcEvaluator(memo).Evaluate(InputsFor("news.author.example", results));
  }
  REQUIRE(dns.batches.size() == 1);
  CHECK(dns.batches[0].size() == 5);
  for (const char* name :
       {"arc._domainkey.mx.example", "one._domainkey.news.author.example",
        "two._domainkey.esp.example", "_dmarc.news.author.example", "_dmarc.author.example"}) {
    CHECK(dns.Asked(name) == 1);
  }

  // The verdict is the one the table gives without the memo.
  auto direct_results = dkim::Verifier(keys).Verify(*message, 100);
  dkim::DmarcEvaluation direct =
      dkim::DmarcEvaluator(table).Evaluate(InputsFor("news.author.example", direct_results));
  CHECK(eval.result == direct.result);
  CHECK(eval.result == dkim::DmarcResult::kFail);
  CHECK(eval.policy_domain == direct.policy_domain);
  CHECK(eval.policy_domain == "author.example");
  CHECK(eval.applied_policy == dkim::DmarcPolicy::kQuarantine);
  CHECK(eval.reason == direct.reason);
}

TEST_CASE("a temporary failure is kept for the post, then forgotten", "[dmarc][prefetch]") {
  dkim::StaticTxtResolver table;
  table.SetStatus("_dmarc.author.example", TxtAnswer::Status::kTempFail);
  BatchRecorder dns(table);
  dkim::TxtMemo memo(dns);
  {
    dkim::TxtMemo::Post post(memo);
    memo.Expect({"_dmarc.Author.Example."});  // names fold case and the root dot
    CHECK(memo.LookupTxt("_dmarc.author.example").status == TxtAnswer::Status::kTempFail);
    CHECK(memo.LookupTxt("_DMARC.author.example").status == TxtAnswer::Status::kTempFail);
    CHECK(dns.batches.size() == 1);
  }
  // The next post asks again: a temporary failure may have cleared.
  {
    dkim::TxtMemo::Post post(memo);
    memo.LookupTxt("_dmarc.author.example");
  }
  CHECK(dns.batches.size() == 2);
}

TEST_CASE("outside a post the memo keeps nothing and expects nothing", "[dmarc][prefetch]") {
  dkim::StaticTxtResolver table;
  table.Add("_dmarc.author.example", "v=DMARC1; p=none");
  BatchRecorder dns(table);
  dkim::TxtMemo memo(dns);
  memo.Expect({"_dmarc.other.example"});
  CHECK(memo.LookupTxt("_dmarc.author.example").records ==
        std::vector<std::string>{"v=DMARC1; p=none"});
  memo.LookupTxt("_dmarc.author.example");
  REQUIRE(dns.batches.size() == 2);
  CHECK(dns.batches[0] == std::vector<std::string>{"_dmarc.author.example"});
  CHECK(dns.Asked("_dmarc.other.example") == 0);
}

TEST_CASE("an expected name never asked for costs no round of its own", "[dmarc][prefetch]") {
  dkim::StaticTxtResolver table;
  BatchRecorder dns(table);
  dkim::TxtMemo memo(dns);
  {
    dkim::TxtMemo::Post post(memo);
    memo.Expect({"_dmarc.author.example"});
  }
  CHECK(dns.batches.empty());
}

}  // namespace
