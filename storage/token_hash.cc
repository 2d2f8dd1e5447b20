// TokenHash over OpenSSL's EVP (see token_hash.h).
#include "storage/token_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

namespace storage {

std::string TokenHash(std::string_view token) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(token.data(), token.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
    // SHA-256 cannot fail short of a broken OpenSSL; storing a wrong hash
    // would silently make every token unusable.
    std::fputs("listd: SHA-256 is unavailable in OpenSSL\n", stderr);
    std::abort();
  }
  return std::string(reinterpret_cast<const char*>(digest), size);
}

bool SameHash(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace storage
