// Key records, RFC 6376 section 3.6.1, and their zone-file form.
#include <catch2/catch.hpp>

#include "dkim/crypto.h"
#include "dkim/key_record.h"

namespace {
std::string Ed25519P() { return dkim::PrivateKey::Generate(dkim::KeyType::kEd25519)->PublicKeyBase64(); }
}  // namespace

TEST_CASE("RFC 6376 3.6.1: defaults and every tag", "[key_record]") {
  std::string p = Ed25519P();
  auto r = dkim::ParseKeyRecord("v=DKIM1; k=ed25519; h=sha256; s=email:*; t=y:s:z; n=hello; p=" + p);
  REQUIRE(r.ok());
  CHECK(r->key_type == dkim::KeyType::kEd25519);
  CHECK(r->AllowsHash("sha256"));
  CHECK_FALSE(r->AllowsHash("sha1"));
  CHECK(r->AllowsEmail());
  CHECK(r->testing);
  CHECK(r->strict_identity);
  CHECK(r->notes == "hello");
  REQUIRE(r->public_key);

  auto defaults = dkim::ParseKeyRecord("p=" + dkim::PrivateKey::Generate(dkim::KeyType::kRsa, 1024)->PublicKeyBase64());
  REQUIRE(defaults.ok());
  CHECK(defaults->key_type == dkim::KeyType::kRsa);
  CHECK(defaults->AllowsHash("sha1"));
  CHECK(defaults->AllowsEmail());
  CHECK_FALSE(defaults->testing);
}

TEST_CASE("RFC 6376 3.6.1: an empty p= means revoked", "[key_record]") {
  auto r = dkim::ParseKeyRecord("v=DKIM1; p=");
  REQUIRE(r.ok());
  CHECK(r->revoked);
  CHECK_FALSE(r->public_key);
}

TEST_CASE("RFC 6376 3.6.1: v= must be first and DKIM1, p= is required", "[key_record]") {
  CHECK_FALSE(dkim::ParseKeyRecord("k=rsa; v=DKIM1; p=").ok());
  CHECK_FALSE(dkim::ParseKeyRecord("v=DKIM2; p=").ok());
  CHECK_FALSE(dkim::ParseKeyRecord("v=DKIM1; k=rsa").ok());
  CHECK_FALSE(dkim::ParseKeyRecord("v=DKIM1; p=!!!!").ok());
}

TEST_CASE("RFC 6376 3.6.1: unknown key types and services are kept for the verifier", "[key_record]") {
  auto r = dkim::ParseKeyRecord("k=dsa; s=tlsrpt; p=AAAA");
  REQUIRE(r.ok());
  CHECK_FALSE(r->known_key_type);
  CHECK_FALSE(r->AllowsEmail());
}

TEST_CASE("zone-file form splits the value into strings of at most 255 bytes", "[key_record]") {
  std::string value = "v=DKIM1; k=rsa; p=" + std::string(600, 'A');
  std::string zone = dkim::FormatZoneFileRecord("s1", "example.org", value);
  CHECK(zone.rfind("s1._domainkey.example.org. IN TXT (", 0) == 0);
  std::string joined;
  size_t pos = 0;
  int strings = 0;
  while ((pos = zone.find('"', pos)) != std::string::npos) {
    size_t end = zone.find('"', pos + 1);
    std::string piece = zone.substr(pos + 1, end - pos - 1);
    CHECK(piece.size() <= 255);
    joined += piece;
    ++strings;
    pos = end + 1;
  }
  CHECK(strings == 3);
  CHECK(joined == value);
}
