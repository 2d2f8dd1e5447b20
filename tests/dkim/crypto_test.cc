// OpenSSL wrappers: base64 (RFC 6376 section 2.10 base64string), key
// generation and loading (RFC 8301 section 3.2, RFC 8463 sections 3 and 4).
#include <catch2/catch.hpp>

#include "dkim/crypto.h"

using dkim::KeyType;
using dkim::PrivateKey;
using dkim::PublicKey;

TEST_CASE("RFC 6376 2.10: base64 round trip, FWS ignored, junk refused", "[crypto]") {
  CHECK(dkim::Base64Encode("") == "");
  CHECK(dkim::Base64Encode("any carnal pleas") == "YW55IGNhcm5hbCBwbGVhcw==");
  CHECK(*dkim::Base64Decode("YW55IGNh\r\n cm5hbCBw\tbGVhcw==") == "any carnal pleas");
  CHECK(*dkim::Base64Decode("YW55") == "any");
  CHECK_FALSE(dkim::Base64Decode("YW5").ok());      // bad length
  CHECK_FALSE(dkim::Base64Decode("YW5!").ok());     // bad character
  CHECK_FALSE(dkim::Base64Decode("YQ==YQ==").ok()); // data after padding
}

TEST_CASE("RFC 8301 3.2: RSA keys under 1024 bits are not generated", "[crypto]") {
  CHECK_FALSE(PrivateKey::Generate(KeyType::kRsa, 512).ok());
  auto key = PrivateKey::Generate(KeyType::kRsa, 1024);
  REQUIRE(key.ok());
  CHECK(key->bits() == 1024);
}

TEST_CASE("keys survive a PEM round trip and sign what their public half verifies", "[crypto]") {
  for (KeyType type : {KeyType::kRsa, KeyType::kEd25519}) {
    auto key = PrivateKey::Generate(type, 2048);
    REQUIRE(key.ok());
    auto loaded = PrivateKey::Load(key->ToPem().view());
    REQUIRE(loaded.ok());
    CHECK(loaded->type() == type);
    CHECK(loaded->PublicKeyBase64() == key->PublicKeyBase64());

    auto der = dkim::Base64Decode(key->PublicKeyBase64());
    REQUIRE(der.ok());
    auto pub = PublicKey::FromRecordBytes(type, *der);
    REQUIRE(pub.ok());
    std::string digest = dkim::HashBytes(dkim::HashAlgorithm::kSha256, "message");
    // Repeated use exercises the prepared, reused OpenSSL contexts.
    for (int i = 0; i < 3; ++i) {
      auto sig = loaded->SignDigest(digest);
      REQUIRE(sig.ok());
      CHECK(pub->VerifyDigest(dkim::HashAlgorithm::kSha256, digest, *sig));
      std::string bad = *sig;
      bad[5] ^= 1;
      CHECK_FALSE(pub->VerifyDigest(dkim::HashAlgorithm::kSha256, digest, bad));
    }
  }
}

TEST_CASE("RFC 8463 4.2: Ed25519 p= is the raw 32-byte key, not DER", "[crypto]") {
  auto key = PrivateKey::Generate(KeyType::kEd25519);
  REQUIRE(key.ok());
  CHECK(dkim::Base64Decode(key->PublicKeyBase64())->size() == 32);
  CHECK_FALSE(PublicKey::FromRecordBytes(KeyType::kEd25519, std::string(44, 'x')).ok());
}

TEST_CASE("RFC 8463 appendix A: an Ed25519 key given as the base64 seed loads", "[crypto]") {
  // RFC 8032 section 7.1 test 1 seed, as RFC 8463 A.1 prints it.
  auto key = PrivateKey::Load("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=");
  REQUIRE(key.ok());
  CHECK(key->type() == KeyType::kEd25519);
  CHECK(key->PublicKeyBase64() == "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
  CHECK_FALSE(PrivateKey::Load("not a key").ok());
}

TEST_CASE("RFC 6376 3.6.1: RSA p= as SubjectPublicKeyInfo or bare RSAPublicKey", "[crypto]") {
  auto key = PrivateKey::Generate(KeyType::kRsa, 1024);
  REQUIRE(key.ok());
  std::string spki = *dkim::Base64Decode(key->PublicKeyBase64());
  // SubjectPublicKeyInfo for RSA wraps the RSAPublicKey in a BIT STRING;
  // for a 1024-bit key the RSAPublicKey starts 22 bytes in.
  std::string bare = spki.substr(22);
  auto a = PublicKey::FromRecordBytes(KeyType::kRsa, spki);
  auto b = PublicKey::FromRecordBytes(KeyType::kRsa, bare);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->bits() == 1024);
  CHECK(b->bits() == 1024);
  CHECK_FALSE(PublicKey::FromRecordBytes(KeyType::kRsa, "garbage").ok());
}
