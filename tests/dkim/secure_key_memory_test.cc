// Private keys inside OpenSSL stay out of core dumps (hardening finding
// 10): once dkim::UseSecureHeapForPrivateKeys() has run, loading a key puts
// its private numbers on OpenSSL's secure heap, and dropping the key gives
// that memory back.
#include <openssl/crypto.h>
#include <catch2/catch.hpp>

#include <optional>

#include "dkim/crypto.h"

namespace {

using dkim::KeyType;
using dkim::PrivateKey;

TEST_CASE("loaded private keys live on the secure heap and leave it when dropped",
          "[crypto][secret]") {
  REQUIRE(dkim::UseSecureHeapForPrivateKeys());
  REQUIRE(dkim::UseSecureHeapForPrivateKeys());  // a second call changes nothing
  for (KeyType type : {KeyType::kRsa, KeyType::kEd25519}) {
    INFO((type == KeyType::kRsa ? "rsa" : "ed25519"));
    auto made = PrivateKey::Generate(type, 2048);
    REQUIRE(made.ok());
    base::SecretBytes pem = made->ToPem();
    made = PrivateKey::Generate(type, 2048);  // drop the first key: only `pem` is left of it
    const size_t before = CRYPTO_secure_used();
    std::optional<PrivateKey> loaded;
    {
      auto result = PrivateKey::Load(pem.view());
      REQUIRE(result.ok());
      loaded.emplace(std::move(*result));
    }
    auto signature = loaded->SignDigest(dkim::HashBytes(dkim::HashAlgorithm::kSha256, "m"));
    REQUIRE(signature.ok());
    CHECK(CRYPTO_secure_used() > before);
    loaded.reset();
    CHECK(CRYPTO_secure_used() == before);
  }
}

TEST_CASE("a private key's PEM is handed out as secret bytes", "[crypto][secret]") {
  auto key = PrivateKey::Generate(KeyType::kEd25519);
  REQUIRE(key.ok());
  base::SecretBytes pem = key->ToPem();
  CHECK(pem.view().rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
  CHECK_FALSE(dkim::InSecureHeap(pem.data()));  // its own pages, not OpenSSL's arena
}

}  // namespace
