// RFC 8617 section 4.1.1 with RFC 8601 section 5: an ARC-Authentication-
// Results field claiming our authserv-id is a forgery unless one of our own
// signing domains verifiably sealed its set (a list here forwarding to
// another list here). A forged one is removed, so no member's copy shows
// "lists.example.org; dkim=pass" in an AAR we never wrote, and the chain
// it sat in counts as failed, so the list's seal says cv=fail.
#include <catch2/catch.hpp>
#include <string>

#include "dkim/arc_sealer.h"
#include "dkim/arc_validator.h"
#include "listd/pipeline/authenticate.h"
#include "tests/support/test_mail.h"

namespace {

using namespace pipeline_test;

// `kPost` sealed i=1 by example.org (a domain that is not ours, with a key
// DNS serves, so the set itself validates), its AAR in our name.
std::string SealedInOurName(AuthFixture& f) {
  dkim::ArcSealerOptions options;
  options.domain = "example.org";
  options.selector = "ed";
  options.algorithm = dkim::SigningAlgorithm::kEd25519Sha256;
  options.authserv_id = kOurId;  // the forgery
  auto sealer = dkim::ArcSealer::Create(options, EdKey().Clone());
  REQUIRE(sealer.ok());
  auto message = dkim::Message::Parse(kPost);
  REQUIRE(message.ok());
  dkim::ArcValidation none;
  auto fields = sealer->Seal(*message, none, "dkim=pass header.d=paypal.com", kNow);
  REQUIRE(fields.ok());
  const std::string sealed = *fields + kPost;
  // The set is sound in itself: a validator that ignores authserv-ids
  // passes it.
  auto parsed = dkim::Message::Parse(sealed);
  REQUIRE(parsed.ok());
  REQUIRE(dkim::ArcValidator(f.keys).Validate(*parsed, kNow).result == dkim::ArcResult::kPass);
  return sealed;
}

TEST_CASE("forged AAR: one claiming our authserv-id is removed and fails the chain",
          "[authenticate][arc]") {
  AuthFixture f;
  const auto auth = f.Run(SealedInOurName(f));
  CHECK(auth.message.find("ARC-Authentication-Results") == std::string::npos);
  CHECK(auth.message.find("paypal.com") == std::string::npos);
  CHECK(auth.arc.result == dkim::ArcResult::kFail);
  CHECK_THAT(auth.arc.reason, Catch::Contains("claims our authserv-id"));
  REQUIRE(auth.removed.size() == 1);
  CHECK(auth.removed[0] == "forged ARC-Authentication-Results claiming lists.example.org");
  // The rest of the set stays: the seal and the AMS are not ours to judge.
  CHECK(auth.message.find("ARC-Seal: i=1;") != std::string::npos);
}

TEST_CASE("forged AAR: a set one of our own signing domains sealed keeps its AAR",
          "[authenticate][arc]") {
  AuthFixture f;
  f.options.own_seal_domains = {"lists.example.net", "Example.ORG"};
  const auto auth = f.Run(SealedInOurName(f));
  CHECK(auth.message.find("ARC-Authentication-Results: i=1; lists.example.org;") !=
        std::string::npos);
  CHECK(auth.arc.result == dkim::ArcResult::kPass);
  CHECK(auth.removed.empty());
}

TEST_CASE("forged AAR: another host's AAR is left alone", "[authenticate][arc]") {
  AuthFixture f;
  std::string sealed = SealedInOurName(f);
  sealed = Replace(sealed, "i=1; lists.example.org;", "i=1; mx.example.org;");
  const auto auth = f.Run(sealed);
  CHECK(auth.message.find("ARC-Authentication-Results: i=1; mx.example.org;") != std::string::npos);
  CHECK(auth.removed.empty());
}

}  // namespace
