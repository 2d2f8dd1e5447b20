// PrefetchedKeys (dkim/prefetched_keys.h, hardening finding 13): all the
// keys a message's signatures and seals name are asked for in one
// LookupMany, and each is then answered from that, temporary failures
// included, so a slow domain costs a post one DNS wait, not one per use.
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "dkim/arc_validator.h"
#include "dkim/prefetched_keys.h"
#include "dkim/verifier.h"

namespace {

using dkim::KeyLookup;

// Answers every key with a temporary failure, counting the questions.
class CountingKeys : public dkim::KeyResolver {
 public:
  KeyLookup Lookup(std::string_view selector, std::string_view domain) override {
    ++single_lookups;
    asked.push_back(dkim::KeyRecordName(selector, domain));
    return Failed();
  }
  std::vector<KeyLookup> LookupMany(
      const std::vector<std::pair<std::string, std::string>>& wanted) override {
    ++batches;
    for (const auto& [selector, domain] : wanted)
      asked.push_back(dkim::KeyRecordName(selector, domain));
    return std::vector<KeyLookup>(wanted.size(), Failed());
  }
  static KeyLookup Failed() {
    KeyLookup lookup;
    lookup.status = KeyLookup::Status::kTempFail;
    lookup.error = "timed out";
    return lookup;
  }
  int single_lookups = 0;
  int batches = 0;
  std::vector<std::string> asked;
};

const char kSigned[] =
    "ARC-Seal: i=1; a=rsa-sha256; cv=none; d=mx.example; s=arc; t=1; b=AAAA\r\n"
    "ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=mx.example; s=arc;\r\n"
    " h=from; bh=AAAA; b=AAAA\r\n"
    "ARC-Authentication-Results: i=1; mx.example; dkim=pass\r\n"
    "DKIM-Signature: v=1; a=rsa-sha256; d=author.example; s=one; h=from; bh=AAAA; b=AAAA\r\n"
    "DKIM-Signature: v=1; a=ed25519-sha256; d=Author.Example; s=ONE; h=from; bh=AAAA; b=AAAA\r\n"
    "DKIM-Signature: v=1; a=rsa-sha256; d=esp.example; s=two; h=from; bh=AAAA; b=AAAA\r\n"
    "From: a@author.example\r\n\r\nbody\r\n";

TEST_CASE("the keys of every signature and seal are named once each, in order", "[prefetch]") {
  auto message = dkim::Message::Parse(kSigned);
  REQUIRE(message.ok());
  const auto named = dkim::KeysNamedIn(*message);
  REQUIRE(named.size() == 3);  // mx.example's seal and AMS share a key; case folds
  CHECK(named[0] == std::make_pair(std::string("arc"), std::string("mx.example")));
  CHECK(named[1] == std::make_pair(std::string("one"), std::string("author.example")));
  CHECK(named[2] == std::make_pair(std::string("two"), std::string("esp.example")));
}

TEST_CASE("a message's keys are fetched in one batch and never asked again", "[prefetch]") {
  auto message = dkim::Message::Parse(kSigned);
  REQUIRE(message.ok());
  CountingKeys dns;
  dkim::PrefetchedKeys keys(dns, *message);
  CHECK(dns.batches == 1);
  CHECK(dns.asked.size() == 3);
  CHECK(keys.prefetched() == 3);
  // The verifier and the ARC validator on top ask nothing more, even though
  // every answer was a temporary failure (which no cache keeps).
  auto results = dkim::Verifier(keys).Verify(*message, 100);
  CHECK(results.size() == 3);
  for (const auto& result : results) CHECK(result.result == dkim::DkimResult::kTempError);
  dkim::ArcValidator(keys).Validate(*message, 100);
  CHECK(dns.batches == 1);
  CHECK(dns.single_lookups == 0);
  CHECK(dns.asked.size() == 3);
  // A key the message did not name still goes to the resolver beneath.
  keys.Lookup("other", "elsewhere.example");
  CHECK(dns.single_lookups == 1);
}

}  // namespace
